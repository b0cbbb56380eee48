"""Table 6 (the paper's Eq. 2): the control variables LNGDP, CR4 and EPU regressed on DID.

Z_it = α + β·DID_it + controls + μ_i + λ_t, mineral and year fixed effects, clustered by mineral
(`fit_twfe`). The controls of each column are the other two Table 3 controls.

A year-level outcome (world GDP, global policy uncertainty: one value per year, the same in every
mineral's row) is a linear combination of the year dummies. Year fixed effects then fit it exactly,
every residual is zero, and the least-squares β is 0 by construction whatever the policy did — the
software returns rounding noise (~1e-15) with a meaningless t statistic. `fit_twfe` detects this
(`twfe.absorbed_outcome`) and reports those columns as not identified; `absorbed_fits` keeps the raw
numbers to show it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.panel import PanelSpec
from analysis.estimation.twfe import NOT_IDENTIFIED, TwfeResult, fit_twfe

OUTCOMES = {"(1)": "LNGDP", "(2)": "CR4", "(3)": "EPU"}
CONTROLS = ["LNGDP", "CR4", "EPU"]
TERMS = ["DID", "LNGDP", "CR4", "EPU", "Constant"]
YEAR_LEVEL_NOTE = f"{NOT_IDENTIFIED} (year-level outcome)"  # the reason twfe.absorbed_outcome gives


def variation(panel: pd.DataFrame, column: str, unit: str = "mineral", time: str = "year", tol: float = 1e-12) -> str:
    """'year' if `column` is the same for every unit within each year, 'unit' if constant within each
    unit, 'none' if constant, else 'unit-year' (on the rows where it is observed)."""
    rows = panel.dropna(subset=[column])
    x = rows[column].astype(float)
    if x.max() - x.min() <= tol * max(1.0, abs(x).max()):
        return "none"

    def spread(by):
        return (x.groupby(rows[by]).max() - x.groupby(rows[by]).min()).max()

    scale = tol * max(1.0, abs(x).max())
    if spread(time) <= scale:
        return "year"
    if spread(unit) <= scale:
        return "unit"
    return "unit-year"


def regressors(outcome: str) -> list[str]:
    """DID, then the Table 3 controls other than the outcome."""
    return ["DID"] + [c for c in CONTROLS if c != outcome]


def fit_mechanism(panel: pd.DataFrame, outcome: str) -> TwfeResult:
    """Eq. (2) for one outcome (an outcome that varies only by year comes back not identified)."""
    return fit_twfe(panel, outcome, regressors(outcome))


def table6(panel: pd.DataFrame) -> dict[str, TwfeResult]:
    """Column label ('(1)'...) -> fitted Eq. (2)."""
    return {col: fit_mechanism(panel, outcome) for col, outcome in OUTCOMES.items()}


def absorbed_fits(panel: pd.DataFrame, year_fe_sd_tol: float = 1e-9) -> pd.DataFrame:
    """What `fit_twfe` returns, unmasked, for each Table 6 outcome: variation level, raw DID
    estimate, SE and p, R², and the s.d. of the outcome left after removing year means."""
    rows = []
    for col, outcome in OUTCOMES.items():
        res = fit_twfe(panel, outcome, regressors(outcome), check_outcome=False)
        sample = panel.loc[res.sample]
        resid = sample[outcome] - sample.groupby("year")[outcome].transform("mean")
        did = res.term("DID")
        rows.append(
            {
                "column": col,
                "outcome": outcome,
                "varies by": variation(sample, outcome),
                "raw DID estimate": did["estimate"],
                "raw SE": did["se"],
                "raw p": did["p"],
                "R²": res.r2,
                "s.d. after year means": float(resid.std(ddof=0)),
            }
        )
    return pd.DataFrame(rows)


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def sci(x: float, digits: int = 2) -> str:
    """'−7.1 × 10⁻¹⁵': scientific notation that Markdown table formatters do not re-parse as a number."""
    if not np.isfinite(x):
        return ""
    if x == 0 or abs(x) >= 1e-3:
        return f"{x:.3f}"
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    return f"{mantissa.replace('-', '−')} × 10{str(int(exponent)).translate(SUPERSCRIPT)}"


def absorbed_display(raw: pd.DataFrame) -> pd.DataFrame:
    """`absorbed_fits` for display: tiny numbers in scientific notation, p and R² to 3 decimals."""
    out = raw.copy()
    for col in ["raw DID estimate", "raw SE", "s.d. after year means"]:
        out[col] = raw[col].map(sci)
    out["raw p"] = raw["raw p"].map(lambda v: f"{v:.3f}")
    out["R²"] = raw["R²"].map(lambda v: f"{v:.3f}")
    return out


def did_of_means(panel: pd.DataFrame, outcome: str = "CR4", spec: PanelSpec = PanelSpec()) -> pd.DataFrame:
    """The 2×2 of means behind a DID: treated vs control minerals, before vs from the policy year.

    Rows: treated, controls, difference (treated − controls); columns: before, after, change.
    The bottom-right cell is the DID of means (equal to the TWFE DID in a balanced panel).
    """
    rows = panel.dropna(subset=[outcome])
    group = np.where(rows["mineral"] == spec.treated, "rare earths (treated)", "control minerals (mean)")
    period = np.where(rows["year"] >= spec.policy_year, "after", "before")
    means = rows.groupby([group, period])[outcome].mean().unstack()[["before", "after"]]
    means = means.loc[["rare earths (treated)", "control minerals (mean)"]]
    means.loc["difference"] = means.iloc[0] - means.iloc[1]
    means["change"] = means["after"] - means["before"]
    means.index.name = outcome
    return means.rename(columns={"before": f"before {spec.policy_year}", "after": f"{spec.policy_year} on"})
