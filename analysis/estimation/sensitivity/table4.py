"""The paper's Table 4 under the two readings of its specification.

The paper prints six event-time dummies — pre_3, pre_2, current, post_1, post_2, post_3 — and no
pre_1, and does not say what the others stand for. Two readings fit what it prints; which one the
paper used is an ASSUMPTION either way:

* `pooled` — each dummy is a single year (k = −3, −2, 0, 1, 2, 3) and every other treated year
  (k ≤ −4, k = −1, k ≥ 4) is left out together: the reference pools pre-policy years with
  2010 onwards (`event_study.fit_paper_event_study`, what chapter 05 estimates);
* `binned` — the end dummies bin the tails: pre_3 = k ≤ −3 (2003 and earlier), post_3 = k ≥ 3
  (2009 and later), and k = −1 (2005) is the single reference year
  (`event_study.fit_event_study(lower=−3, upper=3, reference=−1)`).
"""

from __future__ import annotations

import pandas as pd

from analysis.core import config
from analysis.estimation.event_study import PAPER_TERMS, EventStudy, fit_event_study, fit_paper_event_study

READINGS = {
    "pooled": "single-year dummies; reference = every other year pooled (incl. 2010 onwards)",
    "binned": "pre_3 = 2003 and earlier, post_3 = 2009 and later; reference 2005",
}


def fit_readings(
    panel: pd.DataFrame,
    outcome: str = "LNPRI",
    *,
    controls: tuple[str, ...] = (),
    policy_year: int = config.POLICY_YEAR,
) -> dict[str, EventStudy]:
    """Both readings of Table 4 on `panel` (same outcome and controls)."""
    lower, upper = min(PAPER_TERMS.values()), max(PAPER_TERMS.values())
    return {
        "pooled": fit_paper_event_study(panel, outcome, controls=controls, policy_year=policy_year),
        "binned": fit_event_study(
            panel, outcome, lower=lower, upper=upper, reference=-1, controls=controls, policy_year=policy_year
        ),
    }


def side_by_side(fits: dict[str, EventStudy], reported: pd.DataFrame | None = None) -> pd.DataFrame:
    """term, the relative years k each dummy covers under each reading, estimate and p of each reading, and the
    paper's printed coefficient (if `reported`, the rows of paper.reported('table4'))."""
    out = pd.DataFrame({"term": list(PAPER_TERMS)})
    for name, fit in fits.items():
        path = fit.path.set_index("term")
        out[f"{name}: k"] = [path.loc[t, "label"] for t in PAPER_TERMS]
        out[f"{name}: estimate"] = [path.loc[t, "estimate"] for t in PAPER_TERMS]
        out[f"{name}: p"] = [path.loc[t, "p"] for t in PAPER_TERMS]
    if reported is not None:
        coef = reported[reported["statistic"] == "coef"].set_index("row")["value"]
        out["paper"] = out["term"].map(coef)
    return out


def tidy(fits: dict[str, EventStudy], table: str = "table4_readings", suffix: str = "") -> pd.DataFrame:
    """Rows for the estimates file: one column per reading (`pooled`, `binned`, + suffix)."""
    return pd.concat([f.result.tidy(table, name + suffix) for name, f in fits.items()], ignore_index=True)
