"""The book's knobs, in one place: every chapter, the pipeline, the CLI defaults and the benchmarks read
them from here (never retype them).

Change a value here and the chapters that use it re-run on the next build.
"""

from __future__ import annotations

#: The year the rare-earth mining total-quantity control (quota) took effect: treatment starts here.
POLICY_YEAR = 2006
#: The panel's years (the paper's sample, 1999-2022).
FIRST_YEAR, LAST_YEAR = 1999, 2022
#: The mineral whose price the quota targets, and the CPI base year of the deflator.
TREATED = "rare_earths"
DEFLATOR_BASE_YEAR = 1999
#: Random seed of every simulation and placebo draw, and the number of placebo draws (the paper: 500).
SEED = 20060101
N_PLACEBO = 500
#: Simulated panels for the size of the cluster-robust test on this design.
N_SIZE_SIMULATIONS = 2000
#: Significance level every verdict is judged at.
ALPHA = 0.05
#: Design-based inference (chapter "What one treated mineral can tell us"): replications per scenario of
#: the size and power simulation, replications per seeded chunk, joblib workers (-1: every local core),
#: the tolerance above the nominal level a test's measured size may have and still count as holding its
#: size, the fewest observed treated years on each side of an admissible placebo start year, and the
#: block length (years) of the residual block bootstrap.
N_SIMULATIONS = 300
SIM_CHUNK = 100
N_JOBS = -1
SIZE_TOLERANCE = 0.025
MIN_SIDE_YEARS = 1
BLOCK_YEARS = 4
