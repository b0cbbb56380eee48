"""The paper's column specifications for Tables 3 and 5, as data, and the code that fits them.

Each column is a `Spec`: which regressors enter, in the paper's order, and whether mineral and
year fixed effects are included. The stepwise layout follows the paper's text and the Observations
row (see data/paper/README.md, A1–A5):

* Table 3 (基准回归): (1) DID alone, pooled OLS without fixed effects; (2) DID with mineral and year
  effects; (3) + LNGDP (demand); (4) + CR4 (market structure; N falls to 109 in the paper, as CR4
  has gaps); (5) + EPU (policy uncertainty).
* Table 5 (稳健性检验, 逐步回归): (1) DID + GDPG; (2) + BDI; (3) + WUI; (4) + CR4.

Every column is clustered by mineral (`fit_twfe`: CR1 with t(G − 1) inference, `VARIANCE_NOTE`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core import config
from analysis.data.paper import lookup
from analysis.estimation.twfe import TwfeResult, fit_twfe, normalisation_sweep

OUTCOME = "LNPRI"


@dataclass(frozen=True)
class Spec:
    """One regression column: regressors in order, fixed effects, and a one-line description."""

    regressors: tuple[str, ...]
    unit_fe: bool = True
    year_fe: bool = True
    description: str = ""


TABLE3 = {
    "(1)": Spec(("DID",), unit_fe=False, year_fe=False, description="DID only, pooled OLS (no fixed effects)"),
    "(2)": Spec(("DID",), description="DID + mineral and year fixed effects"),
    "(3)": Spec(("DID", "LNGDP"), description="(2) + LNGDP (world demand)"),
    "(4)": Spec(("DID", "LNGDP", "CR4"), description="(3) + CR4 (market structure)"),
    "(5)": Spec(("DID", "LNGDP", "CR4", "EPU"), description="(4) + EPU (policy uncertainty)"),
}
TABLE3_TERMS = ["DID", "LNGDP", "CR4", "EPU", "Constant"]

TABLE5 = {
    "(1)": Spec(("DID", "GDPG"), description="DID + GDPG (world GDP growth) + FE"),
    "(2)": Spec(("DID", "GDPG", "BDI"), description="(1) + BDI (shipping cost)"),
    "(3)": Spec(("DID", "GDPG", "BDI", "WUI"), description="(2) + WUI (world uncertainty)"),
    "(4)": Spec(("DID", "GDPG", "BDI", "WUI", "CR4"), description="(3) + CR4 (market structure)"),
}
TABLE5_TERMS = ["DID", "GDPG", "BDI", "WUI", "CR4", "Constant"]

SPECS = {"table3": TABLE3, "table5": TABLE5}
TERMS = {"table3": TABLE3_TERMS, "table5": TABLE5_TERMS}


def fit_spec(panel: pd.DataFrame, spec: Spec, outcome: str = OUTCOME, cluster: str | None = "mineral") -> TwfeResult:
    """Fit one column."""
    return fit_twfe(panel, outcome, list(spec.regressors), unit_fe=spec.unit_fe, year_fe=spec.year_fe, cluster=cluster)


def fit_table(panel: pd.DataFrame, table: str, outcome: str = OUTCOME) -> dict[str, TwfeResult]:
    """Fit every column of `table` ('table3' or 'table5'); column label -> result."""
    return {column: fit_spec(panel, spec, outcome) for column, spec in SPECS[table].items()}


def describe(table: str) -> pd.DataFrame:
    """The column specifications as a display frame: column, regressors, fixed effects, description."""
    return pd.DataFrame(
        [
            {
                "column": c,
                "regressors": " + ".join(s.regressors),
                "fixed effects": " + ".join([n for n, on in (("mineral", s.unit_fe), ("year", s.year_fe)) if on])
                or "none",
                "description": s.description,
            }
            for c, s in SPECS[table].items()
        ]
    )


def treated_vs_control(
    panel: pd.DataFrame,
    outcome: str = OUTCOME,
    *,
    policy_year: int = config.POLICY_YEAR,
    unit: str = "mineral",
    time: str = "year",
) -> pd.DataFrame:
    """What the DID compares, year by year: the treated unit's outcome and the controls' common year
    path (year effects of `outcome ~ unit + year` on the control units, which copes with controls
    missing in some years), each minus its own pre-policy mean; `gap` is their difference.
    The mean post-policy gap is the 2×2 DID of these two paths."""
    treated = panel[panel["treat"] == 1].dropna(subset=[outcome]).groupby(time)[outcome].mean()
    controls = panel[panel["treat"] == 0].dropna(subset=[outcome])
    units = pd.get_dummies(controls[unit], drop_first=True, dtype=float).to_numpy()
    years = sorted(controls[time].unique())
    year_d = (controls[time].to_numpy()[:, None] == np.array(years)[None, :]).astype(float)
    b = np.linalg.lstsq(np.column_stack([year_d, units]), controls[outcome].to_numpy(float), rcond=None)[0]
    control = pd.Series(b[: len(years)], index=years)
    out = pd.DataFrame({"treated": treated, "control": control}).rename_axis(time)
    pre = out.index < policy_year
    out = out - out[pre].mean()
    out["gap"] = out["treated"] - out["control"]
    return out.reset_index()


def normalisation_ranges(
    panel: pd.DataFrame,
    table: str,
    results: dict[str, TwfeResult],
    reported: pd.DataFrame | None = None,
    outcome: str = OUTCOME,
) -> pd.DataFrame:
    """For each regressor our fit marks "collinear with year FE", in the column where it first enters:
    the range of the "coefficient" software would report for it, over every choice of the one extra
    year dummy it must drop (`twfe.normalisation_sweep`, with the column's identified regressors),
    the DID in all those versions, and the paper's printed value."""
    rows, seen = [], set()
    for column, result in results.items():
        terms = result.terms.set_index("term")
        kept = [t for t in SPECS[table][column].regressors if terms.loc[t, "identified"]]
        for var in SPECS[table][column].regressors:
            if var in seen or "year FE" not in str(terms.loc[var, "note"]):
                continue
            seen.add(var)
            sweep = normalisation_sweep(panel, outcome, kept, var)
            printed = lookup(reported, table, column, var, "coef", default=np.nan)
            rows.append(
                {
                    "variable": var,
                    "column": column,
                    "lowest": sweep[var].min(),
                    "highest": sweep[var].max(),
                    "DID, every version": sweep["DID"].mean(),
                    "DID spread": sweep["DID"].max() - sweep["DID"].min(),
                    "paper prints": printed,
                }
            )
    return pd.DataFrame(rows)
