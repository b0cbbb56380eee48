"""Every test of one coefficient, built once: the cluster-robust t, the paper's placebo read as a test,
and the design-based tests of this package; `run` applies them to the data.

`build_tests(panel, model, …)` returns {test id: Test}; each Test has `label`, `family`, `floor`
(the smallest p-value it can return) and `pvalues(Y)` for an (n × R) outcome matrix aligned with
`Suite.sample`. The same objects serve the data (R = 1), the confidence sets (one column per
hypothesised effect) and the size simulation (one column per replication).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.core import config
from analysis.estimation.inference.assignment import Model
from analysis.estimation.inference.controls import controls_test
from analysis.estimation.inference.design import Design, estimation_sample
from analysis.estimation.inference.inversion import ConfidenceSet, default_grid, invert
from analysis.estimation.inference.randomization import paper_placebo, time_randomization, unit_randomization
from analysis.estimation.inference.wild import WildBootstrap
from analysis.estimation.placebo import draw_fake_treated

LABELS = {
    "cr1": ("cluster-robust", "CR1 cluster-robust t, t(G−1) reference"),
    "paper_placebo": ("placebo", "the paper's placebo procedure read as a test (scattered fake-treated rows)"),
    "ri_unit": ("randomization", "randomization over the treated unit, coefficient"),
    "ri_unit_t": ("randomization", "randomization over the treated unit, studentized by each unit's own variance"),
    "ri_time_all": ("randomization", "randomization over the policy year, every admissible start year"),
    "ri_time_pre": ("randomization", "placebo in time: fake start years inside the pre-policy period"),
    "conley_taber": ("controls", "Conley–Taber: the controls' estimates as the null distribution"),
    "ferman_pinto": ("controls", "Ferman–Pinto: the controls' t-ratios, each unit's own variance"),
    "wcr_rademacher": ("wild bootstrap", "wild cluster bootstrap, restricted, Rademacher (2^G enumerated)"),
    "wcr_webb": ("wild bootstrap", "wild cluster bootstrap, restricted, Webb (6^G enumerated)"),
    "wcu_rademacher": ("wild bootstrap", "wild cluster bootstrap, unrestricted, Rademacher (2^G enumerated)"),
    "wcu_webb": ("wild bootstrap", "wild cluster bootstrap, unrestricted, Webb (6^G enumerated)"),
}

NO_SET = ConfidenceSet(np.nan, np.nan, False, False, False, np.nan, empty=True)


@dataclass
class CR1Test:
    """The cluster-robust t-test every regression table uses (CR1, t(G − 1))."""

    design: Design

    @property
    def floor(self) -> float:
        return 0.0

    def pvalues(self, Y: np.ndarray) -> np.ndarray:
        return self.design.cr1(Y)[2]


@dataclass
class Suite:
    """The tests of one coefficient on one estimation sample."""

    model: Model
    sample: pd.DataFrame
    real: Design
    d: np.ndarray  # the real treatment regressor on the sample rows, before partialling
    tests: dict = field(default_factory=dict)
    sizes: dict = field(default_factory=dict)  # test id -> number of assignments/draws/weights
    skipped: dict = field(default_factory=dict)  # test id -> why it could not be built

    @property
    def y(self) -> np.ndarray:
        return self.sample[self.model.outcome].to_numpy(dtype=float)[:, None]


def build_tests(
    panel: pd.DataFrame,
    model: Model,
    *,
    treated: str = config.TREATED,
    policy_year: int = config.POLICY_YEAR,
    min_side: int = config.MIN_SIDE_YEARS,
    n_placebo: int = config.N_PLACEBO,
    seed: int = config.SEED,
    only: tuple[str, ...] | None = None,
) -> Suite:
    """All tests of `model`'s coefficient (or those in `only`). A test the sample cannot support (e.g. no
    admissible placebo year) is left out and its reason kept in `Suite.skipped`."""
    panel = panel.reset_index(drop=True)
    keep = panel[[model.outcome, *model.regressors]].notna().all(axis=1).to_numpy()
    sample = estimation_sample(panel, model.outcome, model.regressors)
    real = model.design_for(sample, treated, policy_year)
    suite = Suite(model, sample, real, model.columns(sample, treated, policy_year)[0])
    wanted = list(LABELS) if only is None else list(only)
    makers = {
        "cr1": lambda: (CR1Test(real), 1),
        "paper_placebo": lambda: _placebo(sample, model, treated, policy_year, panel, keep, n_placebo, seed),
        "ri_unit": lambda: _sized(unit_randomization(sample, model, treated, policy_year), "designs"),
        "ri_unit_t": lambda: _sized(unit_randomization(sample, model, treated, policy_year, True), "designs"),
        "ri_time_all": lambda: _sized(
            time_randomization(sample, model, treated, policy_year, min_side, "all"), "starts"
        ),
        "ri_time_pre": lambda: _sized(
            time_randomization(sample, model, treated, policy_year, min_side, "pre"), "starts"
        ),
        "conley_taber": lambda: _sized(controls_test(sample, model, treated, policy_year), "controls"),
        "ferman_pinto": lambda: _sized(controls_test(sample, model, treated, policy_year, True), "controls"),
    }
    for name in ("wcr_rademacher", "wcr_webb", "wcu_rademacher", "wcu_webb"):
        weights, restricted = name.split("_")[1], name.startswith("wcr")
        makers[name] = lambda w=weights, r=restricted: (WildBootstrap(real, w, r), None)
    if not real.identified:
        suite.skipped = {name: "the coefficient is not identified" for name in wanted}
        return suite
    for name in wanted:
        try:
            test, size = makers[name]()
        except ValueError as err:
            suite.skipped[name] = str(err)
            continue
        suite.tests[name] = test
        suite.sizes[name] = size if size is not None else test.n_weights
    return suite


def _sized(test, attr: str):
    return test, len(getattr(test, attr))


def _placebo(sample, model, treated, policy_year, panel, keep, n_placebo, seed):
    draws = draw_fake_treated(len(panel), int(panel[model.unit].eq(treated).sum()), n_placebo, seed)
    test = paper_placebo(sample, model, treated, policy_year, draws, len(panel), np.flatnonzero(keep))
    return test, test.D.shape[1]


def run(suite: Suite, alpha: float = config.ALPHA, grid_points: int = 201) -> pd.DataFrame:
    """One row per test: id, family, label, estimate, p, floor, number of assignments/draws, and the
    confidence set by test inversion on `grid_points` effects (low, high, open ends, holes, grid step;
    `grid_points=0`: no confidence set)."""
    y = suite.y
    beta, se, _ = suite.real.cr1(y)
    grid = default_grid(float(beta[0]), float(se[0]), grid_points) if grid_points else None
    rows = []
    for name, test in suite.tests.items():
        family, label = LABELS[name]
        cs = invert(test, y, suite.d, grid, alpha) if grid is not None else NO_SET
        rows.append(
            {
                "test": name,
                "family": family,
                "label": label,
                "estimate": float(beta[0]),
                "p": float(test.pvalues(y)[0]),
                "floor": float(test.floor),
                "n_reference": suite.sizes[name],
                "ci_low": cs.low,
                "ci_high": cs.high,
                "open_low": cs.open_low,
                "open_high": cs.open_high,
                "holes": cs.holes,
                "grid_step": cs.step,
                "ci_text": cs.text(),
            }
        )
    for name, why in suite.skipped.items():
        family, label = LABELS[name]
        rows.append(
            {
                "test": name,
                "family": family,
                "label": label,
                "estimate": float(beta[0]),
                "p": np.nan,
                "floor": np.nan,
                "n_reference": 0,
                "ci_text": f"not available: {why}",
            }
        )
    return pd.DataFrame(rows)
