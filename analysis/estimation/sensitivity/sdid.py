"""Synthetic difference-in-differences (Arkhangelsky, Athey, Hirshberg, Imbens and Wager 2021), with the
synthetic-control and plain DID estimators it nests, on a units × periods outcome matrix.

A port of the reference R package `synthdid` (its `synthdid_estimate`, `sc_estimate`, `did_estimate`
and the Frank–Wolfe solver `sc.weight.fw` with the same defaults: noise level = sd of the controls'
first differences before treatment, ζ_ω = ((N₁T₁)^¼)·noise, ζ_λ = 10⁻⁶·noise, 100 iterations, then
sparsification of weights below max/4 and up to 10⁴ more). The published reference case —
California's Proposition 99 — is `tests/test_sdid.py`: −15.6 (SDID), −19.6 (SC), −27.3 (DID).

No PyPI package is used. `synthdid` 0.10.1 (MIT) pins numpy 1.23.5 and pandas 1.5.3, which conflict with
requirements.lock; `synthdid-py` 0.1.0 (BSD-3-Clause, needs only numpy/pandas/scipy) would install but is a
first and only release. This port (~150 lines, numpy only) leaves the lock file unchanged.

With ONE treated unit the estimator's own placebo variance (the paper's recommended one) needs more
controls than treated units, and the jackknife is not defined; this module returns point estimates
and the weights, and inference is left to the randomization tests of the book.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class SynthEstimate:
    """One estimate with its weights: unit weights ω over controls, time weights λ over pre-periods."""

    method: str
    estimate: float
    omega: pd.Series  # control unit -> weight (sums to 1)
    lam: pd.Series  # pre-period -> weight (sums to 1; zeros for SC)
    n_controls: int
    n_pre: int
    n_obs: int


def outcome_matrix(
    panel: pd.DataFrame, outcome: str, *, unit: str, time: str, treated: str
) -> tuple[pd.DataFrame, int, int]:
    """Units × periods matrix with control rows first and pre-periods first, plus N0 and T0.

    `treated` is a 0/1 column equal to 1 for treated units in their treated periods (block design:
    every treated unit starts at the same period). Rows or columns with a missing outcome are a
    ValueError naming them (the estimator needs a balanced panel).
    """
    wide = panel.pivot(index=unit, columns=time, values=outcome).sort_index(axis=1)
    if wide.isna().any().any():
        holes = wide.isna().stack()
        holes = holes[holes].index.tolist()[:5]
        raise ValueError(f"{outcome}: unbalanced panel, missing (unit, period) e.g. {holes}")
    d = panel.pivot(index=unit, columns=time, values=treated).reindex_like(wide).fillna(0)
    treated_units = d.index[d.max(axis=1) > 0]
    if len(treated_units) == 0:
        raise ValueError(f"{treated}: no treated unit")
    starts = d.loc[treated_units].idxmax(axis=1).unique()
    if len(starts) != 1:
        raise ValueError(f"{treated}: treated units start at different periods {sorted(starts)}")
    t0 = int(list(wide.columns).index(starts[0]))
    order = [u for u in wide.index if u not in treated_units] + list(treated_units)
    return wide.loc[order], len(order) - len(treated_units), t0


def balanced(panel: pd.DataFrame, outcome: str, *, unit: str, time: str, treated: str) -> tuple[pd.DataFrame, dict]:
    """The largest simple balanced sub-panel: periods where a treated unit's outcome is missing are
    dropped, then control units with any missing outcome in the remaining periods. Returns the panel
    and what was dropped ({'periods': [...], 'units': [...]})."""
    treated_units = panel.loc[panel[treated] > 0, unit].unique()
    gaps = panel[panel[unit].isin(treated_units) & panel[outcome].isna()][time].unique()
    kept = panel[~panel[time].isin(gaps)]
    holes = kept[kept[outcome].isna()][unit].unique()
    return kept[~kept[unit].isin(holes)].copy(), {"periods": sorted(int(t) for t in gaps), "units": sorted(holes)}


def _fw_step(A, x, b, eta):
    ax = A @ x
    half_grad = (ax - b) @ A + eta * x
    i = int(np.argmin(half_grad))
    dx = -x.copy()
    dx[i] = 1 - x[i]
    if np.all(dx == 0):
        return x
    derr = A[:, i] - ax
    step = -(half_grad @ dx) / (derr @ derr + eta * dx @ dx)
    return x + min(1.0, max(0.0, step)) * dx


def sc_weight_fw(
    Y: np.ndarray,
    zeta: float,
    *,
    intercept: bool = True,
    lam: np.ndarray | None = None,
    min_decrease: float = 1e-3,
    max_iter: int = 1000,
) -> np.ndarray:
    """Frank–Wolfe on the simplex: weights λ (length ncol−1) minimising
    ζ²‖λ‖² + ‖Y[:, :-1]λ − Y[:, -1]‖²/nrow (columns demeaned if `intercept`)."""
    n, t0 = Y.shape[0], Y.shape[1] - 1
    lam = np.full(t0, 1.0 / t0) if lam is None else lam.astype(float)
    if intercept:
        Y = Y - Y.mean(axis=0)
    A, b, eta = Y[:, :t0], Y[:, t0], n * zeta**2
    vals = []
    while len(vals) < max_iter and (len(vals) < 2 or vals[-2] - vals[-1] > min_decrease**2):
        lam = _fw_step(A, lam, b, eta)
        err = A @ lam - b
        vals.append(zeta**2 * lam @ lam + err @ err / n)
    return lam


def _sparsify(v: np.ndarray) -> np.ndarray:
    v = np.where(v <= v.max() / 4, 0.0, v)
    return v / v.sum()


def _solve(Y, zeta, intercept, min_decrease, max_iter, pre_iter=100):
    w = sc_weight_fw(Y, zeta, intercept=intercept, min_decrease=min_decrease, max_iter=pre_iter)
    return sc_weight_fw(Y, zeta, intercept=intercept, lam=_sparsify(w), min_decrease=min_decrease, max_iter=max_iter)


def synthdid(
    Y: np.ndarray, n0: int, t0: int, method: str = "sdid", max_iter: int = 10_000
) -> tuple[float, np.ndarray, np.ndarray]:
    """(estimate, ω, λ) of `method` in {'sdid', 'sc', 'did'} on the block-design matrix Y (controls
    first, pre-periods first), with the reference package's defaults."""
    n, t = Y.shape
    n1, t1 = n - n0, t - t0
    noise = np.std(np.diff(Y[:n0, :t0], axis=1), ddof=1)
    min_decrease = 1e-5 * noise
    # collapsed form: controls × (pre, post mean), plus the treated mean row
    yc = np.vstack(
        [
            np.column_stack([Y[:n0, :t0], Y[:n0, t0:].mean(axis=1)]),
            np.append(Y[n0:, :t0].mean(axis=0), Y[n0:, t0:].mean()),
        ]
    )
    if method == "did":
        omega, lam = np.full(n0, 1 / n0), np.full(t0, 1 / t0)
    elif method == "sc":
        lam = np.zeros(t0)
        omega = _solve(yc[:, :t0].T, 1e-6 * noise, False, min_decrease, max_iter)
    elif method == "sdid":
        lam = _solve(yc[:n0, :], 1e-6 * noise, True, min_decrease, max_iter)
        omega = _solve(yc[:, :t0].T, (n1 * t1) ** 0.25 * noise, True, min_decrease, max_iter)
    else:
        raise ValueError(f"unknown method {method!r} (sdid, sc or did)")
    unit_w = np.concatenate([-omega, np.full(n1, 1 / n1)])
    time_w = np.concatenate([-lam, np.full(t1, 1 / t1)])
    return float(unit_w @ Y @ time_w), omega, lam


def estimate(
    panel: pd.DataFrame,
    outcome: str,
    *,
    unit: str,
    time: str,
    treated: str,
    methods: tuple[str, ...] = ("sdid", "sc", "did"),
) -> dict[str, SynthEstimate]:
    """Each of `methods` on a long panel (see `outcome_matrix`), with its weights labelled."""
    wide, n0, t0 = outcome_matrix(panel, outcome, unit=unit, time=time, treated=treated)
    out = {}
    for m in methods:
        tau, omega, lam = synthdid(wide.to_numpy(dtype=float), n0, t0, m)
        out[m] = SynthEstimate(
            m,
            tau,
            pd.Series(omega, index=wide.index[:n0], name="omega"),
            pd.Series(lam, index=wide.columns[:t0], name="lambda"),
            n0,
            t0,
            wide.size,
        )
    return out


def weights_table(fits: dict[str, SynthEstimate], which: str = "omega") -> pd.DataFrame:
    """Weights side by side, one column per method: 'omega' (units) or 'lam' (pre-periods)."""
    return pd.DataFrame({m: getattr(f, which) for m, f in fits.items()})


def tidy(fits: dict[str, SynthEstimate], table: str, column: str, outcome: str, note: str = "") -> pd.DataFrame:
    """Rows for the estimates file: one per method (term = method), no SE (see the module note)."""
    return pd.DataFrame(
        [
            {
                "table": table,
                "column": column,
                "outcome": outcome,
                "term": m,
                "estimate": f.estimate,
                "se": np.nan,
                "p": np.nan,
                "n": f.n_obs,
                "r2": np.nan,
                "df": np.nan,
                "clusters": np.nan,
                "identified": True,
                "note": note,
            }
            for m, f in fits.items()
        ]
    )
