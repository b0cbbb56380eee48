"""Display frames of estimation results: the event-study path, the placebo tests, the normalisation
ranges of year-level controls, Table 7."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data import paper
from analysis.data.oxide_inputs import label
from analysis.display.numbers import fmt_number, fmt_p, fmt_p_draws
from analysis.display.regtable import fmt_paper, paper_table, regression_table
from analysis.estimation.event_study import INF, POLICY_YEAR, EventStudy
from analysis.estimation.placebo import Placebo
from analysis.estimation.twfe import TwfeResult


def path_table(fit: EventStudy, policy_year: int = POLICY_YEAR) -> pd.DataFrame:
    """Display frame of an event-study path: k, calendar year(s), estimate, SE, p, CI limits; the
    reference row shows 0 and "reference" instead of inference."""
    rows = []
    for _, r in fit.path.iterrows():
        lo, hi = r["k_low"], r["k_high"]
        year = (
            f"≤ {policy_year + hi}" if lo <= -INF else f"≥ {policy_year + lo}" if hi >= INF else str(policy_year + lo)
        )
        ref = r["term"] == "reference"
        rows.append(
            {
                "k": r["label"].replace(" (ref.)", ""),
                "year": year,
                "estimate": fmt_number(r["estimate"]),
                "SE": "reference" if ref else fmt_number(r["se"]),
                "p": "" if ref else fmt_p(r["p"]),
                f"{fit.level:.0%} low": fmt_number(r["lo"]),
                f"{fit.level:.0%} high": fmt_number(r["hi"]),
            }
        )
    return pd.DataFrame(rows)


def unit_placebo_table(
    frame: pd.DataFrame, labels: dict[str, str] | None = None, unit: str = "mineral"
) -> pd.DataFrame:
    """Display frame of `unit_placebo`: numbers formatted, a unidentified unit shows its note."""
    rows = []
    for _, r in frame.iterrows():
        ok = np.isfinite(r["estimate"])
        rows.append(
            {
                unit: (labels or {}).get(r[unit], r[unit]),
                "estimate": fmt_number(r["estimate"]) if ok else r["note"],
                "SE": fmt_number(r["se"]),
                "p": fmt_p(r["p"], ""),
                "rank": str(int(r["rank"])) if ok else "",
                "permutation p": fmt_p(r["permutation p"], ""),
            }
        )
    return pd.DataFrame(rows)


def placebo_p_text(result: Placebo) -> str:
    """The two-sided randomization p-value as printed: '= 0.012', or '< 0.002' (one draw in 500) when
    none of the draws is as extreme as the true coefficient (`placebo.randomization_p` has no +1
    correction; `numbers.fmt_p_draws`, the rule of every table)."""
    text = fmt_p_draws(result.randomization_p, len(result.draws))
    return text if text.startswith("<") else f"= {text}"


def placebo_comparison(result: Placebo) -> pd.DataFrame:
    """Our placebo distribution beside what the paper's text reports (data/paper/reported_values.csv):
    draws, fake-treated rows, the true DID, the placebo coefficients' centre, spread and range, and the
    randomization p-value."""
    s = result.summary()

    def reported(row: str, fmt: str) -> str:
        return format(paper.reported_value("text", row, "value"), fmt)

    rows = [
        ("draws", f"{s['draws']:,}", reported("placebo_repetitions", ".0f")),
        ("fake-treated rows drawn per draw", f"{result.n_fake}", reported("placebo_fake_treated_samples", ".0f")),
        (
            "true DID (the paper's Table 3, column (2))",
            f"{result.true_estimate:.3f}",
            reported("placebo_true_coef", ".3f"),
        ),
        ("mean (sd) of placebo coefficients", f"{s['mean']:.3f} ({s['sd']:.3f})", "mostly near 0, bell-shaped (text)"),
        ("range of placebo coefficients", f"{s['min']:.3f} to {s['max']:.3f}", "all below the true value (text)"),
        ("share of draws with own p < 0.10", f"{s['share_p_below_0.10']:.3f}", "not reported"),
        (
            "share of draws with placebo coefficient ≥ the true DID",
            f"{s['share_above_true']:.3f} ({round(s['share_above_true'] * s['draws'])} of {s['draws']:,})",
            "0: all below its true DID (text)",
        ),
        (
            "randomization p: share with abs(placebo) ≥ abs(true)",
            f"p {placebo_p_text(result)} ({round(result.randomization_p * s['draws'])} of {s['draws']:,})",
            "not reported",
        ),
    ]
    return pd.DataFrame(rows, columns=["statistic", "ours", "paper"])


def normalisation_table(ranges: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Display frame of `specs.normalisation_ranges` for several of the paper's tables, keyed by the
    table's name ("Table 3 (表3)"): one row per year-level control, the paper's table first; our
    numbers as `fmt_number`, the paper's as `regtable.fmt_paper`."""
    frame = pd.concat([r.assign(**{"the paper's table": name}) for name, r in ranges.items()])
    for column in ("lowest", "highest", "DID, every version"):
        frame[column] = frame[column].map(fmt_number)
    frame["paper prints"] = frame["paper prints"].map(fmt_paper)
    return frame[["the paper's table", "column", "variable", "lowest", "highest", "DID, every version", "paper prints"]]


def table7_display(
    results: dict[str, TwfeResult],
    reported: pd.DataFrame,
    columns: list[str],
    terms: tuple[str, ...] = ("DID", "period", "treat", "Constant"),
) -> pd.DataFrame:
    """Display frame of some of Table 7's `columns`, oxide formulas with subscripts (`label`).

    When at least one of our columns has an identified DID: the paper's values beside ours
    (`regression_table`). Otherwise the paper's values alone (`paper_table`) and one last row "ours"
    that says, per column, "not estimable" (fitted, no DID) or "no prices in this build"."""
    present = {c: results[c] for c in columns if c in results}
    if any(bool(r.term("DID")["identified"]) for r in present.values()):
        frame = regression_table(present, list(terms), reported=reported)
    else:
        frame = paper_table(reported, columns, list(terms))
        ours = {c: "not estimable" if c in present else "no prices in this build" for c in columns}
        frame = pd.concat([frame, pd.DataFrame([{"": "ours", **ours}])], ignore_index=True)
    return frame.rename(columns=label)
