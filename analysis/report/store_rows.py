"""Rows of the estimates store as prose reads them: select a table's rows, keep the usable ones, test p.

The lowest layer of the report package: `verdicts`, `tallies` and `sentences` read the estimates file
(`analysis.estimation.estimates`) through these functions.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.core.config import ALPHA


def num(x: float) -> str:
    """A coefficient for prose: three decimals, typographic minus."""
    return f"{x:.3f}".replace("-", "−")


def truthy(value) -> bool:
    """An `identified`-style flag read from CSV text or a bool; NaN is False."""
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes"}
    return bool(value) and not (isinstance(value, float) and math.isnan(value))


def rows_for(estimates: pd.DataFrame | None, table: str, term: str | None = None, columns=None) -> pd.DataFrame:
    """Rows of one table (and term, columns) from the estimates file, in the order of `columns`."""
    if estimates is None or estimates.empty or "table" not in estimates:
        return pd.DataFrame(columns=["table", "column", "term", "estimate", "se", "p", "identified", "note"])
    hit = estimates[estimates["table"] == table]
    if term is not None:
        hit = hit[hit["term"] == term]
    if columns is not None:
        order = {c: i for i, c in enumerate(columns)}
        hit = hit[hit["column"].isin(columns)]
        hit = hit.assign(_o=hit["column"].map(order)).sort_values("_o").drop(columns="_o")
    return hit.reset_index(drop=True)


def usable(rows: pd.DataFrame) -> pd.DataFrame:
    """Identified rows with a finite estimate."""
    if rows.empty:
        return rows
    ok = rows["identified"].map(truthy) & pd.to_numeric(rows["estimate"], errors="coerce").notna()
    return rows[ok].reset_index(drop=True)


def significant(row, alpha: float = ALPHA) -> bool:
    """p < alpha; an undefined p (no sampling variation) is not significant."""
    p = pd.to_numeric(row["p"], errors="coerce")
    return bool(p < alpha) if not pd.isna(p) else False


def fmt_p(p) -> str:
    p = pd.to_numeric(p, errors="coerce")
    if pd.isna(p):
        return "p undefined"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def fmt_estimate(row) -> str:
    """'0.712 (SE 0.210, p = 0.030)', or 'not identified (reason)'."""
    if not truthy(row["identified"]) or pd.isna(pd.to_numeric(row["estimate"], errors="coerce")):
        note = str(row.get("note", "") or "").strip()
        return note if note.lower().startswith("not identified") else f"not identified ({note or 'no reason given'})"
    se = pd.to_numeric(row["se"], errors="coerce")
    se_text = "SE undefined" if pd.isna(se) else f"SE {se:.3f}"
    return f"{num(float(row['estimate']))} ({se_text}, {fmt_p(row['p'])})"
