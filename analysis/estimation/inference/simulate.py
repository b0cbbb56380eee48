"""Size and power of every test on the actual design, by Monte Carlo, in seeded chunks through joblib.

The design (rows, fixed effects, treatment) is the data's; only the outcome is simulated, as noise
plus a planted effect τ on the treated rows (τ = 0: size; τ = the paper's estimate: power). The fixed
effects' values do not matter (every test partials them out), so the outcome is the noise itself.
Noise processes (`NoiseModel.from_data` estimates their parameters from the model's residuals):

* `iid` — N(0, 1) on every row: the most favourable case for the cluster-robust test.
* `ar1` — each unit an AR(1) series with the pooled first-order autocorrelation of the residuals and
  the unit's own residual standard deviation (so a noisier treated unit stays noisier).
* `resampled` — each unit's own residual series, circular-block resampled (blocks of `block` years),
  which keeps its scale and short-run serial correlation without assuming a distribution.

Replications are split into chunks of `chunk` columns; chunk c draws from
`numpy.random.default_rng([seed, c])`, so the numbers depend on the seed and the chunk size but not
on how many workers run them. `joblib.Parallel` runs the chunks on `n_jobs` local workers (default
`config.N_JOBS`, every core), preferring threads: numpy releases the GIL in this arithmetic, and a
process pool's start-up (measured ~7 s here, mostly imports) would cost more than the default
simulation itself. A user who needs millions of replications can send the chunks to a Dask cluster:

    with joblib.parallel_config(backend="dask"):   # after dask.distributed.Client(...)
        rates = simulate(suite, noise, ...)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from analysis.core import config
from analysis.estimation.inference.suite import Suite

KINDS = ("iid", "ar1", "resampled")


@dataclass(frozen=True)
class NoiseModel:
    """How to draw noise on the estimation sample: per-unit rows (in year order), scales and AR(1) ρ."""

    kind: str
    unit_rows: tuple[np.ndarray, ...]  # sample row positions of each unit, in year order
    unit_years: tuple[np.ndarray, ...]  # their years
    residuals: tuple[np.ndarray, ...]  # each unit's residual series (same order)
    sd: np.ndarray  # each unit's residual standard deviation
    rho: float
    block: int
    n: int

    @classmethod
    def from_data(cls, suite: Suite, kind: str, block: int = config.BLOCK_YEARS) -> "NoiseModel":
        if kind not in KINDS:
            raise ValueError(f"noise kind must be one of {KINDS}, not {kind!r}")
        s, m = suite.sample, suite.model
        e = suite.real.resid(suite.y)[:, 0]
        rows, years, res = [], [], []
        for u in pd.unique(s[m.unit]):
            idx = np.flatnonzero((s[m.unit] == u).to_numpy())
            idx = idx[np.argsort(s[m.time].to_numpy()[idx])]
            rows.append(idx)
            years.append(s[m.time].to_numpy()[idx])
            res.append(e[idx])
        return cls(
            kind,
            tuple(rows),
            tuple(years),
            tuple(res),
            np.array([r.std(ddof=1) for r in res]),
            pooled_rho(years, res),
            block,
            len(s),
        )

    def draw(self, rng: np.random.Generator, R: int) -> np.ndarray:
        """(n × R) noise."""
        if self.kind == "iid":
            return rng.standard_normal((self.n, R))
        out = np.empty((self.n, R))
        for rows, years, res, sd in zip(self.unit_rows, self.unit_years, self.residuals, self.sd):
            out[rows] = (
                ar1(rng, years, self.rho, sd, R) if self.kind == "ar1" else block_resample(rng, res, self.block, R)
            )
        return out


def pooled_rho(years, residuals) -> float:
    """First-order autocorrelation of residuals, pooled over units, from consecutive observed years."""
    num = den = 0.0
    for y, e in zip(years, residuals):
        consecutive = np.diff(y) == 1
        num += float((e[1:] * e[:-1])[consecutive].sum())
        den += float((e[:-1] ** 2)[consecutive].sum())
    return float(np.clip(num / den, -0.95, 0.95)) if den > 0 else 0.0


def ar1(rng: np.random.Generator, years: np.ndarray, rho: float, sd: float, R: int) -> np.ndarray:
    """A stationary AR(1) with standard deviation `sd` over the calendar span of `years`, read at `years`."""
    span = int(years.max() - years.min()) + 1
    eps = rng.standard_normal((span, R))
    x = np.empty((span, R))
    x[0] = eps[0]
    for t in range(1, span):
        x[t] = rho * x[t - 1] + np.sqrt(1 - rho**2) * eps[t]
    return sd * x[years - years.min()]


def block_resample(rng: np.random.Generator, series: np.ndarray, block: int, R: int) -> np.ndarray:
    """Circular block bootstrap of `series` (length T) into R columns of length T."""
    T = len(series)
    block = max(1, min(block, T))
    n_blocks = -(-T // block)
    starts = rng.integers(0, T, size=(n_blocks, R))
    idx = (starts[:, None, :] + np.arange(block)[None, :, None]) % T  # (blocks, block, R)
    return series[idx.reshape(n_blocks * block, R)[:T]]


def _chunk(
    suite: Suite, noise: NoiseModel, effect: float, seed: int, index: int, size: int, alpha: float
) -> dict[str, int]:
    """Rejection counts of every test in one chunk of `size` replications."""
    rng = np.random.default_rng([seed, index])
    Y = noise.draw(rng, size) + effect * suite.d[:, None]
    return {name: int((test.pvalues(Y) < alpha).sum()) for name, test in suite.tests.items()}


def simulate(
    suite: Suite,
    noise: NoiseModel,
    *,
    effect: float = 0.0,
    n_sims: int = config.N_SIMULATIONS,
    seed: int = config.SEED,
    chunk: int = config.SIM_CHUNK,
    alpha: float = config.ALPHA,
    n_jobs: int | None = config.N_JOBS,
) -> pd.DataFrame:
    """Rejection rate at `alpha` of every test of `suite`: columns test, rate, mc_se, n_sims.

    `n_sims` is rounded up to whole chunks; chunk c always uses seed [seed, c]."""
    n_chunks = -(-n_sims // chunk)
    counts = Parallel(n_jobs=n_jobs, prefer="threads")(
        delayed(_chunk)(suite, noise, effect, seed, c, chunk, alpha) for c in range(n_chunks)
    )
    total = n_chunks * chunk
    rate = {name: sum(c[name] for c in counts) / total for name in suite.tests}
    return pd.DataFrame(
        {
            "test": list(rate),
            "rate": list(rate.values()),
            "mc_se": [np.sqrt(r * (1 - r) / total) for r in rate.values()],
            "n_sims": total,
        }
    )


def size_power(
    suite: Suite,
    *,
    effect: float,
    n_sims: int = config.N_SIMULATIONS,
    seed: int = config.SEED,
    chunk: int = config.SIM_CHUNK,
    block: int = config.BLOCK_YEARS,
    alpha: float = config.ALPHA,
    n_jobs: int | None = config.N_JOBS,
) -> pd.DataFrame:
    """The size and power table: one row per test, columns `size: <noise>` for every noise kind and
    `power: <noise>` (effect `effect` planted) for the data-matched kinds (ar1, resampled)."""
    out = None
    scenarios = [(f"size: {k}", k, 0.0) for k in KINDS] + [(f"power: {k}", k, effect) for k in KINDS[1:]]
    for column, kind, tau in scenarios:
        noise = NoiseModel.from_data(suite, kind, block)
        rates = simulate(suite, noise, effect=tau, n_sims=n_sims, seed=seed, chunk=chunk, alpha=alpha, n_jobs=n_jobs)[
            ["test", "rate"]
        ].rename(columns={"rate": column})
        out = rates if out is None else out.merge(rates, on="test")
    return out
