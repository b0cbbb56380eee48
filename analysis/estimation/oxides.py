"""Table 7: the quota's price effect oxide by oxide, from public oxide prices or a user's file.

The paper regresses each oxide's (log) international price on DID, `period` and `treat` with
mineral and year fixed effects and controls, the four control minerals of the main panel serving as
the control group. Here each oxide's annual series replaces the rare-earth rows of the panel
(`oxide_sample`) and `fit_twfe` estimates the paper's specification (`fit_oxide`).

Two sources of oxide prices, one schema (`SCHEMA`: oxide, year, price, unit[, source]):

* public series declared in data/sources.yaml (`public_series`, `public_oxides`): none starts
  before 2013, so for every oxide DID equals `treat` on the oxide rows and is collinear with the
  oxide's own fixed effect — Table 7 is not estimable from public data;
* a user-supplied CSV (`load_oxides`), validated with errors naming the file and the column.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from analysis.core.errors import DataError
from analysis.data.oxide_inputs import COLUMNS, OXIDES, label, window
from analysis.data.oxide_series import FLAT_RUN, flat_years
from analysis.data.panel import PanelSpec
from analysis.estimation.twfe import (
    NOT_IDENTIFIED,
    TwfeResult,
    fit_twfe,
    identified_regressors,
    not_estimable,
)

CONTROLS = ["LNGDP", "CR4", "EPU"]  # those of Table 3 column (5); CR4 of the oxide rows = rare-earth CR4
REGRESSORS = ["DID", "period", "treat", *CONTROLS]
TERMS = ["DID", "period", "treat", "CR4", "LNGDP", "EPU", "Constant"]  # display order


# ------------------------------------------------------------------ estimation


def implied_deflator(panel: pd.DataFrame, tol: float = 1e-9) -> pd.Series | None:
    """The deflator behind LNPRI, by year: price_nominal / exp(LNPRI) (1 if the panel is undeflated).

    None when the panel has no `price_nominal` (a user panel without it); raises DataError naming the
    columns if minerals imply different deflators in a year (then LNPRI and price_nominal do not state
    prices the same way: LNPRI must be ln(price_nominal / a deflator common to all minerals)).
    """
    if "price_nominal" not in panel.columns:
        return None
    rows = panel.dropna(subset=["price_nominal", "LNPRI"])
    if rows.empty:
        return None
    d = rows["price_nominal"] / np.exp(rows["LNPRI"])
    spread = d.groupby(rows["year"]).agg(lambda v: v.max() / v.min() - 1)
    if (spread > tol).any():
        raise DataError(
            "panel",
            "columns 'LNPRI', 'price_nominal': price_nominal / exp(LNPRI) implies different "
            f"deflators across minerals in year(s) {list(spread[spread > tol].index)[:5]}",
        )
    return d.groupby(rows["year"]).mean()


def oxide_sample(
    panel: pd.DataFrame,
    oxides: pd.DataFrame,
    oxide: str,
    deflator: pd.Series | None = None,
    spec: PanelSpec = PanelSpec(),
) -> pd.DataFrame:
    """The regression sample of one oxide: the control minerals' panel rows plus the oxide's rows.

    Oxide rows: mineral = the oxide, LNPRI = ln(price / deflator) (ln price when `deflator` is None),
    treat = 1, period = 1 from the policy year, DID = treat × period, CR4 = the rare-earth CR4 of
    the year (mining concentration applies to every oxide), LNGDP and EPU of the year.
    """
    ox = oxides[oxides["oxide"] == oxide]
    if ox.empty:
        raise KeyError(f"no prices for oxide {oxide}")
    price = ox.set_index("year")["price"]
    if deflator is not None:
        lacking = sorted(set(price.index) - set(deflator.index))
        if lacking:
            raise ValueError(f"no deflator for year(s) {lacking}")
        price = price / deflator.reindex(price.index)
    by_year = panel[panel["mineral"] == spec.treated].set_index("year")
    rows = pd.DataFrame(
        {
            "mineral": oxide,
            "year": price.index,
            "LNPRI": np.log(price.to_numpy()),
            "CR4": by_year["CR4"].reindex(price.index).to_numpy(),
        }
    )
    year_level = panel.groupby("year")[["LNGDP", "EPU"]].first()
    rows = rows.join(year_level, on="year")
    controls = panel[panel["mineral"] != spec.treated][["mineral", "year", "LNPRI", "CR4", "LNGDP", "EPU"]]
    out = pd.concat([controls, rows], ignore_index=True)
    out["treat"] = (out["mineral"] == oxide).astype(int)
    out["period"] = (out["year"] >= spec.policy_year).astype(int)
    out["DID"] = out["treat"] * out["period"]
    return out


def fit_oxide(
    panel: pd.DataFrame,
    oxides: pd.DataFrame,
    oxide: str,
    deflator: pd.Series | None = None,
    no_window: str = "no price before and after 2006 (not estimable)",
    spec: PanelSpec = PanelSpec(),
) -> TwfeResult:
    """The paper's Table 7 regression for one oxide (REGRESSORS, mineral and year FE, clustered by mineral).

    If the oxide's estimation sample has no year before the policy year, or none from it on, DID is
    constant on the oxide's rows and collinear with its fixed effect: its row and the constant's are
    marked not identified with the note `no_window` (e.g. "no public series before 2006 (not
    estimable)"), and so is every other term (the constant, CR4: estimated almost only on the control
    minerals), with R² NaN — what remains is not the paper's model.
    """
    sample = oxide_sample(panel, oxides, oxide, deflator, spec)
    res = fit_twfe(sample, "LNPRI", REGRESSORS)
    res = dataclasses.replace(res, outcome=f"LNPRI {oxide}")
    used = sample.loc[res.sample]
    treated = used[used["treat"] == 1]
    if treated["period"].nunique() < 2:  # no DID: what remains (CR4 on mostly control rows) is not the paper's model
        res = not_estimable(res, no_window)
    return res


def table7(
    panel: pd.DataFrame,
    oxides: pd.DataFrame,
    deflator: pd.Series | None = None,
    no_window: str = "no price before and after 2006 (not estimable)",
    spec: PanelSpec = PanelSpec(),
) -> dict[str, TwfeResult]:
    """Column label -> fitted regression, for each of the six oxides that `oxides` contains."""
    return {
        COLUMNS[o]: fit_oxide(panel, oxides, o, deflator, no_window, spec)
        for o in OXIDES
        if (oxides["oxide"] == o).any()
    }


def verdicts(
    panel: pd.DataFrame, oxides: pd.DataFrame, deflator: pd.Series | None = None, spec: PanelSpec = PanelSpec()
) -> pd.DataFrame:
    """What the identification check of `fit_twfe` says about DID, period and treat, oxide by oxide.

    Rows: oxide columns present in `oxides`; cells: 'identified' or why it is not (the check's own
    words without the 'not identified' prefix, before `fit_oxide` relabels a DID without a pre/post window).
    """
    rows = []
    for oxide in OXIDES:
        if not (oxides["oxide"] == oxide).any():
            continue
        sample = oxide_sample(panel, oxides, oxide, deflator, spec).dropna(subset=["LNPRI", *REGRESSORS])
        verdict = identified_regressors(sample, REGRESSORS)

        def short(v):
            return v[len(NOT_IDENTIFIED) :].strip(" ()") if v.startswith(NOT_IDENTIFIED) else v

        rows.append(
            {
                "column": COLUMNS[oxide],
                "N": len(sample),
                **{term: short(verdict[term]) or "identified" for term in ("DID", "period", "treat")},
            }
        )
    return pd.DataFrame(rows)


def identification(
    panel: pd.DataFrame, oxides: pd.DataFrame, deflator: pd.Series | None = None, spec: PanelSpec = PanelSpec()
) -> pd.DataFrame:
    """`window` beside `verdicts`: per oxide column (as displayed by `label`), the years, the pre/post
    counts, N and the identification check's verdict on DID, period and treat."""
    win = window(oxides, spec).drop(columns=["oxide"])
    ver = verdicts(panel, oxides, deflator, spec)
    out = win.merge(ver, on="column", how="left")
    return out.assign(column=out["column"].map(label))


# ------------------------------------------------------------------ list-price years and the 2006 basis

BREAK_NOTE = (
    "not identified: a break in the price basis in 2006 is treat × 1[year ≥ 2006] on the oxide's rows, the DID itself"
)
#: estimates tables of Table 7's robustness readings, with what each does
ROBUSTNESS = {
    "table7_no_flat": (
        "oxide years inside a flat run (the same price three or more years in a row, list prices) dropped"
    ),
    "table7_break2006": "a free shift of the oxide's price level in 2006 (a change of price basis) allowed for",
}


def drop_flat(oxides: pd.DataFrame, min_run: int = FLAT_RUN) -> pd.DataFrame:
    """`oxides` without the years inside a run of `min_run` or more identical prices (per oxide)."""
    keep = []
    for oxide, grp in oxides.groupby("oxide", sort=False):
        flat = set(flat_years(grp.set_index("year")["price"], min_run))
        keep.append(grp[~grp["year"].isin(flat)])
    return pd.concat(keep, ignore_index=True) if keep else oxides.iloc[0:0]


def table7_robustness(
    panel: pd.DataFrame, oxides: pd.DataFrame, deflator: pd.Series | None = None, spec: PanelSpec = PanelSpec()
) -> dict[str, dict[str, TwfeResult]]:
    """{estimates table: Table 7 refitted} for each reading in ROBUSTNESS.

    `table7_no_flat` refits without the flat-run years (an oxide left with no year before the policy
    is not estimable); `table7_break2006` reports every DID not identified with BREAK_NOTE, since a
    2006 level shift of the oxide's series cannot be told apart from the policy's effect.
    """
    no_flat = table7(panel, drop_flat(oxides), deflator, "no non-flat price before 2006 (not estimable)", spec)
    base = table7(panel, oxides, deflator, spec=spec)
    return {
        "table7_no_flat": no_flat,
        "table7_break2006": {col: not_estimable(res, BREAK_NOTE) for col, res in base.items()},
    }
