"""The paper's reported numbers (data/paper/reported_values.csv), typed in once from the seed."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .paths import DATA

REPORTED = DATA / "paper" / "reported_values.csv"
VARIABLES = DATA / "paper" / "table1_variables.csv"


def reported(table: str | None = None, path: Path = REPORTED) -> pd.DataFrame:
    """All reported values, or those of one table ('table2' ... 'table7', 'text')."""
    frame = pd.read_csv(path)
    return frame if table is None else frame[frame["table"] == table].reset_index(drop=True)


def reported_value(table: str, row: str, statistic: str, column: str | None = None, path: Path = REPORTED) -> float:
    """One reported number; raises KeyError naming the cell when it is absent or ambiguous."""
    frame = reported(table, path)
    hit = frame[(frame["row"] == row) & (frame["statistic"] == statistic)]
    if column is not None:
        hit = hit[hit["column"] == column]
    if len(hit) != 1:
        raise KeyError(f"{table} row={row} statistic={statistic} column={column}: {len(hit)} matches")
    return float(hit["value"].iloc[0])


def variables(path: Path = VARIABLES) -> pd.DataFrame:
    return pd.read_csv(path)
