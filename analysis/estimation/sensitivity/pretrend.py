"""How much of the post-policy effect survives violations of parallel trends: bounds in the spirit of
Rambachan and Roth (2023), "relative magnitudes".

Event study with reference k = −1: β_k = τ_k + δ_k, τ_k = 0 before the policy, δ the difference in
trends. Δ^RM(M̄) allows every post-policy step |δ_{k+1} − δ_k| (k ≥ −1, δ_{−1} = 0) to be at most
M̄ times the largest pre-policy step Δ = max_s |β_{s+1} − β_s| (over consecutive single pre years up to
k = −1). For the average effect θ over the post years K, |δ_k| ≤ (k + 1)·M̄·Δ, so the identified set is

    θ̂ ± M̄ · Δ · mean_{k∈K}(k + 1).

Confidence interval: each end is a linear combination of the event coefficients (given the identity
and sign of the largest pre step), so its SE is √(a'Va); the interval is [lower − c·se, upper + c·se],
c the t(N − K) critical value. This is a plug-in interval, not Rambachan and Roth's conditional or
hybrid confidence set (which needs a well-estimated full covariance).

Variance: the cluster-robust (CR1) covariance of the event coefficients is a sum of G = 5 outer
products, rank ≤ G − 1 = 4, for more coefficients than that — singular, so some combinations get a
zero or near-zero SE. We use instead `unit_variance_covariance`: (X'X)⁻¹ X'ΩX (X'X)⁻¹ with Ω diagonal,
each mineral its own error variance, estimated from the residuals of the baseline DID (Table 3
column (2), the model under the null of parallel trends) with the N/(N − K) correction. It is full
rank, lets the treated mineral be noisier than the controls, and ignores serial correlation (stated
beside every number).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.core import config
from analysis.estimation.event_study import event_dummies, full_bins
from analysis.estimation.twfe import fe_matrix


@dataclass
class EventFit:
    """Event coefficients by relative year, with two covariance estimates."""

    k: np.ndarray  # relative year of each single-year coefficient (reference excluded)
    beta: np.ndarray
    cov: np.ndarray  # unit-variance covariance (full rank)
    cov_cr1: np.ndarray  # CR1 cluster-robust covariance (rank ≤ G − 1)
    df: int  # N − K
    n: int
    clusters: int
    names: list


def _design(panel, outcome, regressors, unit, time):
    sample = panel.dropna(subset=[outcome, *regressors]).reset_index(drop=True)
    X = np.column_stack([sample[list(regressors)].to_numpy(float), fe_matrix(sample, unit, time)])
    return sample, X, sample[outcome].to_numpy(float)


def unit_variances(
    panel: pd.DataFrame, outcome: str = "LNPRI", *, unit: str = "mineral", time: str = "year", treat_term: str = "DID"
) -> pd.Series:
    """Each unit's error variance from the residuals of y ~ DID + unit + year effects, × N/(N − K)."""
    sample, X, y = _design(panel, outcome, [treat_term], unit, time)
    e = y - X @ np.linalg.lstsq(X, y, rcond=None)[0]
    k = np.linalg.matrix_rank(X)
    return (pd.Series(e**2).groupby(sample[unit]).mean() * len(y) / (len(y) - k)).rename("variance")


def fit_event(
    panel: pd.DataFrame,
    outcome: str = "LNPRI",
    *,
    lower: int,
    upper: int,
    policy_year: int = config.POLICY_YEAR,
    unit: str = "mineral",
    time: str = "year",
) -> EventFit:
    """Event study with end bins ≤ lower, ≥ upper and reference −1 (as `event_study.fit_event_study`),
    returning the single-year coefficients with both covariance estimates."""
    bins = full_bins(lower, upper, -1)
    data = event_dummies(panel, bins, policy_year=policy_year)
    sample, X, y = _design(data, outcome, list(bins), unit, time)
    xtx_inv = np.linalg.pinv(X.T @ X)
    b = xtx_inv @ X.T @ y
    e = y - X @ b
    n, kx = X.shape
    kx = np.linalg.matrix_rank(X)
    var = unit_variances(panel, outcome, unit=unit, time=time).reindex(sample[unit]).to_numpy()
    cov = xtx_inv @ (X.T * var) @ X @ xtx_inv
    groups = pd.factorize(sample[unit])[0]
    g = groups.max() + 1
    scores = np.vstack([X[groups == j].T @ e[groups == j] for j in range(g)])
    cov_cr1 = g / (g - 1) * (n - 1) / (n - kx) * xtx_inv @ scores.T @ scores @ xtx_inv
    single = [i for i, (lo, hi) in enumerate(bins.values()) if lo == hi]
    names = [list(bins)[i] for i in single]
    ks = np.array([list(bins.values())[i][0] for i in single])
    idx = np.array(single)
    return EventFit(
        k=ks,
        beta=b[idx],
        cov=cov[np.ix_(idx, idx)],
        cov_cr1=cov_cr1[np.ix_(idx, idx)],
        df=n - kx,
        n=n,
        clusters=g,
        names=names,
    )


def pre_steps(fit: EventFit) -> tuple[np.ndarray, np.ndarray]:
    """Consecutive pre-policy steps β_{s+1} − β_s over the single pre years up to the reference
    (β_{−1} = 0): a matrix A (one row per step, over fit.beta) and the steps' labels (s + 1)."""
    pre = sorted(int(k) for k in fit.k if k < -1) + [-1]
    rows, labels = [], []
    pos = {int(k): i for i, k in enumerate(fit.k)}
    for a, b in zip(pre[:-1], pre[1:]):
        row = np.zeros(len(fit.k))
        if b in pos:
            row[pos[b]] += 1
        row[pos[a]] -= 1
        rows.append(row)
        labels.append(b)
    if not rows:
        raise ValueError("no pre-policy step: the event study needs at least one single pre year before k = -1")
    return np.array(rows), np.array(labels)


def bounds(
    fit: EventFit,
    mbar: float | list[float],
    post: tuple[int, ...] = (0, 1, 2, 3),
    level: float = 0.95,
    covariance: str = "unit",
) -> pd.DataFrame:
    """For each M̄: theta (the average effect over `post` years), the identified set [lower, upper]
    and its confidence interval [ci_lower, ci_upper]; Δ (largest pre step) and where it is."""
    cov = fit.cov if covariance == "unit" else fit.cov_cr1
    missing = [k for k in post if k not in set(fit.k.tolist())]
    if missing:
        raise ValueError(f"post years {missing} have no single-year coefficient")
    w = np.isin(fit.k, post).astype(float) / len(post)
    A, labels = pre_steps(fit)
    steps = A @ fit.beta
    j = int(np.argmax(np.abs(steps)))
    a = np.sign(steps[j]) * A[j]  # a'β = Δ ≥ 0
    slope = float(np.mean(np.array(post) + 1))
    crit = float(stats.t.ppf(0.5 + level / 2, fit.df))
    rows = []
    for m in np.atleast_1d(mbar):
        lo_vec, hi_vec = w - m * slope * a, w + m * slope * a
        lo, hi = float(lo_vec @ fit.beta), float(hi_vec @ fit.beta)
        se_lo, se_hi = (float(np.sqrt(max(v @ cov @ v, 0.0))) for v in (lo_vec, hi_vec))
        rows.append(
            {
                "mbar": float(m),
                "theta": float(w @ fit.beta),
                "se_theta": float(np.sqrt(w @ cov @ w)),
                "lower": lo,
                "upper": hi,
                "ci_lower": lo - crit * se_lo,
                "ci_upper": hi + crit * se_hi,
                "delta": float(steps[j]) * np.sign(steps[j]),
                "delta_at": int(labels[j]),
                "df": fit.df,
            }
        )
    return pd.DataFrame(rows)


def breakdown(
    fit: EventFit,
    post: tuple[int, ...] = (0, 1, 2, 3),
    level: float = 0.95,
    covariance: str = "unit",
    upper_m: float = 100.0,
) -> float:
    """Smallest M̄ at which the confidence interval contains 0 (0.0 if it already does under exact
    parallel trends; inf if not even at `upper_m`). Bisection to 1e-4."""

    def covers(m):
        r = bounds(fit, m, post, level, covariance).iloc[0]
        return r["ci_lower"] <= 0 <= r["ci_upper"]

    if covers(0.0):
        return 0.0
    if not covers(upper_m):
        return float("inf")
    lo, hi = 0.0, upper_m
    while hi - lo > 1e-4:
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if covers(mid) else (mid, hi)
    return hi


def rank_report(fit: EventFit, tol: float = 1e-10) -> dict[str, int]:
    """Number of event coefficients and the numerical rank of each covariance estimate."""

    def rank(m):
        s = np.linalg.svd(m, compute_uv=False)
        return int((s > tol * s.max()).sum())

    return {
        "coefficients": len(fit.k),
        "rank_cr1": rank(fit.cov_cr1),
        "rank_unit": rank(fit.cov),
        "clusters": fit.clusters,
    }


def tidy(frame: pd.DataFrame, fit: EventFit, table: str = "pretrend_bounds", outcome: str = "LNPRI") -> pd.DataFrame:
    """Rows for the estimates file: per M̄ (column 'Mbar=x'), terms theta, lower, upper, ci_lower,
    ci_upper, delta."""
    rows = []
    for r in frame.itertuples():
        base = {
            "table": table,
            "column": f"Mbar={r.mbar:g}",
            "outcome": outcome,
            "n": fit.n,
            "r2": np.nan,
            "df": fit.df,
            "clusters": fit.clusters,
            "identified": True,
        }
        for term in ("theta", "lower", "upper", "ci_lower", "ci_upper", "delta"):
            se = r.se_theta if term == "theta" else np.nan
            rows.append(
                {
                    **base,
                    "term": term,
                    "estimate": getattr(r, term),
                    "se": se,
                    "p": np.nan,
                    "note": "unit-variance covariance (each mineral its own variance, no serial correlation); "
                    f"largest pre step at k = {r.delta_at}; critical value t({fit.df})",
                }
            )
    return pd.DataFrame(rows)
