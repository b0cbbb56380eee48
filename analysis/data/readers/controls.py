"""Readers of the global controls: US CPI, IMF WEO GDP, WDI growth, global EPU, WUI and the BDI."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.data.manifest import Source
from analysis.data.readers.common import check_unit, fail, read_csv, read_excel, require_columns


def us_cpi(src: Source, path: Path) -> pd.DataFrame:
    raw = read_csv(src, path)
    require_columns(src, raw, ["Date", "Index"], path)
    date = pd.to_datetime(raw["Date"], errors="coerce")
    if date.isna().any():
        fail(src, "unparseable dates in column 'Date'", path)
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
    raw = read_excel(src, path)
    require_columns(src, raw, ["WEO Subject Code", "Scale"], path)
    rows = raw[raw["WEO Subject Code"] == "PPPGDP"]
    if rows.empty:
        fail(src, "no rows with WEO Subject Code == 'PPPGDP'", path)
    check_unit(src, "PPPGDP", rows["Scale"].iloc[0], path)
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
    raw = read_csv(src, path, skiprows=4, encoding="utf-8-sig")
    require_columns(src, raw, ["Country Code", "Indicator Name"], path)
    world = raw[raw["Country Code"] == "WLD"]
    if world.empty:
        fail(src, "no row with Country Code == 'WLD'", path)
    check_unit(
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
    raw = read_excel(src, path)
    require_columns(src, raw, ["Year", "Month", *src.series], path)
    year = pd.to_numeric(raw["Year"], errors="coerce")
    month = pd.to_numeric(raw["Month"], errors="coerce")
    out = [
        pd.DataFrame({"series": s, "year": year, "month": month, "value": pd.to_numeric(raw[s], errors="coerce")})
        for s in src.series
    ]
    frame = pd.concat(out, ignore_index=True).dropna()
    return frame.astype({"year": int, "month": int}).drop_duplicates(["series", "year", "month"], keep="first")


def wui(src: Source, path: Path) -> pd.DataFrame:
    raw = read_excel(src, path, sheet_name="T1")
    require_columns(src, raw, ["Year", *src.series], path)
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
    raw = read_csv(src, path)
    code = next(iter(src.series))
    require_columns(src, raw, [code], path)
    date = pd.to_datetime(raw.iloc[:, 0], errors="coerce")
    return pd.DataFrame({"series": code, "date": date, "value": pd.to_numeric(raw[code], errors="coerce")}).dropna()
