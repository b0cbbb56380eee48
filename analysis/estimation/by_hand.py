"""The two-way fixed-effects DID by hand: demean, then least squares — for readers who want to see the
regression `twfe.fit_twfe` runs, in a dozen lines of numpy and pandas.

Frisch–Waugh–Lovell: the coefficients on the regressors of interest in a regression that also holds
mineral and year dummies equal those of a regression of the outcome, with the dummies partialled out,
on the regressors with the dummies partialled out. Partialling out both sets of dummies is "two-way
demeaning". In a balanced panel one pass (subtract the mineral mean, then the year mean) does it;
in an unbalanced panel one pass is not exact, so `demean` repeats the two subtractions until nothing
changes (alternating projections, which converge to the exact projection).

Point estimates only: the standard errors (cluster-robust, CR1) stay with `twfe.fit_twfe`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TOLERANCE = 1e-14  # stop when one round moves no value by more than this (times the data's scale)
MAX_ROUNDS = 10_000


def demean(frame: pd.DataFrame, unit: pd.Series, time: pd.Series) -> pd.DataFrame:
    """`frame` minus its unit and time means: the residual of a regression of each
    column on unit and time dummies. Alternating projections: subtract the unit
    means, then the time means, and repeat until no value moves by more than
    TOLERANCE (times the data's scale); RuntimeError after MAX_ROUNDS rounds."""
    out = frame.astype(float)
    scale = max(out.abs().max().max(), 1.0)
    for _ in range(MAX_ROUNDS):
        before = out
        out = out - out.groupby(unit).transform("mean")
        out = out - out.groupby(time).transform("mean")
        if (out - before).abs().max().max() < TOLERANCE * scale:
            return out
    raise RuntimeError(f"two-way demeaning did not converge in {MAX_ROUNDS} rounds")


def did_by_hand(panel: pd.DataFrame, outcome: str, regressors: list[str]) -> pd.Series:
    """Two-way fixed-effects coefficients of `regressors` (mineral and year effects):
    demean, then least squares, on the rows where the outcome and every regressor
    are observed (as `fit_twfe`). Pass identified regressors only: a year-level
    variable is all zeros once demeaned. Returns regressor -> coefficient."""
    sample = panel.dropna(subset=[outcome, *regressors])
    if sample.empty:
        raise ValueError(f"no complete rows for {outcome} ~ {regressors}")
    y = demean(sample[[outcome]], sample["mineral"], sample["year"])
    x = demean(sample[regressors], sample["mineral"], sample["year"])
    coef, *_ = np.linalg.lstsq(x.to_numpy(), y[outcome].to_numpy(), rcond=None)
    return pd.Series(coef, index=regressors, name=outcome)


def balanced_rows(panel: pd.DataFrame, outcome: str, *, unit: str = "mineral", time: str = "year") -> pd.DataFrame:
    """The rows of the years in which `outcome` is observed for every unit that has it at all: the
    largest balanced panel made of whole years (on which the DID of means equals the two-way DID)."""
    rows = panel.dropna(subset=[outcome])
    complete = rows.groupby(time)[unit].transform("nunique") == rows[unit].nunique()
    return rows[complete]
