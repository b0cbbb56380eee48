"""Declared schemas (pandera) for the analysis panel; failures become DataError naming file and column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from analysis.core.errors import DataError
from analysis.data.panel import MINERALS, PanelSpec, add_design
from analysis.data.user_files import Column, Problems, convert, duplicates, missing_columns, read_user_csv, row_of

# Columns a user-supplied panel must have (keys + outcome + baseline controls) and may have.
USER_REQUIRED = ["mineral", "year", "LNPRI", "LNGDP", "CR4", "EPU"]
USER_OPTIONAL = ["GDPG", "BDI", "WUI", "price_nominal"]

DICTIONARY = {
    "mineral": "mineral (rare_earths, molybdenum, coal, iron_ore, copper)",
    "id": "mineral id 1-5 (order above)",
    "year": "calendar year",
    "treat": "1 for rare earths (treated group), else 0",
    "post": "1 from the policy year (2006) on, else 0",
    "DID": "treat × post",
    "LNPRI": "ln of the annual price, deflated by US CPI-U (1999 = 1) unless deflate=False",
    "LNGDP": "ln of world GDP at PPP, billions of current international dollars (sum over WEO countries)",
    "CR4": "share of the four largest producing countries in world production (0-1)",
    "EPU": "Global Economic Policy Uncertainty index, annual mean of months (current-price GDP weights)",
    "GDPG": "world real GDP growth, percent",
    "BDI": "ln of the Baltic Dry Index, annual mean of monthly means",
    "WUI": "World Uncertainty Index (global, GDP-weighted), annual mean of quarters",
    "price_nominal": "annual nominal price in the source's unit (see the data chapter)",
}

_share = pa.Check.in_range(0.0, 1.0)
_positive = pa.Check.gt(0)


def panel_schema(spec: PanelSpec = PanelSpec()) -> pa.DataFrameSchema:
    binary = pa.Check.isin([0, 1])
    return pa.DataFrameSchema(
        {
            "mineral": pa.Column(str, pa.Check.isin(list(MINERALS))),
            "id": pa.Column(int, pa.Check.in_range(1, len(MINERALS))),
            "year": pa.Column(int, pa.Check.in_range(spec.first_year, spec.last_year)),
            "treat": pa.Column(int, binary),
            "post": pa.Column(int, binary),
            "DID": pa.Column(int, binary),
            "LNPRI": pa.Column(float, nullable=True),
            "LNGDP": pa.Column(float, nullable=True),
            "CR4": pa.Column(float, _share, nullable=True),
            "EPU": pa.Column(float, _positive, nullable=True),
            "GDPG": pa.Column(float, nullable=True, required=False),
            "BDI": pa.Column(float, nullable=True, required=False),
            "WUI": pa.Column(float, _positive, nullable=True, required=False),
            "price_nominal": pa.Column(float, _positive, nullable=True, required=False),
        },
        checks=[
            pa.Check(lambda d: d["DID"] == d["treat"] * d["post"], error="DID must equal treat × post"),
            pa.Check(
                lambda d: len(d) == len(MINERALS) * (spec.last_year - spec.first_year + 1),
                error=f"panel must have one row per mineral-year, {spec.first_year}-{spec.last_year}",
            ),
        ],
        unique=["mineral", "year"],
        strict=False,
        coerce=True,
    )


def validate_panel(panel: pd.DataFrame, source: str | Path, spec: PanelSpec = PanelSpec()) -> pd.DataFrame:
    """Validate against the panel schema; on failure raise DataError listing column, check and a few cases."""
    try:
        return panel_schema(spec).validate(panel, lazy=True)
    except SchemaErrors as exc:
        raise DataError(
            "panel", "failed validation:\n  - " + "\n  - ".join(schema_failures(exc)[:12]), source
        ) from None


def schema_failures(exc: SchemaErrors) -> list[str]:
    """One line per failed check: frame-level checks with a few row numbers, column checks with examples."""
    cases = exc.failure_cases
    lines = []
    frame_level = cases["schema_context"] == "DataFrameSchema"
    for check, grp in cases[frame_level].groupby("check", sort=False):
        rows = sorted({int(i) for i in grp["index"].dropna()})[:5]
        lines.append(f"{check} (rows {rows})" if rows else str(check))
    for (col, check), grp in cases[~frame_level].groupby(["column", "check"], dropna=False, sort=False):
        sample = ", ".join(str(v) for v in grp["failure_case"].head(3))
        lines.append(f"column '{col}': {check} (e.g. {sample})")
    return lines


def user_panel_columns(spec: PanelSpec = PanelSpec()) -> dict:
    """How each column of a user panel is read (user_files.Column), with its allowed range."""
    binary = Column("number", low=0, high=1)
    return {
        "mineral": Column("text", choices=tuple(MINERALS), required=True),
        "year": Column("year", low=spec.first_year, high=spec.last_year, required=True),
        "LNPRI": Column(),
        "LNGDP": Column(),
        "CR4": Column(low=0, high=1),
        "EPU": Column(low=0, low_open=True),
        "GDPG": Column(),
        "BDI": Column(),
        "WUI": Column(low=0, low_open=True),
        "price_nominal": Column(low=0, low_open=True),
        "treat": binary,
        "post": binary,
        "DID": binary,
    }


def check_user_panel(path: str | Path, spec: PanelSpec = PanelSpec()) -> pd.DataFrame:
    """Read a user-supplied panel CSV and report every problem at once (FileProblems: one line each,
    naming the file, the user's row, the column and the value); returns the typed rows on success."""
    path = Path(path)
    raw = read_user_csv(path, "user panel")
    problems = Problems(path, "user panel")
    if not missing_columns(raw, USER_REQUIRED, USER_OPTIONAL, problems):
        problems.raise_if_any()
    frame = convert(raw, user_panel_columns(spec), problems)
    duplicates(frame, ["mineral", "year"], problems)
    known = frame.dropna(subset=["mineral", "year"])
    want = {(m, y) for m in MINERALS for y in range(spec.first_year, spec.last_year + 1)}
    absent = sorted(want - set(zip(known["mineral"], known["year"])), key=lambda k: (MINERALS.index(k[0]), k[1]))
    if absent:
        listed = ", ".join(f"{m} {y}" for m, y in absent[:8]) + (
            f" and {len(absent) - 8} more" if len(absent) > 8 else ""
        )
        problems.add(
            f"{len(absent)} mineral-year row(s) absent: {listed}; the panel needs one row per mineral-year, "
            f"{spec.first_year}-{spec.last_year} (leave values empty when missing)"
        )
    # the file's own treat/post/DID, compared row by row with those its mineral and year imply
    derived = {
        "treat": (known["mineral"] == spec.treated).astype(float),
        "post": (known["year"].astype(float) >= spec.policy_year).astype(float),
    }
    derived["DID"] = derived["treat"] * derived["post"]
    for col, expected in derived.items():
        if col not in frame.columns:
            continue
        given = frame.loc[known.index, col]
        bad = given.notna() & (given != expected)
        for idx in bad[bad].index[:5]:
            problems.add(
                f"disagrees with the design: {known.at[idx, 'mineral']} {known.at[idx, 'year']} implies "
                f"{col} = {int(expected[idx])} (treated = {spec.treated}, policy year {spec.policy_year})",
                row_of(idx),
                col,
                raw.at[idx, col],
            )
        if bad.sum() > 5:
            problems.add(f"column '{col}' disagrees with the design in {int(bad.sum()) - 5} more row(s)")
    treated = frame[frame["mineral"] == spec.treated]
    if not treated.empty and treated["LNPRI"].isna().all():
        problems.add(
            f"column 'LNPRI': every {spec.treated} value is missing; the DID needs the treated mineral's outcome"
        )
    problems.raise_if_any()
    return frame


def load_user_panel(path: str | Path, spec: PanelSpec = PanelSpec()) -> pd.DataFrame:
    """Read a user-supplied panel CSV (the paper's original series, say), add the design columns, validate."""
    frame = check_user_panel(path, spec)
    keep = [c for c in frame.columns if c not in ("treat", "post", "DID")]
    frame = frame[keep].astype({"year": int, "mineral": str})
    return validate_panel(add_design(frame, spec), path, spec)


# ---- schemas of parsed raw inputs (the manifest's `parsed_schema` names one per input) ----


def _parsed_schema(keys: dict, value: str, value_check, unique: list[str]) -> pa.DataFrameSchema:
    columns = {"series": pa.Column(str), **keys, value: pa.Column(float, value_check)}
    return pa.DataFrameSchema(columns, unique=unique, strict=False, coerce=True)


_year = pa.Column(int, pa.Check.in_range(1800, 2100))
_nonneg = pa.Check.ge(0)
PARSED_SCHEMAS = {
    "monthly_prices": _parsed_schema(
        {"year": _year, "month": pa.Column(int, pa.Check.in_range(1, 12))},
        "value",
        _positive,
        ["series", "year", "month"],
    ),
    "quarterly_index": _parsed_schema(
        {"year": _year, "quarter": pa.Column(int, pa.Check.in_range(1, 4))},
        "value",
        _positive,
        ["series", "year", "quarter"],
    ),
    "daily_index": _parsed_schema({"date": pa.Column("datetime64[us]")}, "value", _positive, ["series", "date"]),
    "annual_prices": _parsed_schema({"year": _year}, "value", _positive, ["series", "year"]),
    # annual_values may be negative (growth rates)
    "annual_values": _parsed_schema({"year": _year}, "value", pa.Check(lambda s: s.notna()), ["series", "year"]),
    "production": _parsed_schema(
        {"year": _year, "country": pa.Column(str), "is_total": pa.Column(bool)},
        "quantity",
        _nonneg,
        ["series", "year", "country"],
    ),
}
PARSED_SCHEMAS["monthly_index"] = PARSED_SCHEMAS["monthly_prices"]
PARSED_SCHEMAS["daily_prices"] = PARSED_SCHEMAS["daily_index"]


def validate_parsed(input_id: str, schema_name: str, frame: pd.DataFrame, path=None) -> pd.DataFrame:
    """Validate a parsed raw input against its declared schema; DataError naming input, column and cases."""
    if schema_name not in PARSED_SCHEMAS:
        raise DataError(
            input_id, f"manifest names unknown parsed_schema '{schema_name}' (known: {sorted(PARSED_SCHEMAS)})", path
        )
    try:
        return PARSED_SCHEMAS[schema_name].validate(frame.reset_index(drop=True), lazy=True)
    except SchemaErrors as exc:
        raise DataError(
            input_id, f"parsed file fails schema '{schema_name}':\n  - " + "\n  - ".join(schema_failures(exc)[:8]), path
        ) from None
