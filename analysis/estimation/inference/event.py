"""Design-based tests of every coefficient of an event study (one treated unit).

Each event-time coefficient is tested as its own single-coefficient model (`assignment.event_model`):
the unit's other event-time dummies are partialled out with the fixed effects, so the coefficient,
its CR1 SE and every test are those of the full event-study regression. Randomization over policy
years is left out here: moving the start year moves every event-time dummy at once, so there is no
"same coefficient" to compare across start years.
"""

from __future__ import annotations

import pandas as pd

from analysis.core import config
from analysis.estimation.inference.assignment import event_model
from analysis.estimation.inference.suite import build_tests, run

EVENT_TESTS = (
    "cr1",
    "ri_unit",
    "ri_unit_t",
    "conley_taber",
    "ferman_pinto",
    "wcr_rademacher",
    "wcr_webb",
    "wcu_rademacher",
    "wcu_webb",
)


def event_path_tests(
    panel: pd.DataFrame,
    bins: dict[str, tuple[int, int]],
    *,
    outcome: str = "LNPRI",
    tests: tuple[str, ...] = EVENT_TESTS,
    treated: str = config.TREATED,
    policy_year: int = config.POLICY_YEAR,
    grid_points: int = 0,
) -> pd.DataFrame:
    """`suite.run` rows for every coefficient of the event study with `bins`, with a `coefficient` column."""
    parts = []
    for term in bins:
        suite = build_tests(
            panel, event_model(bins, term, outcome), only=tests, treated=treated, policy_year=policy_year
        )
        parts.append(run(suite, grid_points=grid_points).assign(coefficient=term))
    return pd.concat(parts, ignore_index=True)
