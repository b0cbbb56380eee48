"""Display frames of the sensitivity chapter's tables: the numbers of `analysis.estimation.sensitivity`
formatted with `fmt_number` (strings, so that the Markdown table keeps them as printed)."""

from __future__ import annotations

import pandas as pd

from analysis.display.numbers import fmt_number
from analysis.estimation.sensitivity.sdid import SynthEstimate, weights_table


def dates_table(by_date: pd.DataFrame) -> pd.DataFrame:
    """`dates.fit_dates` for display: date, event, DID, SE, CR1 p, randomization p and its floor, and the
    number of treated years before the date."""
    return pd.DataFrame(
        {
            "date": by_date["year"].astype(str),
            "event": by_date["label"],
            "DID": by_date["estimate"].map(fmt_number),
            "SE": by_date["se"].map(fmt_number),
            "CR1 p": by_date["p"].map(fmt_number),
            "randomization p": by_date["ri_p"].map(fmt_number),
            "smallest attainable": by_date["ri_floor"].map(fmt_number),
            "treated years before": by_date["n_pre"].astype(str),
        }
    )


def readings_table(both: pd.DataFrame) -> pd.DataFrame:
    """`table4.side_by_side` for display: estimates, p-values and the paper's column formatted."""
    show = both.copy()
    for col in show.columns:
        if col.endswith(("estimate", ": p")) or col == "paper":
            show[col] = show[col].map(fmt_number)
    return show


def _interval(lower: pd.Series, upper: pd.Series) -> list[str]:
    return [f"[{fmt_number(a)}, {fmt_number(b)}]" for a, b in zip(lower, upper)]


def bounds_table(bounds: pd.DataFrame) -> pd.DataFrame:
    """`pretrend.bounds` for display: M̄, the identified set and the 95% confidence interval."""
    return pd.DataFrame(
        {
            "M̄": [f"{m:g}" for m in bounds["mbar"]],
            "identified set": _interval(bounds["lower"], bounds["upper"]),
            "95% confidence interval": _interval(bounds["ci_lower"], bounds["ci_upper"]),
        }
    )


def sdid_table(fits: dict[str, SynthEstimate]) -> pd.DataFrame:
    """`sdid.estimate` for display: one column per method (SDID, SC, DID), the estimate and each control
    mineral's unit weight."""
    weights = weights_table(fits, "omega")
    estimate = pd.DataFrame({m: [fmt_number(f.estimate)] for m, f in fits.items()}, index=["estimate"])
    frame = pd.concat([estimate, weights.map(fmt_number)])
    frame.index = ["estimate"] + [f"weight: {u}" for u in weights.index]
    return frame.rename(columns=str.upper).rename_axis("").reset_index()


def time_weights_table(fit: SynthEstimate) -> pd.DataFrame:
    """The time weights of one synthetic-DID fit as one row, a column per pre-policy year."""
    return pd.DataFrame([fit.lam.map(fmt_number).to_numpy()], columns=[str(y) for y in fit.lam.index])


def curve_summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """`curve.summary` for display: the smallest attainable valid p formatted."""
    show = summary.copy()
    show["smallest attainable valid p"] = show["smallest attainable valid p"].map(fmt_number)
    return show
