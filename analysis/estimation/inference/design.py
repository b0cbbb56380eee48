"""One coefficient of a fixed-effects regression, partialled out once, for tests that refit it many times.

By Frisch–Waugh–Lovell, the coefficient of a regressor `d` in `y ~ d + others + unit FE + year FE`
is d̃'y / d̃'d̃, where d̃ = M d and M annihilates the fixed effects and the other regressors. The
annihilator does not depend on y, so a `Design` is built once and then fits any number of outcomes
at once: `beta(Y)` for an (n × R) matrix returns R coefficients in one matrix product. CR1 standard
errors and t(G − 1) p-values come from `placebo.cr1_fwl`, the same core as the placebo test, so they
equal `twfe.fit_twfe`'s (K counts every coefficient, fixed-effect dummies included).

Everything here is pure numpy on arrays aligned with `Design.sample` (the rows of the panel where the
outcome and every regressor are observed); `outcome_matrix` lines a panel column up with them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.estimation.placebo import cr1_fwl
from analysis.estimation.twfe import RANK_TOL, fe_matrix


@dataclass(frozen=True)
class Basis:
    """An orthonormal basis Q of the fixed effects (and other regressors) on a sample: M·A = A − Q(Q'A)."""

    Q: np.ndarray
    k: int  # number of columns of the full model other than the tested regressor (intercept included)

    def annihilate(self, A: np.ndarray) -> np.ndarray:
        return A - self.Q @ (self.Q.T @ A)


def basis(
    sample: pd.DataFrame,
    others: tuple[str, ...] = (),
    *,
    unit: str = "mineral",
    time: str = "year",
    extra: np.ndarray | None = None,
) -> Basis:
    """The basis of intercept + unit and year dummies + `others` columns (+ `extra`, n × m) of `sample`."""
    cols = [fe_matrix(sample, unit, time)]
    if others:
        cols.append(sample[list(others)].to_numpy(dtype=float))
    if extra is not None:
        cols.append(np.asarray(extra, dtype=float).reshape(len(sample), -1))
    X = np.column_stack(cols)
    Q, R = np.linalg.qr(X)
    keep = np.abs(np.diag(R)) > RANK_TOL * max(1.0, np.abs(np.diag(R)).max())
    return Basis(Q=Q[:, keep], k=int(keep.sum()))


@dataclass(frozen=True)
class Design:
    """The tested regressor of one model, partialled out: coefficient, residuals, CR1 test for many outcomes."""

    d: np.ndarray  # M d, length n
    dd: float  # d'M d
    basis: Basis
    groups: np.ndarray  # cluster codes 0..G−1, length n
    units: np.ndarray  # unit codes 0..U−1 (the unit each row belongs to), length n
    identified: bool

    @property
    def n(self) -> int:
        return len(self.d)

    @property
    def n_clusters(self) -> int:
        return int(self.groups.max()) + 1

    def beta(self, Y: np.ndarray) -> np.ndarray:
        """Coefficients for the columns of Y (n × R, raw outcomes: d̃'y = d̃'My); NaN when not identified."""
        if not self.identified:
            return np.full(Y.shape[1], np.nan)
        return self.d @ Y / self.dd

    def resid(self, Y: np.ndarray) -> np.ndarray:
        """Residuals M y − d̃ β of the full model, n × R."""
        return self.basis.annihilate(Y) - np.outer(self.d, np.nan_to_num(self.beta(Y)))

    def cr1(self, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(beta, CR1 SE, t(G−1) two-sided p) for each column of Y."""
        if not self.identified:
            nan = np.full(Y.shape[1], np.nan)
            return nan, nan, nan
        R = Y.shape[1]
        return cr1_fwl(np.repeat(self.d[:, None], R, axis=1), self.basis.annihilate(Y), self.groups, self.basis.k)

    def own_se(self, Y: np.ndarray, unit: int) -> np.ndarray:
        """SE of beta from the residual variance of `unit` alone (the assigned unit's own noise):
        s_u · sqrt(Σ_{i∈u} d̃_i²) / d̃'d̃, s_u² = Σ_{i∈u} e_i² / (T_u − 2). Used to studentize
        placebo estimates when units differ in noise (Ferman and Pinto 2019)."""
        rows = self.units == unit
        e = self.resid(Y)[rows]
        s2 = (e**2).sum(axis=0) / max(rows.sum() - 2, 1)
        return np.sqrt(s2 * (self.d[rows] ** 2).sum()) / self.dd


def estimation_sample(panel: pd.DataFrame, outcome: str, regressors: tuple[str, ...] = ()) -> pd.DataFrame:
    """The rows where the outcome and every regressor are observed (as `fit_twfe` keeps them)."""
    return panel.dropna(subset=[outcome, *regressors]).reset_index(drop=True)


def make_design(
    sample: pd.DataFrame,
    d: np.ndarray,
    others: tuple[str, ...] = (),
    *,
    unit: str = "mineral",
    time: str = "year",
    cluster: str = "mineral",
    extra: np.ndarray | None = None,
) -> Design:
    """The `Design` of regressor values `d` (length n) on `sample`, partialling out the fixed effects,
    the `others` columns and `extra`; identified as `fit_twfe` decides (‖M d‖ / ‖d − d̄‖ ≥ tolerance)."""
    B = basis(sample, others, unit=unit, time=time, extra=extra)
    d = np.asarray(d, dtype=float)
    md = B.annihilate(d)
    scale = np.linalg.norm(d - d.mean())
    ok = bool(scale > 0 and np.linalg.norm(md) / scale >= RANK_TOL)
    return Design(
        d=md,
        dd=float(md @ md) if ok else np.nan,
        basis=B,
        groups=pd.factorize(sample[cluster])[0],
        units=pd.factorize(sample[unit])[0],
        identified=ok,
    )


def unit_code(sample: pd.DataFrame, value, unit: str = "mineral") -> int:
    """The code of unit `value` in `Design.units` (pd.factorize order of the sample)."""
    codes, uniques = pd.factorize(sample[unit])
    hits = np.flatnonzero(np.asarray(uniques) == value)
    if not len(hits):
        raise KeyError(f"{unit} {value!r} has no row in the estimation sample")
    return int(hits[0])


def outcome_matrix(sample: pd.DataFrame, outcome: str) -> np.ndarray:
    """The outcome of `sample` as an (n × 1) float matrix."""
    return sample[outcome].to_numpy(dtype=float)[:, None]
