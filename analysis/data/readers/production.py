"""Readers of production by country (for CR4): BGS, World Mining Data, OWID, the Energy Institute, USGS MYB."""

from __future__ import annotations

import gzip
import re
import sqlite3
from pathlib import Path

import pandas as pd

from analysis.data.manifest import Source
from analysis.data.readers.common import check_unit, fail, production, read_csv, read_excel, require_columns


def bgs_ogc(src: Source, path: Path) -> pd.DataFrame:
    """BGS OGC API export: one row per country-year(-subcommodity); 'year' is a timestamp string."""
    cols = ["country_trans", "bgs_commodity_trans", "bgs_statistic_type_trans", "year", "quantity", "units"]
    raw = read_csv(src, path, usecols=lambda c: c in cols)
    require_columns(src, raw, cols, path)
    out = []
    for commodity in src.series:
        rows = raw[(raw["bgs_commodity_trans"] == commodity) & (raw["bgs_statistic_type_trans"] == "Production")]
        if rows.empty:
            fail(src, f"no production rows for commodity '{commodity}'", path)
        for unit in rows["units"].dropna().unique():
            check_unit(src, commodity, unit, path)
        summed = (
            rows.assign(year=rows["year"].astype(str).str[:4].astype(int))
            .groupby(["year", "country_trans"], as_index=False)["quantity"]
            .sum(min_count=1)
        )
        out.append(production(commodity, summed["year"], summed["country_trans"], summed["quantity"]))
    return pd.concat(out, ignore_index=True).dropna(subset=["quantity"])


def bgs_extract(src: Source, path: Path) -> pd.DataFrame:
    """BGS WMS extract (semicolon CSV, gzip): sum sub-commodities per country-year for each code."""
    opener = gzip.open if str(path).endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            raw = pd.read_csv(fh, sep=";")
    except Exception as exc:
        fail(src, f"cannot parse ({type(exc).__name__}: {exc})", path)
    require_columns(src, raw, ["Country", "commodity_code", "year", "value"], path)
    out = []
    for code in src.series:
        rows = raw[raw["commodity_code"] == int(code)]
        if rows.empty:
            fail(src, f"no rows for commodity_code {code}", path)
        summed = rows.groupby(["year", "Country"], as_index=False)["value"].sum(min_count=1)
        out.append(production(code, summed["year"].astype(int), summed["Country"], summed["value"]))
    return pd.concat(out, ignore_index=True).dropna(subset=["quantity"])


def wmd(src: Source, path: Path) -> pd.DataFrame:
    """World Mining Data SQLite: one table per commodity, columns '2018'..'2022', a 'Total' row."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        tables = {name: pd.read_sql(f'select * from "{name}"', con) for name in src.series}
        con.close()
    except Exception as exc:
        fail(src, f"cannot read SQLite table ({type(exc).__name__}: {exc})", path)
    out = []
    for name, raw in tables.items():
        require_columns(src, raw, ["Country", "unit"], path)
        check_unit(src, name, raw["unit"].dropna().iloc[0], path)
        years = [c for c in raw.columns if str(c).isdigit()]
        long = raw.melt(id_vars=["Country"], value_vars=years, var_name="year", value_name="quantity")
        out.append(
            production(name, long["year"].astype(int), long["Country"], long["quantity"], long["Country"].eq("Total"))
        )
    return pd.concat(out, ignore_index=True).dropna(subset=["quantity"])


def owid_metal(src: Source, path: Path) -> pd.DataFrame:
    col = next(iter(src.series))
    raw = read_csv(src, path, usecols=lambda c: c in ("Entity", "Year", col))
    require_columns(src, raw, ["Entity", "Year", col], path)
    rows = raw.dropna(subset=[col])
    return production(col, rows["Year"].astype(int), rows["Entity"], rows[col], rows["Entity"].eq("World"))


EI_AGGREGATE_PREFIXES = ("Total", "Other", "of which", "Non-OECD", "European Union", "USSR")


def ei_coal(src: Source, path: Path) -> pd.DataFrame:
    """EI Statistical Review sheet: header row 3; drop regional aggregates, residuals and footnotes."""
    sheet = next(iter(src.series))
    raw = read_excel(src, path, sheet_name=sheet, header=2)
    check_unit(src, sheet, raw.columns[0], path)
    name = raw.columns[0]
    years = [c for c in raw.columns if isinstance(c, int)]
    rows = raw[raw[name].notna()].copy()
    rows[name] = rows[name].astype(str).str.strip()
    rows = rows[rows[years].apply(pd.to_numeric, errors="coerce").notna().any(axis=1)]
    is_total = rows[name].eq("Total World")
    keep = is_total | ~rows[name].str.startswith(EI_AGGREGATE_PREFIXES)
    long = rows[keep].melt(id_vars=[name], value_vars=years, var_name="year", value_name="quantity")
    return production(sheet, long["year"].astype(int), long[name], long["quantity"], long[name].eq("Total World"))


def usgs_myb_production(src: Source, path: Path) -> pd.DataFrame:
    """USGS Minerals Yearbook world mine production table (print layout, e.g. rare earths T8): a
    'Country or locality' header row with years, one row per country (footnote letters such as 'e'
    in the cell after a value), a 'Total' row; the unit is the '(Metric tons, ...)' line above."""
    sheet = src.meta.get("sheet", "T8")
    raw = read_excel(src, path, sheet_name=sheet, header=None, dtype=object)
    first = raw.iloc[:, 0].astype(str).str.strip()
    unit_line = first[first.str.startswith("(")]
    header = first[first.str.startswith("Country")]
    if unit_line.empty or header.empty:
        fail(src, f"sheet {sheet}: no '(unit)' line or 'Country or locality' header row in column A", path)
    h = header.index[0]
    label = raw.iloc[h].astype(str).str.strip().str.extract(r"^(\d{4})(?:\.0)?$")[0]
    years = {j: int(v) for j, v in label.dropna().items()}
    if not years:
        fail(src, f"sheet {sheet}: no year columns in header row {h + 1}", path)
    series = next(iter(src.series))
    check_unit(src, series, unit_line.iloc[0], path)
    rows = []
    for i in range(h + 1, len(raw)):
        name = first[i]
        if not name or name == "nan" or name[0].islower() or name[0].isdigit():
            break  # the footnotes start ('eEstimated...', '1Table includes...')
        country = re.sub(r"(?:e)?(?:\d+)?(?:,\s*\d+)*$", "", name).strip()  # 'Indiae, 4' -> 'India'
        for j, year in years.items():
            cell = raw.iloc[i, j]
            value = pd.to_numeric(str(cell).replace(",", ""), errors="coerce") if str(cell).strip() != "--" else 0.0
            if pd.isna(value) and pd.notna(cell) and str(cell).strip() not in ("", "nan"):
                fail(src, f"sheet {sheet}, row '{name}', column {year}: non-numeric value {cell!r}", path)
            rows.append(
                {"series": series, "year": year, "country": country, "quantity": value, "is_total": country == "Total"}
            )
    if not any(r["is_total"] for r in rows):
        fail(src, f"sheet {sheet}: no 'Total' row", path)
    return pd.DataFrame(rows).dropna(subset=["quantity"])
