"""Time the design-based tests and each simulation of the size-and-power table.

Usage: .venv/bin/python scripts/benchmark_inference.py [--panel _build/data/panel.csv] [--n-sims N] [--jobs J]

Prints, for the baseline DID on the panel (a simulated 5-mineral panel if the file is absent): the
time of every test on the data (with its confidence set), the time per 100 simulated outcomes of
every test, and the wall time of each scenario of `simulate.size_power` with `--jobs` workers
(default: config.N_JOBS) at `--n-sims` replications (default: config.N_SIMULATIONS).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from analysis.core import config  # noqa: E402
from analysis.estimation.inference import simulate, suite  # noqa: E402
from analysis.estimation.inference.assignment import Model  # noqa: E402
from analysis.estimation.simulate import simulate_panel  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--panel", default="_build/data/panel.csv")
    ap.add_argument("--n-sims", type=int, default=config.N_SIMULATIONS)
    ap.add_argument("--jobs", type=int, default=config.N_JOBS)
    args = ap.parse_args()
    if Path(args.panel).is_file():
        panel, what = pd.read_csv(args.panel), args.panel
    else:
        panel = simulate_panel(seed=1).rename(columns={"y": "LNPRI"})
        panel["mineral"] = panel["mineral"].replace({"u00": config.TREATED})
        what = "a simulated 5 × 24 panel"
    print(f"panel: {what}")
    start = time.perf_counter()
    s = suite.build_tests(panel, Model())
    print(f"build every test: {time.perf_counter() - start:.3f} s")
    noise = simulate.NoiseModel.from_data(s, "resampled")
    Y = noise.draw(np.random.default_rng(0), 100)
    print(f"{'test':<16}{'on the data + inversion (s)':>30}{'per 100 simulated outcomes (s)':>34}")
    for name, test in s.tests.items():
        t0 = time.perf_counter()
        suite.run(suite.Suite(s.model, s.sample, s.real, s.d, {name: test}, {name: s.sizes[name]}))
        t1 = time.perf_counter()
        test.pvalues(Y)
        t2 = time.perf_counter()
        print(f"{name:<16}{t1 - t0:>30.3f}{t2 - t1:>34.3f}")
    print(
        f"\nsize and power, {args.n_sims} replications per scenario, chunks of {config.SIM_CHUNK}, "
        f"n_jobs = {args.jobs}:"
    )
    total = 0.0
    scenarios = [(f"size: {k}", k, 0.0) for k in simulate.KINDS] + [
        (f"power: {k}", k, 0.648) for k in simulate.KINDS[1:]
    ]
    for column, kind, tau in scenarios:
        t0 = time.perf_counter()
        simulate.simulate(s, simulate.NoiseModel.from_data(s, kind), effect=tau, n_sims=args.n_sims, n_jobs=args.jobs)
        dt = time.perf_counter() - t0
        total += dt
        print(f"  {column:<20}{dt:8.2f} s")
    print(f"  {'all scenarios':<20}{total:8.2f} s")


if __name__ == "__main__":
    main()
