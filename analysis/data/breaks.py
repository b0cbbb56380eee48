"""Breaks of concept, basis, unit or frequency: the documented ones (data/series_breaks.csv, each with
its source) and a mechanical scan of the panel (largest year-to-year changes, runs of identical prices)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core.errors import DataError
from analysis.core.paths import DATA
from analysis.data.oxide_series import FLAT_RUN, flat_years
from analysis.data.panel import MINERAL_LABELS, MINERALS

BREAKS = DATA / "series_breaks.csv"
BREAK_COLUMNS = ["variable", "mineral or series", "years", "kind", "what changes", "how the book handles it", "source"]
KINDS = ("concept", "basis", "unit", "frequency")


def known_breaks(path=BREAKS) -> pd.DataFrame:
    """The documented breaks; DataError naming the file and column if a column is missing or a kind unknown."""
    frame = pd.read_csv(path)
    missing = [c for c in BREAK_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError("series breaks", f"missing column(s) {missing}", path)
    bad = sorted(set(frame["kind"]) - set(KINDS))
    if bad:
        raise DataError("series breaks", f"column 'kind': unknown value(s) {bad}; expected one of {list(KINDS)}", path)
    return frame


def largest_change(series: pd.Series) -> tuple[float, int | None]:
    """The largest absolute change between consecutive calendar years (index: year) and the later year."""
    s = series.dropna().sort_index()
    consecutive = pd.Series(np.diff(s.index), index=s.index[1:]) == 1
    change = s.diff().iloc[1:][consecutive.to_numpy()]
    if change.empty:
        return float("nan"), None
    year = int(change.abs().idxmax())
    return float(change.loc[year]), year


def scan(panel: pd.DataFrame, min_run: int = FLAT_RUN) -> pd.DataFrame:
    """Per mineral: the largest year-to-year change of LNPRI and of CR4 (with its year) and the years
    inside runs of `min_run` or more identical nominal prices (needs `price_nominal`)."""
    rows = []
    for mineral in MINERALS:
        sub = panel[panel["mineral"] == mineral].set_index("year")
        row = {"mineral": MINERAL_LABELS[mineral]}
        for column in ("LNPRI", "CR4"):
            change, year = largest_change(sub[column])
            row[f"largest {column} change"] = f"{change:+.3f} ({year})" if year else ""
        if "price_nominal" in sub.columns:
            flat = flat_years(sub["price_nominal"], min_run)
            row["flat price runs"] = ", ".join(str(y) for y in flat) or "none"
        rows.append(row)
    return pd.DataFrame(rows)
