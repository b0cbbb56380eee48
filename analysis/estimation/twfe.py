"""Two-way fixed-effects OLS with cluster-robust standard errors and an identification check.

`fit_twfe` is the one estimator every regression table uses. It

1. keeps the rows where the outcome and every regressor are observed (listwise, as Stata does);
2. checks that the outcome itself is not absorbed by the fixed effects (a year-level outcome such as
   world GDP next to year effects is fitted exactly, so every slope is 0 by construction): such a
   model is returned through `not_estimable`, every number blanked with the reason;
3. checks, regressor by regressor, whether the column is identified: a regressor whose values are
   (numerically) a linear combination of the fixed effects and of the regressors already kept —
   e.g. a year-level global variable next to year fixed effects, or `treat` next to unit effects —
   is marked *not identified* and left out, never estimated through a pseudo-inverse;
4. fits the rest with the statsmodels formula API (`C(mineral)` and `C(year)` dummies);
5. reports cluster-robust standard errors.

Variance convention (stated in every table note through `VARIANCE_NOTE`): CR1, the Liang–Zeger
sandwich with the small-sample factor G/(G−1) · (N−1)/(N−K), where K counts *all* estimated
coefficients including the fixed-effect dummies (statsmodels' `use_correction=True`); p-values and
stars from Student's t with G − 1 degrees of freedom (`df_correction=True`), G = number of clusters.
With five minerals that is t(4), whose 5% two-sided critical value is 2.78 rather than 1.96.
Stata's `xtreg, fe` and `reghdfe` leave fixed effects nested in the clusters out of K; counting them,
as here, makes the SEs larger by √((N−K_stata)/(N−K)) (about 1.03 for Table 3 column 2).
A cluster with a single observation still counts in G (the panel here has none).

Size warning: with ONE treated cluster these t(G−1) tests over-reject badly (a DID test at a nominal
5% rejects a true null far more often; `placebo.null_rejection_rate` measures it on the actual
design), so the book treats permutation across units (`placebo.unit_placebo`) as the design-based check.

The reported constant follows the `reghdfe` convention: mean(y) − mean(X)·b over the estimation
sample (X the regressors of interest), i.e. the average of the fixed effects; it has no SE.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats

from analysis.estimation.estimates import COLUMNS

NOT_IDENTIFIED = "not identified"
VARIANCE_NOTE = (
    "Standard errors in parentheses: cluster-robust by mineral (CR1: G/(G−1)·(N−1)/(N−K), "
    "K including the fixed-effect dummies); stars from t with G−1 degrees of freedom: "
    "* p<0.10, ** p<0.05, *** p<0.01."
)
RANK_TOL = 1e-8


@dataclass
class TwfeResult:
    """One fitted regression: a tidy coefficient table plus model statistics."""

    outcome: str
    terms: pd.DataFrame  # term, estimate, se, t, p, identified, note (constant last)
    n: int
    r2: float
    n_clusters: int
    df_inference: int
    unit_fe: bool
    year_fe: bool
    formula: str
    sample: pd.Index = field(repr=False, default=None)

    def term(self, name: str) -> pd.Series:
        """The row of one term (KeyError naming it if absent)."""
        hit = self.terms[self.terms["term"] == name]
        if hit.empty:
            raise KeyError(f"{name} is not a term of this regression ({self.formula})")
        return hit.iloc[0]

    def tidy(self, table: str, column: str) -> pd.DataFrame:
        """Rows for the estimates file: table, column, outcome, term, estimate, se, p, n, r2, identified, note."""
        out = self.terms.assign(
            table=table,
            column=column,
            outcome=self.outcome,
            n=self.n,
            r2=self.r2,
            df=self.df_inference,
            clusters=self.n_clusters,
        )
        return out[COLUMNS]


def _fe_terms(unit: str, time: str, unit_fe: bool, year_fe: bool) -> list[str]:
    return ([f"C({unit})"] if unit_fe else []) + ([f"C({time})"] if year_fe else [])


def fe_matrix(sample: pd.DataFrame, unit: str, time: str, unit_fe: bool = True, year_fe: bool = True) -> np.ndarray:
    """Intercept plus unit and year dummies (first level of each dropped) of `sample`, as a float array."""
    cols = [np.ones((len(sample), 1))]
    for on, var in ((unit_fe, unit), (year_fe, time)):
        if on:  # = pd.get_dummies(drop_first=True): sorted levels, first dropped; numpy, as it is called per draw
            codes, levels = pd.factorize(sample[var], sort=True)
            cols.append((codes[:, None] == np.arange(1, len(levels))[None, :]).astype(float))
    return np.hstack(cols)


def identified_regressors(
    sample: pd.DataFrame,
    regressors: list[str],
    *,
    unit: str = "mineral",
    time: str = "year",
    unit_fe: bool = True,
    year_fe: bool = True,
    tol: float = RANK_TOL,
) -> dict[str, str]:
    """For each regressor, '' if identified or the reason it is not.

    Regressors are taken in order; each is projected on the fixed effects (and the intercept) and on
    the regressors already kept; if the residual is ~0 relative to the regressor's own variation, it
    is collinear and is dropped (like Stata's omitted `o.` terms).
    """
    basis = fe_matrix(sample, unit, time, unit_fe, year_fe)
    fe_only = basis.shape[1]
    verdict = {}
    for name in regressors:
        x = sample[name].to_numpy(dtype=float)
        scale = np.linalg.norm(x - x.mean())
        if scale == 0:
            verdict[name] = f"{NOT_IDENTIFIED} (constant in the sample)"
            continue
        coef, *_ = np.linalg.lstsq(basis, x, rcond=None)
        resid = x - basis @ coef
        if np.linalg.norm(resid) / scale < tol:
            fe_fit = np.linalg.lstsq(basis[:, :fe_only], x, rcond=None)[0]
            only_fe = np.linalg.norm(x - basis[:, :fe_only] @ fe_fit) / scale < tol
            if only_fe and year_fe and sample.groupby(time)[name].nunique().max() == 1:
                why = "collinear with year FE"
            elif only_fe and unit_fe and sample.groupby(unit)[name].nunique().max() == 1:
                why = f"collinear with {unit} FE"
            elif only_fe:
                why = "collinear with the fixed effects"
            else:
                why = "collinear with the fixed effects and earlier regressors"
            verdict[name] = f"{NOT_IDENTIFIED} ({why})"
        else:
            verdict[name] = ""
            basis = np.column_stack([basis, x])
    return verdict


def absorbed_outcome(
    sample: pd.DataFrame,
    outcome: str,
    *,
    unit: str = "mineral",
    time: str = "year",
    unit_fe: bool = True,
    year_fe: bool = True,
    tol: float = RANK_TOL,
) -> str:
    """'' if the fixed effects leave variation in `outcome`, else the reason it is absorbed
    ("not identified (year-level outcome)", "... (unit-level outcome)", or generic)."""
    y = sample[outcome].to_numpy(dtype=float)
    scale = np.linalg.norm(y - y.mean())
    basis = fe_matrix(sample, unit, time, unit_fe, year_fe)
    if scale > 0 and np.linalg.norm(y - basis @ np.linalg.lstsq(basis, y, rcond=None)[0]) / scale >= tol:
        return ""
    if year_fe and sample.groupby(time)[outcome].nunique().max() == 1:
        return f"{NOT_IDENTIFIED} (year-level outcome)"
    if unit_fe and sample.groupby(unit)[outcome].nunique().max() == 1:
        return f"{NOT_IDENTIFIED} ({unit}-level outcome)"
    return f"{NOT_IDENTIFIED} (outcome absorbed by the fixed effects)"


def fit_twfe(
    panel: pd.DataFrame,
    outcome: str,
    regressors: list[str],
    *,
    unit: str = "mineral",
    time: str = "year",
    unit_fe: bool = True,
    year_fe: bool = True,
    cluster: str | None = "mineral",
    check_outcome: bool = True,
) -> TwfeResult:
    """OLS of `outcome` on `regressors` with optional unit and year dummies, clustered by `cluster`.

    With `check_outcome` (default), an outcome the fixed effects absorb gives a `not_estimable`
    result; `check_outcome=False` returns the raw fit (to show what software would print).
    Raises KeyError naming a column that the panel lacks, ValueError when no row is complete.
    """
    missing = [c for c in [outcome, *regressors, unit, time] if c not in panel.columns]
    if missing:
        raise KeyError(f"panel has no column(s) {missing}")
    sample = panel.dropna(subset=[outcome, *regressors]).copy()
    if sample.empty:
        raise ValueError(f"no complete rows for {outcome} ~ {regressors}")
    verdict = identified_regressors(sample, regressors, unit=unit, time=time, unit_fe=unit_fe, year_fe=year_fe)
    kept = [r for r in regressors if not verdict[r]]
    rhs = kept + _fe_terms(unit, time, unit_fe, year_fe)
    formula = f"{outcome} ~ " + (" + ".join(rhs) if rhs else "1")
    model = smf.ols(formula, data=sample)
    if cluster:
        groups = pd.factorize(sample[cluster])[0]
        fit = model.fit(
            cov_type="cluster", cov_kwds={"groups": groups, "use_correction": True, "df_correction": True}, use_t=True
        )
        n_clusters = int(len(np.unique(groups)))
        df_inf = n_clusters - 1
    else:
        fit = model.fit()
        n_clusters, df_inf = 0, int(fit.df_resid)
    rows = []
    for r in regressors:
        if verdict[r]:
            rows.append(
                {
                    "term": r,
                    "estimate": np.nan,
                    "se": np.nan,
                    "t": np.nan,
                    "p": np.nan,
                    "identified": False,
                    "note": verdict[r],
                }
            )
        else:
            rows.append(
                {
                    "term": r,
                    "estimate": fit.params[r],
                    "se": fit.bse[r],
                    "t": fit.tvalues[r],
                    "p": fit.pvalues[r],
                    "identified": True,
                    "note": "",
                }
            )
    y = sample[outcome].to_numpy(dtype=float)
    b = np.array([fit.params[r] for r in kept])
    const = y.mean() - (sample[kept].to_numpy(dtype=float).mean(axis=0) @ b if kept else 0.0)
    rows.append(
        {
            "term": "Constant",
            "estimate": const,
            "se": np.nan,
            "t": np.nan,
            "p": np.nan,
            "identified": True,
            "note": "mean(y) − mean(X)·b (average fixed effect); no SE" if (unit_fe or year_fe) else "",
        }
    )
    if not (unit_fe or year_fe):  # plain OLS: the intercept is the constant, with its SE
        rows[-1].update(
            estimate=fit.params["Intercept"],
            se=fit.bse["Intercept"],
            t=fit.tvalues["Intercept"],
            p=fit.pvalues["Intercept"],
        )
    result = TwfeResult(
        outcome=outcome,
        terms=pd.DataFrame(rows),
        n=int(fit.nobs),
        r2=float(fit.rsquared),
        n_clusters=n_clusters,
        df_inference=df_inf,
        unit_fe=unit_fe,
        year_fe=year_fe,
        formula=formula,
        sample=sample.index,
    )
    absorbed = (
        absorbed_outcome(sample, outcome, unit=unit, time=time, unit_fe=unit_fe, year_fe=year_fe)
        if check_outcome and (unit_fe or year_fe)
        else ""
    )
    return not_estimable(result, absorbed) if absorbed else result


def not_estimable(result: TwfeResult, note: str, main: tuple[str, ...] = ("DID",)) -> TwfeResult:
    """A copy of `result` for a model that cannot answer the question asked (e.g. an outcome absorbed by
    the year effects, or a treated unit with no pre-period): every identified term, the constant
    included, loses its number and gets `note`, and so do the `main` terms whatever their state; R²
    becomes NaN. Other terms already not identified keep their own note."""
    terms = result.terms.copy()
    rows = terms["identified"].astype(bool) | terms["term"].isin(main)
    terms.loc[rows, ["estimate", "se", "t", "p"]] = np.nan
    terms.loc[rows, "identified"] = False
    terms.loc[rows, "note"] = note
    return dataclasses.replace(result, terms=terms, r2=float("nan"))


def critical_value(df: int, level: float = 0.95) -> float:
    """Two-sided critical value of Student's t with `df` degrees of freedom (t(G − 1) for our CIs)."""
    return float(stats.t.ppf(0.5 + level / 2, df))


def normalisation_sweep(
    panel: pd.DataFrame,
    outcome: str,
    regressors: list[str],
    year_level: str,
    *,
    unit: str = "mineral",
    time: str = "year",
) -> pd.DataFrame:
    """What a "coefficient" on a year-level variable next to year dummies depends on.

    Such a variable is a linear combination of the year dummies, so software that reports a number
    for it (instead of flagging it) has silently dropped one more year dummy. This fits the model
    once per choice of that extra dropped year (the first year is always the base) by plain least
    squares and returns: dropped_year, the year-level coefficient, and the coefficients of the other
    `regressors`. The identified coefficients do not move; the year-level one is whatever the
    normalisation makes it.
    """
    sample = panel.dropna(subset=[outcome, *regressors, year_level])
    years = sorted(sample[time].unique())
    units = pd.get_dummies(sample[unit], drop_first=True, dtype=float).to_numpy()
    y = sample[outcome].to_numpy(dtype=float)
    rows = []
    for dropped in years[1:]:
        keep = [t for t in years[1:] if t != dropped]
        year_d = (sample[time].to_numpy()[:, None] == np.array(keep)[None, :]).astype(float)
        X = np.column_stack(
            [np.ones(len(sample)), sample[[year_level, *regressors]].to_numpy(dtype=float), units, year_d]
        )
        b = np.linalg.lstsq(X, y, rcond=None)[0]
        rows.append({"dropped_year": dropped, year_level: b[1], **dict(zip(regressors, b[2 : 2 + len(regressors)]))})
    return pd.DataFrame(rows)


def stars(p: float) -> str:
    """Significance stars of the paper's note: * 10%, ** 5%, *** 1%."""
    if p is None or not np.isfinite(p):
        return ""
    return "***" if p < 0.01 else "**" if p < 0.05 else "*" if p < 0.10 else ""
