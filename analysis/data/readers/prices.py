"""Price readers: the IMF commodity prices, USGS DS140 unit values, the oxide prices (Theler et al.,
China's daily oxide quotes, USGS yearbook and Mineral Commodity Summaries tables)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.data.manifest import Source
from analysis.data.readers.common import check_unit, fail, numeric_or_fail, read_csv, read_excel, require_columns


def imf_pcps(src: Source, path: Path) -> pd.DataFrame:
    """IMF PCPS workbook: row 0 codes, row 1 descriptions (with units), data from row 4 ('1999M1')."""
    raw = read_excel(src, path, header=None, dtype=object)
    codes = list(raw.iloc[0])
    rows = []
    periods = raw.iloc[4:, 0].astype(str)
    ym = periods.str.extract(r"^(\d{4})M(\d{1,2})$")
    if ym.isna().any(axis=None):
        fail(src, f"unexpected period labels in column 0, e.g. {periods[ym[0].isna()].iloc[0]!r}", path)
    for code in src.series:
        if code not in codes:
            fail(src, f"series column '{code}' not found in row 0", path)
        j = codes.index(code)
        check_unit(src, code, raw.iloc[1, j], path)
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
    raw = read_excel(src, path, header=4)
    require_columns(src, raw, ["Year", *src.series], path)
    year = pd.to_numeric(raw["Year"], errors="coerce")
    out = []
    for col in src.series:
        check_unit(src, col, col, path)  # the unit is part of the column label, e.g. '($/t)'
        out.append(pd.DataFrame({"series": col, "year": year, "value": pd.to_numeric(raw[col], errors="coerce")}))
    frame = pd.concat(out, ignore_index=True).dropna()
    return frame.astype({"year": int})


def usgs_ds140_tsv(src: Source, path: Path) -> pd.DataFrame:
    """USGS DS140 worksheet exported as tab-separated text (molybdenum): four title lines, then the header.

    The unit is part of each column label ('Unit value ($/t)'); line 3 states the quantity basis
    ('... molybdenum content'). Footnote rows after the data have no numeric year and are dropped.
    """
    try:
        head = Path(path).read_text(encoding="utf-8").splitlines()[:4]
    except (OSError, UnicodeDecodeError) as exc:
        fail(src, f"cannot read as text ({type(exc).__name__}: {exc})", path)
    basis = src.meta.get("basis", "")
    if basis and not any(basis.lower() in line.lower() for line in head):
        fail(src, f"title lines do not state the basis '{basis}' (first lines: {head[:3]})", path)
    raw = read_csv(src, path, sep="\t", skiprows=4, dtype=str)
    for col in src.series:
        if col not in raw.columns:
            stem = col.split("(")[0].strip()
            near = [c for c in raw.columns if str(c).startswith(stem)]
            if near:
                fail(src, f"series '{col}': the file prints '{near[0]}' (another unit?)", path)
    require_columns(src, raw, ["Year", *src.series], path)
    year = pd.to_numeric(raw["Year"], errors="coerce")
    rows = raw[year.notna()]
    out = []
    for col in src.series:
        check_unit(src, col, col, path)
        out.append(
            pd.DataFrame(
                {
                    "series": col,
                    "year": year[year.notna()].astype(int),
                    "value": numeric_or_fail(src, rows[col], col, path),
                }
            )
        )
    return pd.concat(out, ignore_index=True).dropna()


def theler_prices(src: Source, path: Path) -> pd.DataFrame:
    """Theler, Kauwe & Sparks (2020) Prices.csv: one row per element-year, nominal price in 'Dollars'.

    The unit is stated in the element's 'Notes' cells (e.g. 'Prices per kilogram of oxides'); the
    '1998 Dollars' column (the authors' own deflation) is not read. 'NA' is a missing year.
    """
    raw = read_csv(src, path, dtype=str, encoding="utf-8-sig")
    require_columns(src, raw, ["Element", "Year", "Dollars", "Notes"], path)
    out = []
    for code in src.series:
        rows = raw[raw["Element"].str.strip() == code]
        if rows.empty:
            fail(src, f"column 'Element': no rows for element '{code}'", path)
        check_unit(src, code, " ".join(rows["Notes"].dropna()), path)
        year = numeric_or_fail(src, rows["Year"], "Year", path)
        value = numeric_or_fail(src, rows["Dollars"], "Dollars", path)
        out.append(pd.DataFrame({"series": code, "year": year, "value": value}))
    frame = pd.concat(out, ignore_index=True).dropna()
    return frame.astype({"year": int})


def china_oxide_daily(src: Source, path: Path) -> pd.DataFrame:
    """Daily Chinese oxide quotes (date column '日期', one '…平均价' column per oxide) -> series, date, value.

    The file prints no unit; instead of a unit label the reader checks that each series is a price
    column ('价' in its header), positive, and free of day-to-day jumps by more than a factor of 3 — a
    change of unit inside the file (e.g. 10^4 CNY/t -> CNY/t) would show as such a jump.
    """
    raw = read_csv(src, path, encoding="utf-8")
    require_columns(src, raw, ["日期", *src.series], path)
    date = pd.to_datetime(raw["日期"], errors="coerce")
    if date.isna().any():
        fail(src, f"unparseable dates in column '日期', e.g. {raw.loc[date.isna(), '日期'].iloc[0]!r}", path)
    out = []
    for col in src.series:
        if "价" not in col:
            fail(src, f"series '{col}' is not a price column (no '价' in its header)", path)
        value = pd.to_numeric(raw[col], errors="coerce")
        if value.isna().any() or (value <= 0).any():
            fail(
                src,
                f"column '{col}': {int(value.isna().sum())} non-numeric and {int((value <= 0).sum())} "
                "non-positive value(s)",
                path,
            )
        jump = np.log(value).diff().abs()
        if (jump > np.log(3)).any():
            day = date[jump.idxmax()].date()
            fail(
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
    raw = read_excel(src, path, sheet_name="T3", header=None, dtype=object)
    first = raw.iloc[:, 0].astype(str).str.strip()
    unit_line = first[first.str.startswith("(")]
    header = first[first.str.startswith("Product")]
    if unit_line.empty or header.empty:
        fail(src, "sheet T3: no '(unit)' line or 'Product (oxide)' header row in column A", path)
    h = header.index[0]
    label = raw.iloc[h].astype(str).str.strip().str.extract(r"^(\d{4})(?:\.0)?$")[0]
    years = {j: int(v) for j, v in label.dropna().items()}
    if not years:
        fail(src, f"sheet T3: no year columns in header row {h + 1}", path)
    names = first.iloc[h + 1 :].str.replace(r"[\d,\s]+$", "", regex=True)
    rows = []
    for name in src.series:
        check_unit(src, name, unit_line.iloc[0], path)
        hit = names[names == name]
        if hit.empty:
            fail(src, f"sheet T3: product '{name}' not found in column A", path)
        for j, year in years.items():
            rows.append(
                {"series": name, "year": year, "value": pd.to_numeric(raw.iloc[hit.index[0], j], errors="coerce")}
            )
    return pd.DataFrame(rows).dropna(subset=["value"]).astype({"value": float})


def usgs_mcs_salient(src: Source, path: Path) -> pd.DataFrame:
    """USGS MCS data release (long CSV, cp1252): rows whose Statistics_detail contains each series key."""
    raw = read_csv(src, path, encoding="cp1252", dtype=str)
    require_columns(src, raw, ["Commodity", "Statistics_detail", "Unit", "Year", "Value"], path)
    out = []
    for key, spec in src.series.items():
        rows = raw[
            (raw["Commodity"] == spec["commodity"]) & raw["Statistics_detail"].str.contains(key, regex=False, na=False)
        ]
        if rows.empty:
            fail(src, f"no rows of commodity '{spec['commodity']}' whose Statistics_detail contains '{key}'", path)
        for unit in rows["Unit"].dropna().unique():
            check_unit(src, key, unit, path)
        value = pd.to_numeric(rows["Value"].str.replace(",", ""), errors="coerce")
        out.append(pd.DataFrame({"series": key, "year": pd.to_numeric(rows["Year"], errors="coerce"), "value": value}))
    frame = pd.concat(out, ignore_index=True).dropna()
    return frame.astype({"year": int})
