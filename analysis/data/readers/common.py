"""What every reader shares: one-line DataErrors naming input and file, unit checks, guarded parsing."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from analysis.core.errors import DataError
from analysis.data.manifest import Source


def fail(src: Source, msg: str, path: Path | None = None):
    raise DataError(src.id, msg, path or src.file)


def check_unit(src: Source, series: str, printed: str, path: Path) -> None:
    expected = src.unit(series)
    if expected.lower() not in str(printed).lower():
        fail(
            src,
            f"series '{series}': unit printed in the file is '{printed}', manifest expects '{expected}' "
            "(wrong units or a changed file layout)",
            path,
        )


def read_excel(src: Source, path: Path, **kw) -> pd.DataFrame:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pd.read_excel(path, **kw)
    except Exception as exc:
        fail(src, f"cannot parse as a spreadsheet ({type(exc).__name__}: {exc})", path)


def read_csv(src: Source, path: Path, **kw) -> pd.DataFrame:
    try:
        return pd.read_csv(path, **kw)
    except Exception as exc:
        fail(src, f"cannot parse as CSV ({type(exc).__name__}: {exc})", path)


def require_columns(src: Source, frame: pd.DataFrame, columns, path: Path) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        fail(src, f"column(s) {missing} not found (have {list(frame.columns)[:12]}...)", path)


def numeric_or_fail(src: Source, values: pd.Series, column: str, path: Path, missing=("NA", "")) -> pd.Series:
    """`values` as numbers; a cell that is neither a number nor a missing-value marker is an error naming the column."""
    text = values.astype(str).str.strip().str.replace(",", "", regex=False)
    number = pd.to_numeric(text, errors="coerce")
    bad = values[number.isna() & values.notna() & ~text.isin(missing)]
    if len(bad):
        fail(src, f"column '{column}': {len(bad)} non-numeric value(s), e.g. {list(bad.head(3))}", path)
    return number


def production(series, year, country, quantity, is_total=False) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "series": series,
            "year": year,
            "country": country,
            "quantity": pd.to_numeric(quantity, errors="coerce"),
            "is_total": is_total,
        }
    )
