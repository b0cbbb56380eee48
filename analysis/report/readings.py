"""Small readings of numbers for the chapters' generated sentences.

Each function turns a number (or a pair of numbers) into a word or a short phrase and decides which
claim the numbers support, so that a chapter's generated sentence stays true on a user's own panel:
"positive" or "negative" is read from the sign, "identical" from the difference, "an outlier" from
the placebo draws. The chapters call them by name instead of writing lambdas or inline conditions.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from analysis.core import config
from analysis.data import paper
from analysis.data.build import panel_paths
from analysis.estimation.placebo import Placebo
from analysis.estimation.twfe import TwfeResult
from analysis.report.verdicts import stars_text


def words(items) -> str:
    """'A', 'A and B', 'A, B and C' (an empty list gives '')."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def sign_word(x: float) -> str:
    """'positive', 'negative' or 'zero'."""
    return "positive" if x > 0 else "negative" if x < 0 else "zero"


def same_sign(a: float, b: float) -> bool:
    """Whether two numbers have the same sign (zero counts as its own sign)."""
    return bool(np.sign(a) == np.sign(b))


def percent_effect(log_points: float) -> float:
    """A log-point coefficient as a proportional effect in percent: 100 (e^b − 1)."""
    return float(100 * (np.exp(log_points) - 1))


def difference_text(difference: float, tol: float = 1e-10) -> str:
    """'identical to 1e-10' when |difference| < tol, else 'difference 1.2e-05'."""
    return f"identical to {tol:.0e}" if abs(difference) < tol else f"difference {abs(difference):.1e}"


def paper_estimate(table: str, column: str, term: str = "DID") -> str:
    """The paper's printed coefficient with its SE and stars in words, from data/paper/reported_values.csv:
    '0.248 (SE 0.030, significant at 1%)'."""
    coef = paper.reported_value(table, term, "coef", column)
    se = paper.reported_value(table, term, "se", column)
    stars = paper.reported_value(table, term, "stars", column)
    return f"{coef:.3f} (SE {se:.3f}, {stars_text(stars)})"


def not_identified(result: TwfeResult) -> list[str]:
    """The regressors a fit marked not identified (the constant is never listed)."""
    terms = result.terms
    return [t for t, ok in zip(terms["term"], terms["identified"]) if not ok and t != "Constant"]


def public_panel(build_dir) -> bool:
    """True when the build made the panel from the declared public inputs (the data step then writes
    `data/inputs.csv`); False when the user supplied the panel with `--panel`."""
    return panel_paths(Path(build_dir))["inputs"].is_file()


def centred_on_zero(mean: float, sd: float, n: int) -> bool:
    """Whether the mean of `n` draws with standard deviation `sd` is within two standard errors of 0."""
    return abs(mean) <= 2 * sd / np.sqrt(n)


def placebo_side(result: Placebo) -> str:
    """Where the true coefficient lies among the placebo draws: 'to the left of all of them', 'to the
    right of 97% of them' (left when it is below the draws' mean)."""
    s = result.summary()
    if result.true_estimate < s["mean"]:
        side, share = "left", float((result.draws["estimate"] > result.true_estimate).mean())
    else:
        side, share = "right", float((result.draws["estimate"] < result.true_estimate).mean())
    return f"to the {side} of {'all' if share == 1 else f'{share:.0%}'} of them"


def placebo_position(result: Placebo, alpha: float = config.ALPHA) -> str:
    """'an outlier' when no placebo draw is as extreme as the true coefficient (two-sided), 'in the
    tail' when the randomization p-value is below `alpha`, otherwise 'inside the placebo distribution'."""
    if result.randomization_p == 0:
        return "an outlier"
    return "in the tail" if result.randomization_p < alpha else "inside the placebo distribution"


def size_reading(size: float, n_sims: int, alpha: float = config.ALPHA) -> str:
    """How a test's rejection rate under a true null compares with its nominal level `alpha`:
    'far too optimistic' (at least twice alpha), 'too optimistic' (above alpha by more than two
    simulation standard errors) or 'about right'."""
    if size >= 2 * alpha:
        return "far too optimistic"
    if size > alpha + 2 * np.sqrt(alpha * (1 - alpha) / n_sims):
        return "too optimistic"
    return "about right"


def gap_is_flat(pre_gaps, post_mean_gap: float, share: float = 0.5) -> bool:
    """Whether a treated-minus-control gap is flat before the policy: every pre-policy gap smaller in
    absolute value than `share` of the average post-policy gap."""
    return bool(np.all(np.abs(np.asarray(pre_gaps, dtype=float)) < share * abs(post_mean_gap)))


def rises_steadily(values) -> bool:
    """Whether a sequence of coefficients increases from each one to the next."""
    values = np.asarray(values, dtype=float)
    return bool(len(values) > 1 and np.all(np.diff(values) > 0))
