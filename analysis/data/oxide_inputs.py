"""Oxide prices for Table 7: the public series declared in data/sources.yaml and a user's own file.

One schema (`SCHEMA`: oxide, year, price, unit[, source]) for both:

* public series: each published series (`public_series`) and the six built 1999-2022 series
  (`analysis.data.oxide_series.public_build`, read back with `public_oxides`);
* a user-supplied CSV (`load_oxides`), validated with errors naming the file and the column.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.core.errors import DataError
from analysis.data.manifest import Source
from analysis.data.panel import PanelSpec, series_by_year

OXIDES = ("Nd2O3", "CeO2", "La2O3", "PrNd", "Dy2O3", "Tb4O7")


COLUMNS = {
    "Nd2O3": "(1) Nd2O3",
    "CeO2": "(2) CeO2",
    "La2O3": "(3) La2O3",
    "PrNd": "(4) PrNd oxide",
    "Dy2O3": "(5) Dy2O3",
    "Tb4O7": "(6) Tb4O7",
}


NAMES = {
    "Nd2O3": "neodymium oxide (氧化钕)",
    "CeO2": "cerium oxide (氧化铈)",
    "La2O3": "lanthanum oxide (氧化镧)",
    "PrNd": "Pr-Nd oxide (氧化镨钕)",
    "Dy2O3": "dysprosium oxide (氧化镝)",
    "Tb4O7": "terbium oxide (氧化铽)",
}


SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def label(text: str) -> str:
    """Display form of oxide codes in `text`: chemical formulas with subscripts ("(1) Nd2O3" ->
    "(1) Nd₂O₃", "Pr6O11" -> "Pr₆O₁₁") and the Pr-Nd oxide mixture as "Pr-Nd oxide"."""
    text = re.sub(r"\bPrNd\b(?! oxide)", "Pr-Nd oxide", str(text)).replace("PrNd", "Pr-Nd")
    return re.sub(r"\b(?:[A-Z][a-z]?\d*)+O\d+\b", lambda m: m.group(0).translate(SUBSCRIPTS), text)


REQUIRED = ["oxide", "year", "price", "unit"]


OPTIONAL = ["source"]


SCHEMA = pd.DataFrame(
    [
        {
            "column": "oxide",
            "type": "text",
            "required": "yes",
            "meaning": "one of " + ", ".join(OXIDES) + " (PrNd = the Pr-Nd oxide mixture, 氧化镨钕)",
        },
        {
            "column": "year",
            "type": "integer",
            "required": "yes",
            "meaning": "calendar year inside the panel's years (1999-2022); one row per oxide-year",
        },
        {
            "column": "price",
            "type": "number > 0",
            "required": "yes",
            "meaning": "nominal annual average price; divided by the panel's deflator (US CPI-U, 1999 = 1) and logged, "
            "like LNPRI",
        },
        {
            "column": "unit",
            "type": "text",
            "required": "yes",
            "meaning": "the price's unit, one per oxide (e.g. US$/kg); US dollars keep the oxide comparable with the "
            "dollar prices of the control minerals",
        },
        {
            "column": "source",
            "type": "text",
            "required": "no",
            "meaning": "where the series comes from (shown, not used)",
        },
    ]
)


def public_series(
    sources: dict[str, Source], frames: dict[str, pd.DataFrame], spec: PanelSpec = PanelSpec()
) -> pd.DataFrame:
    """Every declared oxide series as published, annualised within the panel's years (daily: mean of
    monthly means). Columns: oxide, year, price, unit, source (input id), series."""
    rows = []
    for sid, src in sources.items():
        for series, meta in src.series.items():
            if "oxide" not in meta:
                continue
            s = series_by_year(src, frames[sid], series, spec.first_year, spec.last_year)
            rows.append(
                pd.DataFrame(
                    {
                        "oxide": meta["oxide"],
                        "year": s.index.astype(int),
                        "price": s.to_numpy(),
                        "unit": meta["unit"],
                        "source": sid,
                        "series": series,
                    }
                )
            )
    cols = ["oxide", "year", "price", "unit", "source", "series"]
    return pd.concat(rows, ignore_index=True)[cols] if rows else pd.DataFrame(columns=cols)


def public_oxides(built: pd.DataFrame) -> pd.DataFrame:
    """The built public series of Table 7's six oxides (`oxide_series.public_build`, as written to
    oxide_series.csv) in the user-file schema (oxide, year, price, unit, source), validated."""
    rows = built[built["oxide"].isin(OXIDES)][REQUIRED + OPTIONAL].reset_index(drop=True)
    return validate_oxides(rows, "public oxide series (data/sources.yaml)")


def coverage(series: pd.DataFrame, spec: PanelSpec = PanelSpec()) -> pd.DataFrame:
    """One row per published oxide series (`public_series`; oxide as displayed by `label`): unit,
    years covered and years before the policy."""
    rows = []
    for (oxide, sid, name), grp in series.groupby(["oxide", "source", "series"], sort=False):
        years = grp["year"].astype(int)
        rows.append(
            {
                "oxide": oxide,
                "input: series": f"{sid}: {name}",
                "unit": grp["unit"].iloc[0],
                "years": f"{years.min()}-{years.max()}",
                "n years": len(years),
                f"before {spec.policy_year}": int((years < spec.policy_year).sum()),
            }
        )
    order = {o: i for i, o in enumerate(OXIDES)}
    out = pd.DataFrame(rows)
    out = out.sort_values("oxide", key=lambda s: s.map(lambda o: order.get(o, len(order))), kind="stable")
    return out.assign(oxide=out["oxide"].map(label)).reset_index(drop=True)


def _fail(message: str, where) -> None:
    raise DataError("oxide panel", message, where)


def validate_oxides(frame: pd.DataFrame, where, spec: PanelSpec = PanelSpec()) -> pd.DataFrame:
    """Check an oxide price frame against SCHEMA; returns it typed (year int, price float), sorted.

    Raises DataError naming `where` (the file) and the offending column, with a few bad values.
    """
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        _fail(f"missing required column(s) {missing}; required: {REQUIRED}, optional: {OPTIONAL}", where)
    out = frame[[c for c in REQUIRED + OPTIONAL if c in frame.columns]].copy()
    out["oxide"] = out["oxide"].astype(str).str.strip()
    bad = sorted(set(out.loc[~out["oxide"].isin(OXIDES), "oxide"]))
    if bad:
        _fail(f"column 'oxide': unknown value(s) {bad[:5]}; expected one of {list(OXIDES)}", where)
    year = pd.to_numeric(out["year"], errors="coerce")
    bad_year = out.loc[year.isna() | (year != year.round()) | ~year.between(spec.first_year, spec.last_year), "year"]
    if len(bad_year):
        _fail(
            f"column 'year': {len(bad_year)} value(s) not a whole year in {spec.first_year}-{spec.last_year}, "
            f"e.g. {list(bad_year.head(3))}",
            where,
        )
    price = pd.to_numeric(out["price"], errors="coerce")
    bad_price = out.loc[price.isna() | (price <= 0), "price"]
    if len(bad_price):
        _fail(
            f"column 'price': {len(bad_price)} missing, non-numeric or non-positive value(s), "
            f"e.g. {list(bad_price.head(3))}",
            where,
        )
    out["year"], out["price"] = year.astype(int), price.astype(float)
    dup = out[out.duplicated(["oxide", "year"], keep=False)]
    if len(dup):
        first = dup.iloc[0]
        _fail(
            f"columns 'oxide', 'year': {len(dup)} duplicated oxide-year row(s), e.g. {first['oxide']} {first['year']}",
            where,
        )
    if out["unit"].isna().any() or (out["unit"].astype(str).str.strip() == "").any():
        _fail("column 'unit': empty value(s); state the price's unit on every row", where)
    units = out.groupby("oxide")["unit"].nunique()
    if (units > 1).any():
        _fail(
            f"column 'unit': more than one unit for oxide(s) {list(units[units > 1].index)}; use one unit per oxide",
            where,
        )
    return out.sort_values(
        ["oxide", "year"], key=lambda s: s.map(OXIDES.index) if s.name == "oxide" else s
    ).reset_index(drop=True)


def load_oxides(path, spec: PanelSpec = PanelSpec()) -> pd.DataFrame:
    """Read and validate a user's oxide price CSV (SCHEMA); DataError names the file and column."""
    path = Path(path)
    try:
        frame = pd.read_csv(path)
    except Exception as exc:
        raise DataError("oxide panel", f"cannot read CSV ({type(exc).__name__}: {exc})", path) from None
    return validate_oxides(frame, path, spec)


def window(oxides: pd.DataFrame, spec: PanelSpec = PanelSpec()) -> pd.DataFrame:
    """Per oxide: first and last year, years before and from the policy year, and whether DID can be estimated."""
    rows = []
    for oxide in OXIDES:
        years = oxides.loc[oxides["oxide"] == oxide, "year"]
        pre, post = int((years < spec.policy_year).sum()), int((years >= spec.policy_year).sum())
        rows.append(
            {
                "column": COLUMNS[oxide],
                "oxide": NAMES[oxide],
                "years": f"{years.min()}-{years.max()}" if len(years) else "none",
                f"before {spec.policy_year}": pre,
                f"{spec.policy_year} on": post,
                "DID estimable": "yes" if pre and post else "no",
            }
        )
    return pd.DataFrame(rows)
