"""The baseline DID under other treatment dates, with an exact randomization p-value for each.

The dates are read from the policy timeline (data/narrative/policy_events.csv), never retyped:
`DATE_EVENTS` names the event behind each candidate date — the 2006 mining quota (E04), the April
2009 mining total-quantity control indicators (E09; seed001 §2.1.1 dates them 2009-04) and the July
2010 export-quota cut (E13). A date's DID is treat × 1[year ≥ date]; the model is Table 3 column (2)
(mineral and year effects, CR1 by mineral, t(G − 1)).

Valid p: exact randomization inference over which mineral is treated — each of the G minerals in
turn is given the treatment from the same date, and p is the share whose |estimate| is at least the
treated one's (`randomization_p`, the hook). With G = 5 assignments the smallest attainable p is
1/5 = 0.2, so no date can reject at 5% by construction; the CR1 p is shown but does not hold its size.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from analysis.estimation.inference.assignment import Model
from analysis.estimation.inference.design import estimation_sample, outcome_matrix
from analysis.estimation.inference.randomization import unit_randomization
from analysis.estimation.twfe import fit_twfe

DATE_EVENTS = {
    "E04": "mining quota (the paper's date)",
    "E09": "mining total-quantity control indicators",
    "E13": "export-quota cut",
}


def treatment_dates(events: pd.DataFrame, event_ids=tuple(DATE_EVENTS)) -> pd.DataFrame:
    """event_id, year (from the event's date, e.g. '2009-04' → 2009), date as printed, label, source."""
    hit = events.set_index("event_id").reindex(list(event_ids))
    missing = hit.index[hit["date"].isna()].tolist()
    if missing:
        raise KeyError(f"policy_events.csv: no dated event {missing}")
    return pd.DataFrame(
        {
            "event_id": hit.index,
            "year": hit["date"].astype(str).str[:4].astype(int).to_numpy(),
            "date": hit["date"].astype(str).to_numpy(),
            "label": [DATE_EVENTS.get(e, e) for e in hit.index],
            "source": hit["source"].to_numpy(),
        }
    )


def with_date(panel: pd.DataFrame, year: int, *, treat: str = "treat", time: str = "year") -> pd.DataFrame:
    """The panel with post and DID recomputed for a policy starting in `year`."""
    post = (panel[time] >= year).astype(int)
    return panel.assign(post=post, DID=panel[treat] * post)


def randomization_p(
    panel: pd.DataFrame,
    year: int,
    outcome: str = "LNPRI",
    covariates: tuple[str, ...] = (),
    *,
    unit: str = "mineral",
    time: str = "year",
    treat: str = "treat",
) -> tuple[float, float]:
    """Exact randomization over which unit is treated from `year`: (p, smallest attainable p).

    The test is `inference.randomization.unit_randomization` (every unit with an identified assignment
    treated in turn, all enumerated; a unit with no observed year before `year` has none and is not
    counted). (nan, nan) when the treated unit itself has no identified assignment.
    """
    treated = panel.loc[panel[treat] == 1, unit].unique()
    if len(treated) != 1:
        raise ValueError(f"randomization over units needs exactly one treated {unit}, got {list(treated)}")
    model = Model(outcome=outcome, others=tuple(covariates), unit=unit, time=time, cluster=unit)
    sample = estimation_sample(panel, outcome, model.regressors)
    try:
        test = unit_randomization(sample, model, treated[0], year)
    except ValueError:
        return np.nan, np.nan
    return float(test.pvalues(outcome_matrix(sample, outcome))[0]), float(test.floor)


def fit_dates(
    panel: pd.DataFrame,
    dates: pd.DataFrame,
    outcome: str = "LNPRI",
    ri: Callable[[pd.DataFrame, int], tuple[float, float]] | None = randomization_p,
) -> pd.DataFrame:
    """One row per date: year, label, estimate, se, p (CR1, t(G−1)), ri_p, ri_floor, n, n_pre (treated
    observations before the date with an observed outcome)."""
    rows = []
    for d in dates.itertuples():
        data = with_date(panel, int(d.year))
        res = fit_twfe(data, outcome, ["DID"])
        term = res.term("DID")
        p_ri, floor = ri(data, int(d.year)) if ri is not None else (np.nan, np.nan)
        n_pre = int(((data["treat"] == 1) & (data["year"] < d.year) & data[outcome].notna()).sum())
        rows.append(
            {
                "event_id": d.event_id,
                "year": int(d.year),
                "label": d.label,
                "estimate": term["estimate"],
                "se": term["se"],
                "p": term["p"],
                "ri_p": p_ri,
                "ri_floor": floor,
                "n": res.n,
                "df": res.df_inference,
                "clusters": res.n_clusters,
                "n_pre": n_pre,
                "identified": bool(term["identified"]),
                "note": term["note"],
            }
        )
    return pd.DataFrame(rows)


def tidy(frame: pd.DataFrame, table: str = "sensitivity_dates", outcome: str = "LNPRI") -> pd.DataFrame:
    """Rows for the estimates file, per date (column = year): the DID with its CR1 p; `ri_p` (the exact
    randomization p, in estimate and p) and `ri_floor` (its smallest attainable value)."""
    rows = []
    for r in frame.itertuples():
        base = {
            "table": table,
            "column": str(r.year),
            "outcome": outcome,
            "n": r.n,
            "r2": np.nan,
            "df": r.df,
            "clusters": r.clusters,
            "identified": r.identified,
        }
        rows.append(
            {
                **base,
                "term": "DID",
                "estimate": r.estimate,
                "se": r.se,
                "p": r.p,
                "note": r.note or f"{r.label} ({r.event_id}); CR1, t(G-1)",
            }
        )
        rows.append(
            {
                **base,
                "term": "ri_p",
                "estimate": r.ri_p,
                "se": np.nan,
                "p": r.ri_p,
                "note": "exact randomization over which unit is treated",
            }
        )
        rows.append(
            {
                **base,
                "term": "ri_floor",
                "estimate": r.ri_floor,
                "se": np.nan,
                "p": np.nan,
                "note": "smallest attainable randomization p (1 / number of assignments)",
            }
        )
    return pd.DataFrame(rows)
