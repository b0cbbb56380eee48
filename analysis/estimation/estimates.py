"""The tidy estimates file: every coefficient the book estimates, one row per table-column-term.

Each estimation chapter saves its rows with `save(tidy(results, table), build_dir, table)` to
`<build>/estimates/<table>.csv`; later chapters (audit, conclusions) read the per-table files with
`load`; after the chapters run, the pipeline gathers them into `<build>/estimates.csv` (one file for
reviewers and the tests).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.core.errors import ReplicationError

COLUMNS = [
    "table",
    "column",
    "outcome",
    "term",
    "estimate",
    "se",
    "p",
    "n",
    "r2",
    "df",
    "clusters",
    "identified",
    "note",
]


def tidy(results: dict, table: str) -> pd.DataFrame:
    """The rows of a whole table: `TwfeResult.tidy` of each column (`results`: column label -> result)."""
    return pd.concat([r.tidy(table, column) for column, r in results.items()], ignore_index=True)


def table_path(build_dir, table: str) -> Path:
    return Path(build_dir) / "estimates" / f"{table}.csv"


def save(frame: pd.DataFrame, build_dir, table: str) -> Path:
    """Write one table's rows (columns COLUMNS; `table` must match); returns the path."""
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"estimates for {table}: missing column(s) {missing}")
    if set(frame["table"]) != {table}:
        raise ValueError(f"estimates for {table}: rows carry table(s) {sorted(set(frame['table']))}")
    path = table_path(build_dir, table)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    frame[COLUMNS].to_csv(tmp, index=False)
    tmp.replace(path)
    return path


def _parts(build_dir) -> list[Path]:
    return sorted((Path(build_dir) / "estimates").glob("*.csv"))


def gather(build_dir) -> Path:
    """Concatenate every `<build>/estimates/*.csv` into `<build>/estimates.csv`; returns its path."""
    out = Path(build_dir) / "estimates.csv"
    load(build_dir, missing_ok=True).to_csv(out, index=False)
    return out


def load(build_dir, table: str | None = None, missing_ok: bool = False) -> pd.DataFrame:
    """All saved estimates (from the per-table files, so it works while chapters still run).

    With no estimates saved yet: an empty frame if `missing_ok`, else a ReplicationError saying so."""
    parts = _parts(build_dir)
    if not parts:
        if missing_ok:
            return pd.DataFrame(columns=COLUMNS)
        raise ReplicationError(f"no estimates in {Path(build_dir) / 'estimates'}: run the estimation chapters first")
    frame = pd.concat([pd.read_csv(p) for p in parts], ignore_index=True)
    return frame if table is None else frame[frame["table"] == table].reset_index(drop=True)


def value(frame: pd.DataFrame, table: str, column: str, term: str, field: str = "estimate") -> float:
    """One number from the estimates; KeyError naming the cell when absent."""
    hit = frame[(frame["table"] == table) & (frame["column"] == column) & (frame["term"] == term)]
    if len(hit) != 1:
        raise KeyError(f"estimates: {table} column={column} term={term}: {len(hit)} rows")
    return float(hit[field].iloc[0])
