"""Which rows are "treated": the real assignment and the alternatives the design-based tests compare it with.

An assignment is a unit and a start year. For the baseline DID the tested regressor is
1[unit = u and year ≥ start]; for an event-study coefficient it is one event-time dummy of that unit
(k = year − start in the term's bin), and the unit's other event-time dummies are partialled out with
the fixed effects. `design_for` turns an assignment into a `Design`; the tests build one per unit
(randomization over units) or per start year (randomization over policy years).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.estimation.inference.design import Design, make_design


@dataclass(frozen=True)
class Model:
    """The regression whose coefficient is tested: outcome, the tested `term`, other regressors kept,
    event-time bins (None for the DID) and the panel's column names."""

    outcome: str = "LNPRI"
    term: str = "DID"
    others: tuple[str, ...] = ()
    bins: tuple[tuple[str, int, int], ...] | None = None  # (name, k_low, k_high) when `term` is an event dummy
    unit: str = "mineral"
    time: str = "year"
    cluster: str = "mineral"

    @property
    def regressors(self) -> tuple[str, ...]:
        """Panel columns that must be observed (the event dummies are built, not read)."""
        return self.others

    def columns(self, sample: pd.DataFrame, unit_value, start: int) -> tuple[np.ndarray, np.ndarray | None]:
        """(tested regressor, other built regressors or None) when `unit_value` is treated from `start`."""
        treated = (sample[self.unit] == unit_value).to_numpy()
        year = sample[self.time].to_numpy()
        if self.bins is None:
            return (treated & (year >= start)).astype(float), None
        k = year - start
        dummies = {name: (treated & (k >= lo) & (k <= hi)).astype(float) for name, lo, hi in self.bins}
        if self.term not in dummies:
            raise KeyError(f"event term {self.term!r} is not one of the bins {list(dummies)}")
        rest = [v for name, v in dummies.items() if name != self.term]
        return dummies[self.term], (np.column_stack(rest) if rest else None)

    def design_for(self, sample: pd.DataFrame, unit_value, start: int) -> Design:
        """The `Design` of this model's term when `unit_value` is treated from `start`."""
        d, extra = self.columns(sample, unit_value, start)
        return make_design(sample, d, self.others, unit=self.unit, time=self.time, cluster=self.cluster, extra=extra)


def event_model(bins: dict[str, tuple[int, int]], term: str, outcome: str = "LNPRI", **kw) -> Model:
    """The `Model` of one event-study coefficient (bins as `event_study.full_bins` returns them)."""
    return Model(outcome=outcome, term=term, bins=tuple((n, lo, hi) for n, (lo, hi) in bins.items()), **kw)


def admissible_starts(
    sample: pd.DataFrame, unit_value, min_side: int, *, unit: str = "mineral", time: str = "year"
) -> list[int]:
    """Start years s with at least `min_side` observed years of `unit_value` before s and from s on."""
    years = np.sort(sample.loc[sample[unit] == unit_value, time].unique())
    return [
        int(s)
        for s in range(int(years.min()), int(years.max()) + 1)
        if (years < s).sum() >= min_side and (years >= s).sum() >= min_side
    ]
