"""Display frames of estimation results: the event-study path, the in-space placebo, Table 7."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.oxide_inputs import label
from analysis.display.regtable import fmt_number, paper_table, regression_table
from analysis.estimation.event_study import INF, POLICY_YEAR, EventStudy
from analysis.estimation.twfe import TwfeResult


def path_table(fit: EventStudy, policy_year: int = POLICY_YEAR) -> pd.DataFrame:
    """Display frame of an event-study path: k, calendar year(s), estimate, SE, p, CI limits; the
    reference row shows 0 and "reference" instead of inference."""
    rows = []
    for _, r in fit.path.iterrows():
        lo, hi = r["k_low"], r["k_high"]
        year = (f"≤ {policy_year + hi}" if lo <= -INF else f"≥ {policy_year + lo}" if hi >= INF
                else str(policy_year + lo))
        ref = r["term"] == "reference"
        rows.append({"k": r["label"].replace(" (ref.)", ""), "year": year, "estimate": fmt_number(r["estimate"]),
                     "SE": "reference" if ref else fmt_number(r["se"]), "p": "" if ref else fmt_number(r["p"]),
                     f"{fit.level:.0%} low": fmt_number(r["lo"]), f"{fit.level:.0%} high": fmt_number(r["hi"])})
    return pd.DataFrame(rows)


def unit_placebo_table(frame: pd.DataFrame, labels: dict[str, str] | None = None, unit: str = "mineral") -> pd.DataFrame:
    """Display frame of `unit_placebo`: numbers formatted, a unidentified unit shows its note."""
    rows = []
    for _, r in frame.iterrows():
        ok = np.isfinite(r["estimate"])
        rows.append({unit: (labels or {}).get(r[unit], r[unit]),
                     "estimate": fmt_number(r["estimate"]) if ok else r["note"],
                     "SE": fmt_number(r["se"]), "p": fmt_number(r["p"]),
                     "rank": str(int(r["rank"])) if ok else "", "permutation p": fmt_number(r["permutation p"])})
    return pd.DataFrame(rows)


def table7_display(results: dict[str, TwfeResult], reported: pd.DataFrame, columns: list[str],
                   terms: tuple[str, ...] = ("DID", "period", "treat", "Constant")) -> pd.DataFrame:
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
