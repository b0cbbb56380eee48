"""Small readings of numbers for the chapters' generated sentences.

Each function turns a number (or a pair of numbers) into a word or a short phrase and decides which
claim the numbers support, so that a chapter's generated sentence stays true on a user's own panel:
"positive" or "negative" is read from the sign, "identical" from the difference, "an outlier" from
the placebo draws. The chapters call them by name instead of writing lambdas or inline conditions.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from analysis.data import paper
from analysis.data.build import panel_paths
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
