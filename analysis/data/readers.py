"""Parsers: one function per raw file layout, each returning a tidy frame.

Frames: ``series, year, month, value`` (monthly), ``series, year, quarter, value`` (quarterly),
``series, date, value`` (daily), ``series, year, value`` (annual), and
``series, year, country, quantity, is_total`` (production by country). Each reader checks the
unit label the file itself prints against the manifest and raises DataError on a mismatch,
on a missing series or on unparseable content.
"""

from __future__ import annotations

import gzip
import re
import sqlite3
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.core.errors import DataError
from analysis.data.manifest import Source


def _fail(src: Source, msg: str, path: Path | None = None):
    raise DataError(src.id, msg, path or src.file)


def _check_unit(src: Source, series: str, printed: str, path: Path) -> None:
    expected = src.unit(series)
    if expected.lower() not in str(printed).lower():
        _fail(
            src,
            f"series '{series}': unit printed in the file is '{printed}', manifest expects '{expected}' "
            "(wrong units or a changed file layout)",
            path,
        )


def _read_excel(src: Source, path: Path, **kw) -> pd.DataFrame:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pd.read_excel(path, **kw)
    except Exception as exc:
        _fail(src, f"cannot parse as a spreadsheet ({type(exc).__name__}: {exc})", path)


def _read_csv(src: Source, path: Path, **kw) -> pd.DataFrame:
    try:
        return pd.read_csv(path, **kw)
    except Exception as exc:
        _fail(src, f"cannot parse as CSV ({type(exc).__name__}: {exc})", path)


def _require_columns(src: Source, frame: pd.DataFrame, columns, path: Path) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        _fail(src, f"column(s) {missing} not found (have {list(frame.columns)[:12]}...)", path)


def imf_pcps(src: Source, path: Path) -> pd.DataFrame:
    """IMF PCPS workbook: row 0 codes, row 1 descriptions (with units), data from row 4 ('1999M1')."""
    raw = _read_excel(src, path, header=None, dtype=object)
    codes = list(raw.iloc[0])
    rows = []
    periods = raw.iloc[4:, 0].astype(str)
    ym = periods.str.extract(r"^(\d{4})M(\d{1,2})$")
    if ym.isna().any(axis=None):
        _fail(src, f"unexpected period labels in column 0, e.g. {periods[ym[0].isna()].iloc[0]!r}", path)
    for code in src.series:
        if code not in codes:
            _fail(src, f"series column '{code}' not found in row 0", path)
        j = codes.index(code)
        _check_unit(src, code, raw.iloc[1, j], path)
        values = pd.to_numeric(raw.iloc[4:, j], errors="coerce")
        rows.append(
            pd.DataFrame(
                {
                    "series": code,
                    "year": ym[0].astype(int).to_numpy(),
                    "month": ym[1].astype(int).to_numpy(),
                    "value": values.to_numpy(),
                }
            )
        )
    return pd.concat(rows, ignore_index=True).dropna(subset=["value"])


def usgs_ds140(src: Source, path: Path) -> pd.DataFrame:
    """USGS DS140 rare-earths worksheet: header on row 5; footnote rows after the data."""
    raw = _read_excel(src, path, header=4)
    _require_columns(src, raw, ["Year", *src.series], path)
    year = pd.to_numeric(raw["Year"], errors="coerce")
    out = []
    for col in src.series:
        _check_unit(src, col, col, path)  # the unit is part of the column label, e.g. '($/t)'
        out.append(pd.DataFrame({"series": col, "year": year, "value": pd.to_numeric(raw[col], errors="coerce")}))
    frame = pd.concat(out, ignore_index=True).dropna()
    return frame.astype({"year": int})


def _numeric_or_fail(src: Source, values: pd.Series, column: str, path: Path, missing=("NA", "")) -> pd.Series:
    """`values` as numbers; a cell that is neither a number nor a missing-value marker is an error naming the column."""
    text = values.astype(str).str.strip().str.replace(",", "", regex=False)
    number = pd.to_numeric(text, errors="coerce")
    bad = values[number.isna() & values.notna() & ~text.isin(missing)]
    if len(bad):
        _fail(src, f"column '{column}': {len(bad)} non-numeric value(s), e.g. {list(bad.head(3))}", path)
    return number


def usgs_ds140_tsv(src: Source, path: Path) -> pd.DataFrame:
    """USGS DS140 worksheet exported as tab-separated text (molybdenum): four title lines, then the header.

    The unit is part of each column label ('Unit value ($/t)'); line 3 states the quantity basis
    ('... molybdenum content'). Footnote rows after the data have no numeric year and are dropped.
    """
    try:
        head = Path(path).read_text(encoding="utf-8").splitlines()[:4]
    except (OSError, UnicodeDecodeError) as exc:
        _fail(src, f"cannot read as text ({type(exc).__name__}: {exc})", path)
    basis = src.meta.get("basis", "")
    if basis and not any(basis.lower() in line.lower() for line in head):
        _fail(src, f"title lines do not state the basis '{basis}' (first lines: {head[:3]})", path)
    raw = _read_csv(src, path, sep="\t", skiprows=4, dtype=str)
    for col in src.series:
        if col not in raw.columns:
            stem = col.split("(")[0].strip()
            near = [c for c in raw.columns if str(c).startswith(stem)]
            if near:
                _fail(src, f"series '{col}': the file prints '{near[0]}' (another unit?)", path)
    _require_columns(src, raw, ["Year", *src.series], path)
    year = pd.to_numeric(raw["Year"], errors="coerce")
    rows = raw[year.notna()]
    out = []
    for col in src.series:
        _check_unit(src, col, col, path)
        out.append(
            pd.DataFrame(
                {
                    "series": col,
                    "year": year[year.notna()].astype(int),
                    "value": _numeric_or_fail(src, rows[col], col, path),
                }
            )
        )
    return pd.concat(out, ignore_index=True).dropna()


def theler_prices(src: Source, path: Path) -> pd.DataFrame:
    """Theler, Kauwe & Sparks (2020) Prices.csv: one row per element-year, nominal price in 'Dollars'.

    The unit is stated in the element's 'Notes' cells (e.g. 'Prices per kilogram of oxides'); the
    '1998 Dollars' column (the authors' own deflation) is not read. 'NA' is a missing year.
    """
    raw = _read_csv(src, path, dtype=str, encoding="utf-8-sig")
    _require_columns(src, raw, ["Element", "Year", "Dollars", "Notes"], path)
    out = []
    for code in src.series:
        rows = raw[raw["Element"].str.strip() == code]
        if rows.empty:
            _fail(src, f"column 'Element': no rows for element '{code}'", path)
        _check_unit(src, code, " ".join(rows["Notes"].dropna()), path)
        year = _numeric_or_fail(src, rows["Year"], "Year", path)
        value = _numeric_or_fail(src, rows["Dollars"], "Dollars", path)
        out.append(pd.DataFrame({"series": code, "year": year, "value": value}))
    frame = pd.concat(out, ignore_index=True).dropna()
    return frame.astype({"year": int})


def us_cpi(src: Source, path: Path) -> pd.DataFrame:
    raw = _read_csv(src, path)
    _require_columns(src, raw, ["Date", "Index"], path)
    date = pd.to_datetime(raw["Date"], errors="coerce")
    if date.isna().any():
        _fail(src, "unparseable dates in column 'Date'", path)
    return pd.DataFrame(
        {
            "series": "CPI",
            "year": date.dt.year,
            "month": date.dt.month,
            "value": pd.to_numeric(raw["Index"], errors="coerce"),
        }
    ).dropna()


def imf_weo(src: Source, path: Path) -> pd.DataFrame:
    """IMF WEO by-country sheet: sum the PPPGDP rows over countries, year by year."""
    raw = _read_excel(src, path)
    _require_columns(src, raw, ["WEO Subject Code", "Scale"], path)
    rows = raw[raw["WEO Subject Code"] == "PPPGDP"]
    if rows.empty:
        _fail(src, "no rows with WEO Subject Code == 'PPPGDP'", path)
    _check_unit(src, "PPPGDP", rows["Scale"].iloc[0], path)
    years = [c for c in raw.columns if str(c).isdigit()]
    values = rows[years].apply(pd.to_numeric, errors="coerce")
    return pd.DataFrame(
        {
            "series": "PPPGDP",
            "year": [int(y) for y in years],
            "value": values.sum(min_count=1).to_numpy(),
            "n_countries": values.notna().sum().to_numpy(),
        }
    ).dropna(subset=["value"])


def wdi_growth(src: Source, path: Path) -> pd.DataFrame:
    raw = _read_csv(src, path, skiprows=4, encoding="utf-8-sig")
    _require_columns(src, raw, ["Country Code", "Indicator Name"], path)
    world = raw[raw["Country Code"] == "WLD"]
    if world.empty:
        _fail(src, "no row with Country Code == 'WLD'", path)
    _check_unit(
        src,
        "WLD",
        "percent" if "annual %" in world["Indicator Name"].iloc[0] else world["Indicator Name"].iloc[0],
        path,
    )
    years = [c for c in raw.columns if str(c).isdigit()]
    return pd.DataFrame(
        {
            "series": "WLD",
            "year": [int(y) for y in years],
            "value": pd.to_numeric(world[years].iloc[0], errors="coerce").to_numpy(),
        }
    ).dropna()


def global_epu(src: Source, path: Path) -> pd.DataFrame:
    raw = _read_excel(src, path)
    _require_columns(src, raw, ["Year", "Month", *src.series], path)
    year = pd.to_numeric(raw["Year"], errors="coerce")
    month = pd.to_numeric(raw["Month"], errors="coerce")
    out = [
        pd.DataFrame({"series": s, "year": year, "month": month, "value": pd.to_numeric(raw[s], errors="coerce")})
        for s in src.series
    ]
    frame = pd.concat(out, ignore_index=True).dropna()
    return frame.astype({"year": int, "month": int}).drop_duplicates(["series", "year", "month"], keep="first")


def wui(src: Source, path: Path) -> pd.DataFrame:
    raw = _read_excel(src, path, sheet_name="T1")
    _require_columns(src, raw, ["Year", *src.series], path)
    yq = raw["Year"].astype(str).str.extract(r"^(\d{4})[qQ]([1-4])$")
    keep = yq[0].notna()
    out = [
        pd.DataFrame(
            {
                "series": s,
                "year": yq.loc[keep, 0].astype(int),
                "quarter": yq.loc[keep, 1].astype(int),
                "value": pd.to_numeric(raw.loc[keep, s], errors="coerce"),
            }
        )
        for s in src.series
    ]
    return pd.concat(out, ignore_index=True).dropna()


def bdi(src: Source, path: Path) -> pd.DataFrame:
    raw = _read_csv(src, path)
    code = next(iter(src.series))
    _require_columns(src, raw, [code], path)
    date = pd.to_datetime(raw.iloc[:, 0], errors="coerce")
    return pd.DataFrame({"series": code, "date": date, "value": pd.to_numeric(raw[code], errors="coerce")}).dropna()


def _production(series, year, country, quantity, is_total=False) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "series": series,
            "year": year,
            "country": country,
            "quantity": pd.to_numeric(quantity, errors="coerce"),
            "is_total": is_total,
        }
    )


def bgs_ogc(src: Source, path: Path) -> pd.DataFrame:
    """BGS OGC API export: one row per country-year(-subcommodity); 'year' is a timestamp string."""
    cols = ["country_trans", "bgs_commodity_trans", "bgs_statistic_type_trans", "year", "quantity", "units"]
    raw = _read_csv(src, path, usecols=lambda c: c in cols)
    _require_columns(src, raw, cols, path)
    out = []
    for commodity in src.series:
        rows = raw[(raw["bgs_commodity_trans"] == commodity) & (raw["bgs_statistic_type_trans"] == "Production")]
        if rows.empty:
            _fail(src, f"no production rows for commodity '{commodity}'", path)
        for unit in rows["units"].dropna().unique():
            _check_unit(src, commodity, unit, path)
        summed = (
            rows.assign(year=rows["year"].astype(str).str[:4].astype(int))
            .groupby(["year", "country_trans"], as_index=False)["quantity"]
            .sum(min_count=1)
        )
        out.append(_production(commodity, summed["year"], summed["country_trans"], summed["quantity"]))
    return pd.concat(out, ignore_index=True).dropna(subset=["quantity"])


def bgs_extract(src: Source, path: Path) -> pd.DataFrame:
    """BGS WMS extract (semicolon CSV, gzip): sum sub-commodities per country-year for each code."""
    opener = gzip.open if str(path).endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            raw = pd.read_csv(fh, sep=";")
    except Exception as exc:
        _fail(src, f"cannot parse ({type(exc).__name__}: {exc})", path)
    _require_columns(src, raw, ["Country", "commodity_code", "year", "value"], path)
    out = []
    for code in src.series:
        rows = raw[raw["commodity_code"] == int(code)]
        if rows.empty:
            _fail(src, f"no rows for commodity_code {code}", path)
        summed = rows.groupby(["year", "Country"], as_index=False)["value"].sum(min_count=1)
        out.append(_production(code, summed["year"].astype(int), summed["Country"], summed["value"]))
    return pd.concat(out, ignore_index=True).dropna(subset=["quantity"])


def wmd(src: Source, path: Path) -> pd.DataFrame:
    """World Mining Data SQLite: one table per commodity, columns '2018'..'2022', a 'Total' row."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        tables = {name: pd.read_sql(f'select * from "{name}"', con) for name in src.series}
        con.close()
    except Exception as exc:
        _fail(src, f"cannot read SQLite table ({type(exc).__name__}: {exc})", path)
    out = []
    for name, raw in tables.items():
        _require_columns(src, raw, ["Country", "unit"], path)
        _check_unit(src, name, raw["unit"].dropna().iloc[0], path)
        years = [c for c in raw.columns if str(c).isdigit()]
        long = raw.melt(id_vars=["Country"], value_vars=years, var_name="year", value_name="quantity")
        out.append(
            _production(name, long["year"].astype(int), long["Country"], long["quantity"], long["Country"].eq("Total"))
        )
    return pd.concat(out, ignore_index=True).dropna(subset=["quantity"])


def owid_metal(src: Source, path: Path) -> pd.DataFrame:
    col = next(iter(src.series))
    raw = _read_csv(src, path, usecols=lambda c: c in ("Entity", "Year", col))
    _require_columns(src, raw, ["Entity", "Year", col], path)
    rows = raw.dropna(subset=[col])
    return _production(col, rows["Year"].astype(int), rows["Entity"], rows[col], rows["Entity"].eq("World"))


EI_AGGREGATE_PREFIXES = ("Total", "Other", "of which", "Non-OECD", "European Union", "USSR")


def ei_coal(src: Source, path: Path) -> pd.DataFrame:
    """EI Statistical Review sheet: header row 3; drop regional aggregates, residuals and footnotes."""
    sheet = next(iter(src.series))
    raw = _read_excel(src, path, sheet_name=sheet, header=2)
    _check_unit(src, sheet, raw.columns[0], path)
    name = raw.columns[0]
    years = [c for c in raw.columns if isinstance(c, int)]
    rows = raw[raw[name].notna()].copy()
    rows[name] = rows[name].astype(str).str.strip()
    rows = rows[rows[years].apply(pd.to_numeric, errors="coerce").notna().any(axis=1)]
    is_total = rows[name].eq("Total World")
    keep = is_total | ~rows[name].str.startswith(EI_AGGREGATE_PREFIXES)
    long = rows[keep].melt(id_vars=[name], value_vars=years, var_name="year", value_name="quantity")
    return _production(sheet, long["year"].astype(int), long[name], long["quantity"], long[name].eq("Total World"))


def china_oxide_daily(src: Source, path: Path) -> pd.DataFrame:
    """Daily Chinese oxide quotes (date column '日期', one '…平均价' column per oxide) -> series, date, value.

    The file prints no unit; instead of a unit label the reader checks that each series is a price
    column ('价' in its header), positive, and free of day-to-day jumps by more than a factor of 3 — a
    change of unit inside the file (e.g. 10^4 CNY/t -> CNY/t) would show as such a jump.
    """
    raw = _read_csv(src, path, encoding="utf-8")
    _require_columns(src, raw, ["日期", *src.series], path)
    date = pd.to_datetime(raw["日期"], errors="coerce")
    if date.isna().any():
        _fail(src, f"unparseable dates in column '日期', e.g. {raw.loc[date.isna(), '日期'].iloc[0]!r}", path)
    out = []
    for col in src.series:
        if "价" not in col:
            _fail(src, f"series '{col}' is not a price column (no '价' in its header)", path)
        value = pd.to_numeric(raw[col], errors="coerce")
        if value.isna().any() or (value <= 0).any():
            _fail(
                src,
                f"column '{col}': {int(value.isna().sum())} non-numeric and {int((value <= 0).sum())} "
                "non-positive value(s)",
                path,
            )
        jump = np.log(value).diff().abs()
        if (jump > np.log(3)).any():
            day = date[jump.idxmax()].date()
            _fail(
                src,
                f"column '{col}': the price changes by more than a factor of 3 in one day ({day}); "
                "a change of unit inside the file?",
                path,
            )
        out.append(pd.DataFrame({"series": col, "date": date, "value": value}))
    return pd.concat(out, ignore_index=True)


def usgs_myb_oxide_prices(src: Source, path: Path) -> pd.DataFrame:
    """USGS Minerals Yearbook rare-earth table 3 (print layout): product rows, years in alternate columns.

    Product names carry footnote digits ('Neodymium4, 5'); the unit is the sheet's third line.
    """
    raw = _read_excel(src, path, sheet_name="T3", header=None, dtype=object)
    first = raw.iloc[:, 0].astype(str).str.strip()
    unit_line = first[first.str.startswith("(")]
    header = first[first.str.startswith("Product")]
    if unit_line.empty or header.empty:
        _fail(src, "sheet T3: no '(unit)' line or 'Product (oxide)' header row in column A", path)
    h = header.index[0]
    label = raw.iloc[h].astype(str).str.strip().str.extract(r"^(\d{4})(?:\.0)?$")[0]
    years = {j: int(v) for j, v in label.dropna().items()}
    if not years:
        _fail(src, f"sheet T3: no year columns in header row {h + 1}", path)
    names = first.iloc[h + 1 :].str.replace(r"[\d,\s]+$", "", regex=True)
    rows = []
    for name in src.series:
        _check_unit(src, name, unit_line.iloc[0], path)
        hit = names[names == name]
        if hit.empty:
            _fail(src, f"sheet T3: product '{name}' not found in column A", path)
        for j, year in years.items():
            rows.append(
                {"series": name, "year": year, "value": pd.to_numeric(raw.iloc[hit.index[0], j], errors="coerce")}
            )
    return pd.DataFrame(rows).dropna(subset=["value"]).astype({"value": float})


def usgs_myb_production(src: Source, path: Path) -> pd.DataFrame:
    """USGS Minerals Yearbook world mine production table (print layout, e.g. rare earths T8): a
    'Country or locality' header row with years, one row per country (footnote letters such as 'e'
    in the cell after a value), a 'Total' row; the unit is the '(Metric tons, ...)' line above."""
    sheet = src.meta.get("sheet", "T8")
    raw = _read_excel(src, path, sheet_name=sheet, header=None, dtype=object)
    first = raw.iloc[:, 0].astype(str).str.strip()
    unit_line = first[first.str.startswith("(")]
    header = first[first.str.startswith("Country")]
    if unit_line.empty or header.empty:
        _fail(src, f"sheet {sheet}: no '(unit)' line or 'Country or locality' header row in column A", path)
    h = header.index[0]
    label = raw.iloc[h].astype(str).str.strip().str.extract(r"^(\d{4})(?:\.0)?$")[0]
    years = {j: int(v) for j, v in label.dropna().items()}
    if not years:
        _fail(src, f"sheet {sheet}: no year columns in header row {h + 1}", path)
    series = next(iter(src.series))
    _check_unit(src, series, unit_line.iloc[0], path)
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
                _fail(src, f"sheet {sheet}, row '{name}', column {year}: non-numeric value {cell!r}", path)
            rows.append(
                {"series": series, "year": year, "country": country, "quantity": value, "is_total": country == "Total"}
            )
    if not any(r["is_total"] for r in rows):
        _fail(src, f"sheet {sheet}: no 'Total' row", path)
    return pd.DataFrame(rows).dropna(subset=["quantity"])


def usgs_mcs_salient(src: Source, path: Path) -> pd.DataFrame:
    """USGS MCS data release (long CSV, cp1252): rows whose Statistics_detail contains each series key."""
    raw = _read_csv(src, path, encoding="cp1252", dtype=str)
    _require_columns(src, raw, ["Commodity", "Statistics_detail", "Unit", "Year", "Value"], path)
    out = []
    for key, spec in src.series.items():
        rows = raw[
            (raw["Commodity"] == spec["commodity"]) & raw["Statistics_detail"].str.contains(key, regex=False, na=False)
        ]
        if rows.empty:
            _fail(src, f"no rows of commodity '{spec['commodity']}' whose Statistics_detail contains '{key}'", path)
        for unit in rows["Unit"].dropna().unique():
            _check_unit(src, key, unit, path)
        value = pd.to_numeric(rows["Value"].str.replace(",", ""), errors="coerce")
        out.append(pd.DataFrame({"series": key, "year": pd.to_numeric(rows["Year"], errors="coerce"), "value": value}))
    frame = pd.concat(out, ignore_index=True).dropna()
    return frame.astype({"year": int})


READERS = {
    f.__name__: f
    for f in (
        imf_pcps,
        usgs_ds140,
        usgs_ds140_tsv,
        theler_prices,
        us_cpi,
        imf_weo,
        wdi_growth,
        global_epu,
        wui,
        bdi,
        bgs_ogc,
        bgs_extract,
        wmd,
        owid_metal,
        ei_coal,
        china_oxide_daily,
        usgs_myb_oxide_prices,
        usgs_myb_production,
        usgs_mcs_salient,
    )
}


def read(src: Source, path: Path) -> pd.DataFrame:
    """Parse `path` with the reader the manifest names for `src`."""
    if src.reader not in READERS:
        _fail(src, f"manifest names unknown reader '{src.reader}'")
    return READERS[src.reader](src, Path(path))
