"""Descriptive counts of the estimates for prose: signs and cluster-robust p-values, event-time paths.

A `Tally` says how many identified estimates have the paper's sign and how many of those have p < α by
their own (cluster-robust) p-values. These counts describe; they decide no verdict (`verdicts` does,
on tests that hold their size).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from analysis.core.config import ALPHA
from analysis.data.oxide_inputs import label
from analysis.estimation import oxides, specs
from analysis.estimation.event_study import PAPER_TERMS, relative_year
from analysis.report.store_rows import num, rows_for, significant, usable

# Descriptive labels of the cluster-robust tallies (`Tally.verdict`): what the CR1 p-values alone would say.
TALLY_LABELS = {
    "supported": "every identified estimate has the paper's sign and p < 0.05",
    "partly supported": "some identified estimates have the paper's sign and p < 0.05, not all",
    "direction only": "every identified estimate has the paper's sign, none has p < 0.05",
    "contradicted": "none has the paper's sign with p < 0.05, and some have the opposite sign with p < 0.05",
    "not supported": "no estimate has p < 0.05, and some have the opposite sign",
    "not estimable": "no identified estimate exists in this build",
}


# the groups C4 compares: light oxides as Pr/Nd or La/Ce products, and the heavy oxides (Dy, Tb)
OXIDE_GROUPS = {"Nd2O3": "PrNd", "CeO2": "LaCe", "La2O3": "LaCe", "PrNd": "PrNd", "Dy2O3": "heavy", "Tb4O7": "heavy"}


# Table 7 column label -> (name in prose, as the tables print it: Nd₂O₃, Pr-Nd oxide; group)
OXIDES = {col: (label(col.split(" ", 1)[1]), OXIDE_GROUPS[code]) for code, col in oxides.COLUMNS.items()}


EVENT_PRE = [t for t, k in PAPER_TERMS.items() if k < 0]


EVENT_POST = [t for t, k in PAPER_TERMS.items() if k >= 0]


TABLE3_FE = [c for c, s in specs.TABLE3.items() if s.unit_fe and s.year_fe]  # the columns with fixed effects


TABLE5 = list(specs.TABLE5)


@dataclass(frozen=True)
class Tally:
    """Identified estimates; those with the paper's sign; those with it and p < α; opposite sign and p < α."""

    n: int
    same_sign: int
    significant: int
    opposite_significant: int = 0

    @property
    def verdict(self) -> str:
        if self.n == 0:
            return "not estimable"
        if self.significant == self.n:
            return "supported"
        if self.significant > 0:
            return "partly supported"
        if self.opposite_significant > 0:
            return "contradicted"
        if self.same_sign == self.n:
            return "direction only"
        return "not supported"


def tally(rows: pd.DataFrame, sign: int = 1, alpha: float = ALPHA) -> Tally:
    """Count the identified estimates, those with `sign`, those with `sign` and p < alpha, and the
    opposite-signed ones with p < alpha."""
    ok = usable(rows)
    signs = [0 if float(r["estimate"]) == 0 else math.copysign(1, float(r["estimate"])) for _, r in ok.iterrows()]
    sig = [significant(r, alpha) for _, r in ok.iterrows()]
    return Tally(
        len(ok),
        sum(s == sign for s in signs),
        sum(s == sign and g for s, g in zip(signs, sig)),
        sum(s == -sign and g for s, g in zip(signs, sig)),
    )


def combine(*tallies: Tally) -> Tally:
    return Tally(
        *(sum(getattr(t, f) for t in tallies) for f in ("n", "same_sign", "significant", "opposite_significant"))
    )


def event_path(est, table: str, column: str = "(1)") -> pd.DataFrame:
    """The event-time rows of one column of `table` with their relative year `k`, in order of k."""
    rows = rows_for(est, table, columns=[column])
    k = rows["term"].map(relative_year)
    return rows[k.notna()].assign(k=k[k.notna()].astype(int)).sort_values("k").reset_index(drop=True)


def path_change(earlier: float, later: float) -> str:
    """How an event-time coefficient moves from `earlier` to `later`, read from sign and absolute size.

    'Larger' alone would mislead for negative values (−0.4 is above −1.1 but the gap has shrunk), so
    the phrase names the sign and says whether the absolute size grows or shrinks."""
    a, b = num(earlier), num(later)
    if earlier > 0 and later > 0:
        return (
            f"grows from {a} to {b}"
            if later > earlier
            else (f"shrinks from {a} to {b}" if later < earlier else f"stays at {a}")
        )
    if earlier < 0 and later < 0:
        if abs(later) < abs(earlier):
            return f"stays negative but shrinks in absolute value, from {a} to {b} (less negative)"
        if abs(later) > abs(earlier):
            return f"stays negative and grows in absolute value, from {a} to {b} (more negative)"
        return f"stays at {a}"
    if earlier < 0 < later:
        return f"turns from negative ({a}) to positive ({b})"
    if later < 0 < earlier:
        return f"turns from positive ({a}) to negative ({b})"
    return f"moves from {a} to {b}"


def rising_effect(earlier: float, later: float) -> bool:
    """The paper's C2 pattern between two event-time coefficients: the later one positive and larger."""
    return later > 0 and later > earlier
