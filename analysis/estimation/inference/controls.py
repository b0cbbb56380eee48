"""Inference from the control units' own estimates: Conley and Taber (2011), Ferman and Pinto (2019).

With one treated unit the DID estimate is β̂ = β + W₁, where W₁ is a weighted contrast of the treated
unit's errors. Conley and Taber estimate the distribution of W₁ from the control units: drop the
treated unit, treat each control j in turn from the policy year, and take its estimate W_j (a pure
error contrast, since the control had no treatment). Their test of H0: β = β0 has p-value
share_j(|W_j| ≥ |β̂ − β0|) over the J controls — the treated unit itself is not in the reference set,
so p can be 0, and with J controls the test rejects at any level whenever |β̂| exceeds every |W_j|:
its size is then 1/(J + 1) under exchangeability, not the nominal level (a finite-J property their
asymptotics in J do not cover).

Conley–Taber assumes the W_j have the treated unit's distribution. Ferman and Pinto show the test
over-rejects when the treated unit is noisier (heteroskedasticity) and rescale each unit by an
estimate of its own variance. With ~20 years per unit, each unit's variance can be estimated from
its own residuals, so the version here compares t-ratios: W_j / SE_j against β̂ / SE₁, SE from the
assigned unit's own residual variance (`Design.own_se`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.estimation.inference.assignment import Model
from analysis.estimation.inference.design import Design, unit_code
from analysis.estimation.inference.randomization import share_at_least, stack


@dataclass
class ControlsTest:
    """Conley–Taber (`studentize=False`) or Ferman–Pinto-style (`studentize=True`) test of H0: β = 0."""

    controls: list[Design]  # each control treated in turn, on the control-only rows
    codes: list[int]  # their unit codes in those designs
    names: list
    real: Design  # the real assignment on the full sample
    treated_code: int
    rows: np.ndarray  # mask of the control-only rows within the sample
    studentize: bool = False

    @property
    def floor(self) -> float:
        return 0.0

    def statistics(self, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(J × R control statistics, R real statistics)."""
        Yc = Y[self.rows]
        D, dd = stack(self.controls)
        W = D.T @ Yc / dd[:, None]
        real = self.real.beta(Y)
        if self.studentize:
            W = np.vstack([W[j] / d.own_se(Yc, c) for j, (d, c) in enumerate(zip(self.controls, self.codes))])
            real = real / self.real.own_se(Y, self.treated_code)
        return W, real

    def pvalues(self, Y: np.ndarray) -> np.ndarray:
        W, real = self.statistics(Y)
        return share_at_least(W, real)


def controls_test(
    sample: pd.DataFrame, model: Model, treated, policy_year: int, studentize: bool = False
) -> ControlsTest:
    """Build the test: the controls' assignments on the sample without `treated` (unidentified ones dropped)."""
    rows = (sample[model.unit] != treated).to_numpy()
    sub = sample[rows].reset_index(drop=True)
    controls, codes, names = [], [], []
    for code, u in enumerate(pd.unique(sub[model.unit])):
        d = model.design_for(sub, u, policy_year)
        if d.identified:
            controls.append(d)
            codes.append(code)
            names.append(u)
    if not controls:
        raise ValueError("no control unit has an identified assignment")
    return ControlsTest(
        controls,
        codes,
        names,
        model.design_for(sample, treated, policy_year),
        unit_code(sample, treated, model.unit),
        rows,
        studentize,
    )
