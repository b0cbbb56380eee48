"""Simulated mineral-year panels with known treatment effects, for tests, examples and benchmarks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core import config


def simulate_panel(
    n_units: int = 5,
    years: range = range(1999, 2023),
    *,
    n_treated: int = 1,
    policy_year: int = config.POLICY_YEAR,
    effect: float | dict[int, float] = 0.5,
    noise: float = 0.1,
    seed: int = 0,
) -> pd.DataFrame:
    """A simulated mineral-year panel with a KNOWN treatment effect, for tests and examples.

    y = unit effect + year effect + 0.3·X + effect(t − policy_year)·treat·1[t ≥ policy_year] (or, when
    `effect` is a dict relative-year -> effect, that effect in every relative year listed, before or
    after the policy) + N(0, noise²). Units u00..: the first `n_treated` are treated. Columns: mineral,
    id, year, treat, post, DID, y, X (a unit-year control), G (a year-level "global" variable).
    """
    rng = np.random.default_rng(seed)
    units = [f"u{i:02d}" for i in range(n_units)]
    years = list(years)
    frame = pd.DataFrame([(u, i + 1, t) for i, u in enumerate(units) for t in years], columns=["mineral", "id", "year"])
    frame["treat"] = (frame["id"] <= n_treated).astype(int)
    frame["post"] = (frame["year"] >= policy_year).astype(int)
    frame["DID"] = frame["treat"] * frame["post"]
    unit_fx = dict(zip(units, rng.normal(0, 1, n_units)))
    year_fx = dict(zip(years, np.cumsum(rng.normal(0, 0.2, len(years)))))
    frame["G"] = frame["year"].map(dict(zip(years, rng.normal(0, 1, len(years)))))
    frame["X"] = rng.normal(0, 1, len(frame))
    if isinstance(effect, dict):
        tau = frame["treat"] * (frame["year"] - policy_year).map(effect).fillna(0.0)
    else:
        tau = effect * frame["DID"]
    frame["y"] = (
        frame["mineral"].map(unit_fx)
        + frame["year"].map(year_fx)
        + 0.3 * frame["X"]
        + tau
        + rng.normal(0, noise, len(frame))
    )
    return frame
