"""Synthetic inputs shared by several test modules (importable because pytest puts tests/ on sys.path)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.panel import MINERALS


def user_panel(seed: int = 0, effect: float = 0.5, optional: bool = False) -> pd.DataFrame:
    """A valid user panel (120 mineral-years) in the documented schema, with a planted DID effect."""
    rng = np.random.default_rng(seed)
    rows = []
    for i, m in enumerate(MINERALS):
        for y in range(1999, 2023):
            did = float(m == "rare_earths" and y >= 2006)
            rows.append(
                {
                    "mineral": m,
                    "year": y,
                    "LNPRI": 3 + i + 0.03 * (y - 1999) + effect * did + rng.normal(0, 0.1),
                    "LNGDP": 11 + 0.04 * (y - 1999),
                    "CR4": float(np.clip(0.6 + 0.05 * i + rng.normal(0, 0.02), 0, 1)),
                    "EPU": 100.0 + 3 * (y - 1999),
                }
            )
    frame = pd.DataFrame(rows)
    if optional:
        years = frame["year"] - 1999
        frame = frame.assign(GDPG=3 + np.sin(years), BDI=7 + 0.02 * years, WUI=20000 + 300 * years)
    return frame


def estimate_row(table, column, term, estimate, p=0.01, se=0.1, identified=True, note="", n=106) -> dict:
    """One row of the tidy estimates file (`analysis.estimation.estimates.COLUMNS`), CR1 with 5 clusters."""
    return {
        "table": table,
        "column": column,
        "outcome": "LNPRI",
        "term": term,
        "estimate": estimate,
        "se": se,
        "p": p,
        "n": n,
        "r2": 0.9,
        "df": 4,
        "clusters": 5,
        "identified": identified,
        "note": note,
    }
