"""Randomization inference with one treated unit: over which unit is treated, and over the policy year.

Each test is an object built once from the estimation sample and the `Model`; `pvalues(Y)` then
tests H0: no effect for every column of an (n × R) outcome matrix at once (R = 1 on the data, R = many
in the size simulation, or one column per hypothesised effect when a confidence set is inverted).
`floor` is the smallest p-value the test can return.

* `UnitRandomization` — every unit with an identified assignment is treated in turn from the policy
  year; p = share of assignments whose |statistic| is at least the real one's (the real one
  included), so p ≥ 1/J with J assignments: all of them are enumerated, nothing is sampled. The
  statistic is the coefficient, or (`studentize=True`) the coefficient over the SE implied by the
  assigned unit's own residual variance, which keeps the test fair when the treated unit is noisier
  than the others (Ferman and Pinto 2019).
* `TimeRandomization` — the treated unit keeps its treatment but the start year moves over every
  admissible year (`within="all"`, the real year among them, p ≥ 1/S), or only fake start years
  inside the pre-policy period are used, on pre-policy data (`within="pre"`, placebo in time,
  p = (1 + #{|fake| ≥ |real|}) / (S + 1)).
* `PaperPlacebo` — the paper's own procedure (scattered fake-treated rows) read as a test.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.estimation.inference.assignment import Model, admissible_starts
from analysis.estimation.inference.design import Design, basis
from analysis.estimation.twfe import RANK_TOL

TIE = 1e-10  # relative tolerance: a statistic this close to the real one counts as "at least as large"


def share_at_least(stats: np.ndarray, real: np.ndarray) -> np.ndarray:
    """For each column r: share of the finite |stats[:, r]| ≥ |real[r]| (with a relative tie tolerance)."""
    a, b = np.abs(stats), np.abs(real)[None, :]
    finite = np.isfinite(a)
    hit = (a >= b * (1 - TIE)) & finite
    return hit.sum(axis=0) / np.maximum(finite.sum(axis=0), 1)


def stack(designs: list[Design]) -> tuple[np.ndarray, np.ndarray]:
    """(n × J matrix of partialled regressors, J-vector of d'd) of designs on one sample."""
    return np.column_stack([d.d for d in designs]), np.array([d.dd for d in designs])


@dataclass
class UnitRandomization:
    """Exact randomization over which unit is treated (all identified assignments enumerated)."""

    designs: list[Design]
    names: list
    codes: list[int]  # each assigned unit's code in `Design.units`
    treated: int  # position of the real treated unit in `designs`
    studentize: bool = False

    @property
    def floor(self) -> float:
        return 1.0 / len(self.designs)

    def statistics(self, Y: np.ndarray) -> np.ndarray:
        """(J × R) statistic of every assignment."""
        D, dd = stack(self.designs)
        beta = D.T @ Y / dd[:, None]
        if not self.studentize:
            return beta
        return np.vstack([beta[j] / d.own_se(Y, code) for j, (d, code) in enumerate(zip(self.designs, self.codes))])

    def pvalues(self, Y: np.ndarray) -> np.ndarray:
        s = self.statistics(Y)
        return share_at_least(s, s[self.treated])


def unit_randomization(
    sample: pd.DataFrame, model: Model, treated, policy_year: int, studentize: bool = False
) -> UnitRandomization:
    """Every unit of `sample` treated from `policy_year` in turn; units whose assignment is not
    identified (e.g. no observed year before the policy) are left out and do not count in J."""
    designs, names, codes = [], [], []
    for code, u in enumerate(pd.unique(sample[model.unit])):  # pd.factorize order, as Design.units
        d = model.design_for(sample, u, policy_year)
        if d.identified:
            designs.append(d)
            names.append(u)
            codes.append(code)
    if treated not in names:
        raise ValueError(f"the treated unit {treated!r} has no identified assignment in this sample")
    return UnitRandomization(designs, names, codes, names.index(treated), studentize)


@dataclass
class TimeRandomization:
    """Randomization over the start year of the treated unit's treatment."""

    designs: list[Design]  # one per start year, on `rows` of the sample
    starts: list[int]
    real: Design  # the real assignment on the full sample
    rows: np.ndarray  # boolean mask of the sample rows the fake designs use
    within: str  # "all" (real year among the starts) or "pre" (fake starts on pre-policy data)

    @property
    def floor(self) -> float:
        return 1.0 / len(self.starts) if self.within == "all" else 1.0 / (len(self.starts) + 1)

    def statistics(self, Y: np.ndarray) -> np.ndarray:
        D, dd = stack(self.designs)
        return D.T @ Y[self.rows] / dd[:, None]

    def pvalues(self, Y: np.ndarray) -> np.ndarray:
        fake, real = self.statistics(Y), self.real.beta(Y)
        if self.within == "all":
            return share_at_least(fake, real)
        return (1 + share_at_least(fake, real) * len(self.starts)) / (len(self.starts) + 1)


def time_randomization(
    sample: pd.DataFrame, model: Model, treated, policy_year: int, min_side: int, within: str = "all"
) -> TimeRandomization:
    """Start years with at least `min_side` observed treated years on each side: over the whole sample
    (`within="all"`) or over the pre-policy years only (`within="pre"`). Unidentified starts are dropped."""
    if within not in ("all", "pre"):
        raise ValueError(f"within must be 'all' or 'pre', not {within!r}")
    rows = np.ones(len(sample), bool) if within == "all" else (sample[model.time] < policy_year).to_numpy()
    sub = sample[rows].reset_index(drop=True)
    designs, starts = [], []
    for s in admissible_starts(sub, treated, min_side, unit=model.unit, time=model.time):
        d = model.design_for(sub, treated, s)
        if d.identified:
            designs.append(d)
            starts.append(s)
    if not starts or (within == "all" and policy_year not in starts):
        raise ValueError(f"no admissible start years ({within}) with {min_side} treated years on each side")
    return TimeRandomization(designs, starts, model.design_for(sample, treated, policy_year), rows, within)


@dataclass
class PaperPlacebo:
    """The paper's placebo (fake DID on randomly scattered rows, fixed draws) read as a test of the real DID:
    p = share of draws with |fake coefficient| ≥ |real| (as `placebo.randomization_p`, no +1)."""

    D: np.ndarray  # n × P partialled fake DIDs (identified draws only)
    dd: np.ndarray
    real: Design

    @property
    def floor(self) -> float:
        return 0.0

    def pvalues(self, Y: np.ndarray) -> np.ndarray:
        return share_at_least(self.D.T @ Y / self.dd[:, None], self.real.beta(Y))


def paper_placebo(
    sample: pd.DataFrame, model: Model, treated, policy_year: int, draws: np.ndarray, n_rows: int, positions: np.ndarray
) -> PaperPlacebo:
    """`draws` (P × n_fake) row positions into the full panel of `n_rows` rows, `positions` the panel
    position of each sample row; a fake row outside the sample drops out, as in `placebo.run_placebo`."""
    fake = np.zeros((n_rows, len(draws)))
    fake[draws, np.arange(len(draws))[:, None]] = 1.0
    fake = fake[positions]
    D = basis(sample, model.others, unit=model.unit, time=model.time).annihilate(fake)
    dd = np.einsum("ij,ij->j", D, D)
    centred = np.linalg.norm(fake - fake.mean(axis=0), axis=0)
    ok = np.sqrt(dd) >= RANK_TOL * np.where(centred > 0, centred, np.inf)  # fit_twfe's rank rule
    return PaperPlacebo(D[:, ok], dd[ok], model.design_for(sample, treated, policy_year))
