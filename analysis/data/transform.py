"""Pure transformations from tidy raw frames to annual series (no I/O; tested on synthetic data)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def annual_mean(frame: pd.DataFrame, period: str, required: int) -> pd.DataFrame:
    """Mean of sub-annual values by series-year; a year with fewer than `required` periods is dropped.

    `frame` has columns series, year, `period` (month or quarter), value. Returns
    series, year, value, n_periods.
    """
    grouped = frame.groupby(["series", "year"])
    out = grouped["value"].mean().to_frame("value")
    out["n_periods"] = grouped[period].nunique()
    out = out.reset_index()
    return out[out["n_periods"] >= required].reset_index(drop=True)


def annual_mean_of_monthly_means(daily: pd.DataFrame) -> pd.DataFrame:
    """Daily series -> mean of monthly means by year (robust to days missing unevenly across months)."""
    d = daily.assign(year=daily["date"].dt.year, month=daily["date"].dt.month)
    monthly = d.groupby(["series", "year", "month"], as_index=False)["value"].mean()
    return annual_mean(monthly, "month", 12)


def missing_years(years, first: int, last: int) -> list[int]:
    """Years in [first, last] that are absent from `years`."""
    have = set(int(y) for y in years)
    return [y for y in range(first, last + 1) if y not in have]


def deflator(cpi_annual: pd.Series, base_year: int) -> pd.Series:
    """CPI rebased so that `base_year` = 1 (index: year)."""
    if base_year not in cpi_annual.index:
        raise KeyError(f"base year {base_year} not in the CPI series")
    return cpi_annual / cpi_annual.loc[base_year]


def log_real_price(nominal: pd.Series, deflator_by_year: pd.Series, deflate: bool = True) -> pd.Series:
    """ln(price / deflator) for a price series indexed by year; ln(price) when deflate is False."""
    if (nominal <= 0).any():
        raise ValueError("prices must be positive to take logs")
    real = nominal / deflator_by_year.reindex(nominal.index) if deflate else nominal
    return np.log(real)


def concentration_ratio(production: pd.DataFrame, k: int = 4) -> pd.DataFrame:
    """CR_k by year: the k largest producers' share of world production.

    `production` has year, country, quantity, is_total. The denominator is the row flagged
    is_total where the source publishes a world total, otherwise the sum over countries.
    Returns year, cr, top (the k countries, largest first), denominator ('world total' or 'sum of countries').
    """
    rows = []
    for year, grp in production.groupby("year"):
        countries = grp[~grp["is_total"]].dropna(subset=["quantity"])
        countries = countries[countries["quantity"] > 0].sort_values("quantity", ascending=False)
        if countries.empty:
            continue
        totals = grp.loc[grp["is_total"], "quantity"].dropna()
        if len(totals):
            denom, kind = float(totals.iloc[0]), "world total"
        else:
            denom, kind = float(countries["quantity"].sum()), "sum of countries"
        top = countries.head(k)
        share = float(top["quantity"].sum() / denom)
        if share > 1 + 1e-9:
            raise ValueError(
                f"year {year}: top {k} producers ({top['quantity'].sum():g}) exceed the "
                f"denominator ({denom:g}, {kind}); inconsistent bases"
            )
        rows.append({"year": int(year), "cr": share, "top": ", ".join(top["country"].astype(str)), "denominator": kind})
    return pd.DataFrame(rows, columns=["year", "cr", "top", "denominator"])


def overlap_check(a: pd.Series, b: pd.Series) -> pd.DataFrame:
    """Side-by-side comparison of two annual series on their common years (index: year)."""
    common = a.index.intersection(b.index)
    out = pd.DataFrame({"a": a.loc[common], "b": b.loc[common]})
    out["diff"] = out["a"] - out["b"]
    return out
