"""The paper's reported numbers (data/paper/reported_values.csv), typed in once from the seed."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.core.paths import DATA

REPORTED = DATA / "paper" / "reported_values.csv"
VARIABLES = DATA / "paper" / "table1_variables.csv"


@lru_cache(maxsize=8)
def _read(path: Path, mtime_ns: int) -> pd.DataFrame:
    """The file as read once per (path, modification time); callers get copies."""
    return pd.read_csv(path)


def reported(table: str | None = None, path: Path = REPORTED) -> pd.DataFrame:
    """All reported values, or those of one table ('table2' ... 'table7', 'text')."""
    path = Path(path)
    frame = _read(path, path.stat().st_mtime_ns)
    return frame.copy() if table is None else frame[frame["table"] == table].reset_index(drop=True)


def _match(frame: pd.DataFrame, table: str | None, column: str | None, row: str, statistic: str) -> pd.DataFrame:
    hit = frame[(frame["row"] == row) & (frame["statistic"] == statistic)]
    if table is not None and "table" in hit.columns:
        hit = hit[hit["table"] == table]
    if column is not None:
        hit = hit[hit["column"] == column]
    return hit


def lookup(
    frame: pd.DataFrame | None, table: str | None, column: str | None, row: str, statistic: str = "coef", default=None
):
    """One value of `frame` (rows of `reported`), or `default` when it is absent, ambiguous or empty."""
    if frame is None:
        return default
    hit = _match(frame, table, column, row, statistic)
    return float(hit["value"].iloc[0]) if len(hit) == 1 and pd.notna(hit["value"].iloc[0]) else default


def reported_value(table: str, row: str, statistic: str, column: str | None = None, path: Path = REPORTED) -> float:
    """One reported number; raises KeyError naming the cell when it is absent or ambiguous."""
    hit = _match(reported(table, path), None, column, row, statistic)
    if len(hit) != 1:
        raise KeyError(f"{table} row={row} statistic={statistic} column={column}: {len(hit)} matches")
    return float(hit["value"].iloc[0])


def variables(path: Path = VARIABLES) -> pd.DataFrame:
    return pd.read_csv(path)
