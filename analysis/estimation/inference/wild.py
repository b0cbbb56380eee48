"""The wild cluster bootstrap, every weight vector enumerated (no sampling).

Bootstrap-t on the CR1 t-statistic of one coefficient (MacKinnon and Webb 2017, 2018; Roodman et al.
2019). With G clusters, weights v ∈ {−1, 1}^G (Rademacher, 2^G vectors) or the six-point Webb
distribution {±√(1/2), ±1, ±√(3/2)} (6^G vectors) are ALL enumerated, so the p-value is exact for
the bootstrap distribution and reproducible without a seed.

* restricted (WCR): the bootstrap data impose H0 (β = 0): y* = M(v ∘ ü), ü the residuals of the
  model without the regressor; t* = β*/se*.
* unrestricted (WCU): y* = d̃β̂ + M(v ∘ û), û the full model's residuals; t* = (β* − β̂)/se*.

p = share of |t*| ≥ |t|. Everything is linear in v: with s_g = Σ_{i∈g} d̃_i u_i, the bootstrap
coefficient is β* − β_c = s'v / d̃'d̃ and the cluster scores of the bootstrap residuals are
C v = A v − c (β* − β_c), with A[h, g] = Σ_{i∈h} d̃_i (M u_g)_i, u_g = u on cluster g and 0 elsewhere,
and c_h = Σ_{i∈h} d̃_i². The CR1 variance of draw v is then the quadratic form v'(C'C)v, so all B draws
of all R outcomes cost two matrix products, (R × G)(G × B) and (R × G(G+1)/2)(G(G+1)/2 × B).

Floors: under WCR the weight vectors proportional to (1, …, 1) reproduce the sample exactly
(t* = t), so p ≥ 2/2^G with Rademacher and ≥ 6/6^G with Webb; with G = 5 Rademacher WCR cannot
reject at 5% (2/32 = 0.0625). WCU has no floor above 0. With ONE treated cluster MacKinnon and Webb
show that WCR under-rejects and WCU over-rejects severely: the treated cluster's score, which carries
all the information about β, is what the bootstrap cannot reproduce.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from analysis.estimation.inference.design import Design

WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])
RADEMACHER = np.array([-1.0, 1.0])
WEIGHTS = {"rademacher": RADEMACHER, "webb": WEBB}
CHUNK = 2_000_000  # bootstrap t-statistics computed per block (memory bound)


def enumerate_weights(kind: str, G: int, half: bool = False) -> np.ndarray:
    """(G × B) matrix of every weight vector: B = 2^G (Rademacher) or 6^G (Webb).

    With `half`, only the vectors whose first weight is positive: v and −v give the same |t*|, so this
    half gives exactly the same p-values at half the cost."""
    if kind not in WEIGHTS:
        raise ValueError(f"weights must be one of {sorted(WEIGHTS)}, not {kind!r}")
    values = WEIGHTS[kind]
    first = values[values > 0] if half else values
    return np.array([(a, *rest) for a in first for rest in itertools.product(values, repeat=G - 1)], dtype=float).T


@dataclass
class WildBootstrap:
    """Enumerated wild cluster bootstrap-t of one coefficient (H0: β = 0)."""

    design: Design
    weights: str = "webb"
    restricted: bool = True

    @property
    def V(self) -> np.ndarray:
        """Every weight vector (G × B)."""
        return enumerate_weights(self.weights, self.design.n_clusters)

    @property
    def n_weights(self) -> int:
        return len(WEIGHTS[self.weights]) ** self.design.n_clusters

    @property
    def floor(self) -> float:
        if not self.restricted:
            return 0.0
        G = self.design.n_clusters
        return len(WEIGHTS[self.weights]) / len(WEIGHTS[self.weights]) ** G

    def _member(self) -> np.ndarray:
        G, n = self.design.n_clusters, self.design.n
        member = np.zeros((G, n))
        member[self.design.groups, np.arange(n)] = 1.0
        return member

    def bootstrap_t(self, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(R real t-statistics, R × B/2 bootstrap t-statistics) for the columns of Y, over the half of
        the weight vectors with a positive first weight (the other half are their negatives)."""
        dsg = self.design
        beta, se, _ = dsg.cr1(Y)
        t = beta / se
        u = dsg.basis.annihilate(Y) if self.restricted else dsg.resid(Y)  # restricted: β = 0 imposed
        member = self._member()
        G, n = member.shape
        R = Y.shape[1]
        # M(u_g) for every cluster g and column r: (n, G, R)
        Mu = dsg.basis.annihilate((member.T[:, :, None] * u[:, None, :]).reshape(n, G * R)).reshape(n, G, R)
        A = (member @ (dsg.d[:, None] * Mu.reshape(n, G * R))).reshape(G, G, R).transpose(2, 0, 1)  # (R, G, G)
        c = member @ dsg.d**2  # (G,)
        s = (member @ (dsg.d[:, None] * u)).T  # (R, G)
        # cluster scores of draw v: C v with C = A − c s'/d'd, so Σ_h score_h² = v'(C'C)v, a quadratic form
        C = A - c[None, :, None] * s[:, None, :] / dsg.dd  # (R, G, G)
        CtC = np.einsum("rhg,rhk->rgk", C, C)
        i, j = np.triu_indices(G)
        coef = CtC[:, i, j] * np.where(i == j, 1.0, 2.0)[None, :]  # (R, G(G+1)/2)
        correction = G / (G - 1) * (n - 1) / (n - (dsg.basis.k + 1))
        V = enumerate_weights(self.weights, G, half=True)  # ±v give the same |t*|
        pairs = V[i] * V[j]  # (G(G+1)/2, B)
        out = np.empty((R, V.shape[1]))
        step = max(1, CHUNK // V.shape[1])
        for lo in range(0, R, step):
            sl = slice(lo, lo + step)
            db = (s[sl] @ V) / dsg.dd  # (r, B): β* − β_c
            se_b = np.sqrt(correction * np.maximum(coef[sl] @ pairs, 0.0)) / dsg.dd
            with np.errstate(divide="ignore", invalid="ignore"):
                # a draw whose SE vanishes (to rounding, relative to the sample's) has no variation: t* = NaN
                out[sl] = np.where(se_b > 1e-8 * se[sl, None], db / se_b, np.nan)
        return t, out

    def pvalues(self, Y: np.ndarray) -> np.ndarray:
        t, tb = self.bootstrap_t(Y)
        a = np.abs(tb)
        a = np.where(np.isnan(a), 0.0, a)  # a degenerate draw (se* ≈ 0) counts as t* = 0, not extreme
        return (a >= np.abs(t)[:, None] * (1 - 1e-10)).mean(axis=1)
