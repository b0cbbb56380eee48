"""Read a user's CSV (a panel or oxide prices) and report every problem at once.

Each problem is one line naming the file, the row as the user numbers it (the header is line 1,
so the first data row is row 2, as a spreadsheet or `nl` shows it), the column and the value.
Nothing here knows the panel's meaning: callers declare columns with `Column` and add their own
checks through `Problems`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.core.errors import FileProblems

SEPARATORS = {";": "semicolon ';'", "\t": "tab", "|": "vertical bar '|'"}
MAX_SHOWN = 25  # problems printed; the rest are counted


class Problems:
    """Collects one-line problems about one file; `raise_if_any` raises them all together."""

    def __init__(self, path: Path, what: str):
        self.path, self.what, self.lines = Path(path), what, []

    def add(self, message: str, row: int | None = None, column: str | None = None, value=None) -> None:
        where = [f"row {row}"] if row is not None else []
        if column is not None:
            where.append(f"column '{column}'")
        if value is not None:
            where.append(f"value {value!r}")
        self.lines.append(f"{self.path}: {', '.join(where) + ': ' if where else ''}{message}")

    def raise_if_any(self) -> None:
        if self.lines:
            shown = self.lines[:MAX_SHOWN]
            if len(self.lines) > MAX_SHOWN:
                shown.append(f"{self.path}: ... and {len(self.lines) - MAX_SHOWN} more problem(s)")
            raise FileProblems(self.what, shown)


def row_of(index) -> int:
    """The user's row number of a frame index (header = row 1)."""
    return int(index) + 2


def read_user_csv(path, what: str) -> pd.DataFrame:
    """Every cell as text, indexed so that `row_of(index)` is the user's row; blank lines dropped.

    Raises FileProblems for a missing, empty, binary or non-comma-separated file, or a ragged row.
    """
    path = Path(path)
    problems = Problems(path, what)
    if not path.exists():
        problems.add("file not found")
    elif path.is_dir():
        problems.add("is a directory, not a CSV file")
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            problems.add(f"not UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV")
            text = None
        except OSError as exc:
            problems.add(f"cannot read: {exc.strerror}")
            text = None
        if text is not None and not text.strip():
            problems.add("file is empty")
        elif text is not None:
            header = text.splitlines()[0]
            other = [name for sep, name in SEPARATORS.items() if sep in header]
            if "," not in header and other:
                problems.add(f"columns are separated by {other[0]}, not commas; save it as a comma-separated CSV")
    problems.raise_if_any()
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, ValueError) as exc:
        problems.add(f"not a valid CSV: {str(exc).strip().splitlines()[-1]}")
        problems.raise_if_any()
    frame.columns = [str(c).strip() for c in frame.columns]
    blank = frame.apply(lambda r: all(not str(v).strip() for v in r), axis=1) if len(frame) else []
    return frame[~pd.Series(blank, index=frame.index, dtype=bool)] if len(frame) else frame


MISSING = {"", "na", "nan", "n/a", "null", "none", "."}


@dataclass(frozen=True)
class Column:
    """How to read one column: kind 'text' | 'year' | 'number'; `choices` for text, `low`/`high`
    bounds for years and numbers (`low_open`: strictly above low), `required` = no missing values."""

    kind: str = "number"
    choices: tuple = ()
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    required: bool = False


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def convert(frame: pd.DataFrame, columns: dict[str, Column], problems: Problems) -> pd.DataFrame:
    """Typed copy of the declared columns present in `frame`; every bad cell becomes a problem."""
    out = pd.DataFrame(index=frame.index)
    for name, col in columns.items():
        if name not in frame.columns:
            continue
        values = []
        for idx, raw in frame[name].items():
            text = str(raw).strip()
            row = row_of(idx)
            if text.lower() in MISSING:
                if col.required:
                    problems.add("missing value", row, name, raw)
                values.append(None if col.kind == "text" else math.nan)
                continue
            if col.kind == "text":
                if col.choices and text not in col.choices:
                    problems.add(f"unknown value; expected one of {', '.join(col.choices)}", row, name, raw)
                    text = None
                values.append(text)
                continue
            number = _number(text)
            if number is None or math.isnan(number):
                problems.add("not a year" if col.kind == "year" else "not a number", row, name, raw)
            elif math.isinf(number):
                problems.add("infinite value; use an empty cell for a missing value", row, name, raw)
            elif col.kind == "year" and number != int(number):
                problems.add("not a whole year", row, name, raw)
            elif (col.low is not None and (number <= col.low if col.low_open else number < col.low)) or (
                col.high is not None and number > col.high
            ):
                lo = f"{'>' if col.low_open else '≥'} {col.low:g}" if col.low is not None else ""
                hi = f"≤ {col.high:g}" if col.high is not None else ""
                problems.add(f"out of range (must be {' and '.join(b for b in (lo, hi) if b)})", row, name, raw)
            else:
                values.append(int(number) if col.kind == "year" else number)
                continue
            values.append(None if col.kind == "year" else math.nan)
        out[name] = pd.Series(values, index=frame.index, dtype=object if col.kind != "number" else float)
    return out


def missing_columns(frame: pd.DataFrame, required, optional, problems: Problems) -> bool:
    """Add one problem if required columns are absent; True when all are there."""
    missing = [c for c in required if c not in frame.columns]
    if missing:
        problems.add(
            f"missing required column(s) {', '.join(missing)} (found: {', '.join(map(str, frame.columns))}; "
            f"required: {', '.join(required)}; optional: {', '.join(optional)})"
        )
    return not missing


def duplicates(frame: pd.DataFrame, keys: list[str], problems: Problems) -> None:
    """One problem per repeated key, listing the user's rows."""
    known = frame.dropna(subset=keys)
    for key, grp in known[known.duplicated(keys, keep=False)].groupby(keys, sort=False):
        rows = ", ".join(str(row_of(i)) for i in grp.index)
        problems.add(
            f"{' '.join(map(str, key))} appears more than once (rows {rows}); keep one row per {'-'.join(keys)}"
        )
