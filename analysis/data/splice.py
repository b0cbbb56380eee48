"""Splicing two annual price series of the same good on their common years (pure, no I/O).

A splice converts the `old` series to the scale of the `new` one with one ratio, estimated on the
years both cover as the geometric mean of new/old (the mean of the log differences), and then
takes `new` where it exists and `old` × ratio elsewhere. `SpliceFit.overlap` keeps the fit year by
year so a reader sees how well one ratio describes the overlap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class SpliceFit:
    """The ratio new/old estimated on the overlap, and the overlap itself."""

    factor: float  # exp(mean(ln new - ln old)) over the overlap years
    log_sd: float  # standard deviation (N - 1) of ln(new / old) over the overlap; NaN with one year
    overlap: pd.DataFrame  # year, old, new, old_scaled (= old × factor), log_gap (= ln new - ln old_scaled)

    @property
    def years(self) -> list[int]:
        return [int(y) for y in self.overlap["year"]]

    @property
    def max_abs_gap(self) -> float:
        """Largest |ln new − ln(old × factor)| on the overlap: how far one ratio misses in the worst year."""
        return float(self.overlap["log_gap"].abs().max())


def fit_ratio(old: pd.Series, new: pd.Series, years=None) -> SpliceFit:
    """Estimate the splice ratio new/old on the years both series cover (optionally only `years`).

    Both series are indexed by year and must be positive where used. Raises ValueError when they
    share no year, since then no ratio can be estimated.
    """
    common = old.dropna().index.intersection(new.dropna().index)
    if years is not None:
        common = common.intersection(pd.Index(list(years)))
    common = common.sort_values()
    if len(common) == 0:
        raise ValueError("the two series share no year: no splice ratio can be estimated")
    a, b = old.loc[common].astype(float), new.loc[common].astype(float)
    if (a <= 0).any() or (b <= 0).any():
        raise ValueError("splice needs positive values on the overlap")
    gap = np.log(b) - np.log(a)
    factor = float(np.exp(gap.mean()))
    scaled = a * factor
    overlap = pd.DataFrame(
        {
            "year": common.astype(int),
            "old": a.to_numpy(),
            "new": b.to_numpy(),
            "old_scaled": scaled.to_numpy(),
            "log_gap": (np.log(b) - np.log(scaled)).to_numpy(),
        }
    )
    return SpliceFit(factor=factor, log_sd=float(gap.std(ddof=1)) if len(gap) > 1 else float("nan"), overlap=overlap)


def splice(
    old: pd.Series, new: pd.Series, fit: SpliceFit, old_label: str = "old", new_label: str = "new"
) -> pd.DataFrame:
    """One series: `new` where it has a value, else `old` × fit.factor. Columns year, value, source
    (`new_label`, or `old_label` followed by "× <factor>")."""
    new = new.dropna()
    old = old.dropna()
    fill = old.loc[old.index.difference(new.index)] * fit.factor
    out = pd.concat(
        [
            pd.DataFrame({"year": new.index.astype(int), "value": new.to_numpy(dtype=float), "source": new_label}),
            pd.DataFrame(
                {
                    "year": fill.index.astype(int),
                    "value": fill.to_numpy(dtype=float),
                    "source": f"{old_label} × {fit.factor:.4f}",
                }
            ),
        ],
        ignore_index=True,
    )
    return out.sort_values("year").reset_index(drop=True)
