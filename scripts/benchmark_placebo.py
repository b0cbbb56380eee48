"""Time the vectorised (FWL) placebo against the statsmodels loop, for 500 and 10,000 draws.

Usage: .venv/bin/python scripts/benchmark_placebo.py [--panel _build/data/panel.csv] [--loop-max 500]

The loop is timed for at most --loop-max draws; for larger counts its time is extrapolated linearly
from that measurement (stated in the output). Both are checked to give the same coefficients.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from analysis.estimation import placebo
from analysis.estimation.simulate import simulate_panel  # noqa: E402


def timed(fn, *args, repeat: int = 1):
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn(*args)
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--panel", default="_build/data/panel.csv")
    ap.add_argument("--loop-max", type=int, default=500)
    ap.add_argument("--seed", type=int, default=20060101)
    args = ap.parse_args()
    if Path(args.panel).is_file():
        panel, what = pd.read_csv(args.panel), args.panel
    else:
        panel = simulate_panel(n_units=5, n_treated=1, seed=0).rename(columns={"y": "LNPRI"})
        what = "simulated 5 × 24 panel (no panel file found)"
    n_fake = int(panel["treat"].sum())
    print(
        f"panel: {what}; {len(panel)} rows, {int(panel['LNPRI'].notna().sum())} with LNPRI; "
        f"{n_fake} fake-treated per draw"
    )
    loop_rate = None
    for n in (500, 10_000):
        draws = placebo.draw_fake_treated(len(panel), n_fake, n, args.seed)
        t_fast, fast = timed(placebo.placebo_vectorised, panel, draws, repeat=3)
        m = min(n, args.loop_max)
        if loop_rate is None or m == n:
            t_loop_m, slow = timed(placebo.placebo_loop, panel, draws[:m])
            loop_rate = t_loop_m / m
            gap = np.nanmax(np.abs(fast["estimate"].to_numpy()[:m] - slow["estimate"].to_numpy()))
            print(f"  check on {m} draws: max |vectorised − loop| coefficient difference = {gap:.1e}")
        t_loop = loop_rate * n
        how = "measured" if m == n else f"extrapolated from {args.loop_max} measured draws"
        print(
            f"{n:>6} draws: vectorised {t_fast:8.4f} s | loop {t_loop:8.2f} s ({how}) | "
            f"loop / vectorised = {t_loop / t_fast:,.0f}×"
        )


if __name__ == "__main__":
    main()
