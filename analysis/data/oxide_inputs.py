"""Oxide prices for Table 7: the public series declared in data/sources.yaml and a user's own file.

One schema (`SCHEMA`: oxide, year, price, unit[, source]) for both:

* public series (`public_series`, `public_oxides`), annualised within the panel's years;
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


COLUMNS = {"Nd2O3": "(1) Nd2O3", "CeO2": "(2) CeO2", "La2O3": "(3) La2O3", "PrNd": "(4) PrNd oxide",
           "Dy2O3": "(5) Dy2O3", "Tb4O7": "(6) Tb4O7"}


NAMES = {"Nd2O3": "neodymium oxide (氧化钕)", "CeO2": "cerium oxide (氧化铈)", "La2O3": "lanthanum oxide (氧化镧)",
         "PrNd": "Pr-Nd oxide (氧化镨钕)", "Dy2O3": "dysprosium oxide (氧化镝)",
         "Tb4O7": "terbium oxide (氧化铽)"}


# the series each oxide's public column uses (input id, series); alternatives are listed, not used
PUBLIC_SOURCES = {
    "Nd2O3": ("china_oxide_prices_daily", "氧化钕平均价"),
    "CeO2": ("china_oxide_prices_daily", "氧化铈平均价"),
    "La2O3": ("china_oxide_prices_daily", "氧化镧平均价"),
    "PrNd": ("usgs_mcs2026_rare_earths", "Neodymium-praseodymium (NdPr) oxide"),
    "Dy2O3": ("usgs_myb2022_rare_earths", "Dysprosium"),
    "Tb4O7": ("usgs_myb2022_rare_earths", "Terbium"),
}


# inputs whose series Table 7 uses although they cannot be checked: shown as illustrative, with the reason
ILLUSTRATIVE = {"china_oxide_prices_daily": "illustrative only (units and primary source unknown)"}


SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def label(text: str) -> str:
    """Display form of oxide codes in `text`: chemical formulas with subscripts ("(1) Nd2O3" ->
    "(1) Nd₂O₃", "Pr6O11" -> "Pr₆O₁₁") and the Pr-Nd oxide mixture as "Pr-Nd oxide"."""
    text = re.sub(r"\bPrNd\b(?! oxide)", "Pr-Nd oxide", str(text)).replace("PrNd", "Pr-Nd")
    return re.sub(r"\b(?:[A-Z][a-z]?\d*)+O\d+\b", lambda m: m.group(0).translate(SUBSCRIPTS), text)


REQUIRED = ["oxide", "year", "price", "unit"]


OPTIONAL = ["source"]


SCHEMA = pd.DataFrame([
    {"column": "oxide", "type": "text", "required": "yes",
     "meaning": "one of " + ", ".join(OXIDES) + " (PrNd = the Pr-Nd oxide mixture, 氧化镨钕)"},
    {"column": "year", "type": "integer", "required": "yes",
     "meaning": "calendar year inside the panel's years (1999-2022); one row per oxide-year"},
    {"column": "price", "type": "number > 0", "required": "yes",
     "meaning": "nominal annual average price; divided by the panel's deflator (US CPI-U, 1999 = 1) and logged, "
                "like LNPRI"},
    {"column": "unit", "type": "text", "required": "yes",
     "meaning": "the price's unit, one per oxide (e.g. US$/kg); US dollars keep the oxide comparable with the "
                "dollar prices of the control minerals"},
    {"column": "source", "type": "text", "required": "no", "meaning": "where the series comes from (shown, not used)"},
])


def public_series(sources: dict[str, Source], frames: dict[str, pd.DataFrame],
                  spec: PanelSpec = PanelSpec()) -> pd.DataFrame:
    """Every declared oxide series, annualised within the panel's years (daily: mean of monthly means).

    Columns: oxide, year, price, unit, source (input id), series, used (True for the series the
    oxide's Table 7 column uses, see PUBLIC_SOURCES).
    """
    rows = []
    for sid, src in sources.items():
        for series, meta in src.series.items():
            if "oxide" not in meta:
                continue
            s = series_by_year(src, frames[sid], series, spec.first_year, spec.last_year)
            used = PUBLIC_SOURCES.get(meta["oxide"]) == (sid, series)
            rows.append(pd.DataFrame({"oxide": meta["oxide"], "year": s.index.astype(int), "price": s.to_numpy(),
                                      "unit": meta["unit"], "source": sid, "series": series, "used": used}))
    cols = ["oxide", "year", "price", "unit", "source", "series", "used"]
    return pd.concat(rows, ignore_index=True)[cols] if rows else pd.DataFrame(columns=cols)


def public_oxides(series: pd.DataFrame) -> pd.DataFrame:
    """The used public series in the user-file schema (oxide, year, price, unit, source), validated."""
    used = series[series["used"]][REQUIRED + OPTIONAL].reset_index(drop=True)
    return validate_oxides(used, "public oxide series (data/sources.yaml)")


def coverage(series: pd.DataFrame, spec: PanelSpec = PanelSpec()) -> pd.DataFrame:
    """One row per oxide series (oxide as displayed by `label`): years covered, years before the policy,
    and whether Table 7 uses it ("yes", or for an input in ILLUSTRATIVE its caveat)."""
    rows = []
    for (oxide, sid, name), grp in series.groupby(["oxide", "source", "series"], sort=False):
        years = grp["year"].astype(int)
        pre = int((years < spec.policy_year).sum())
        used = (ILLUSTRATIVE.get(sid, "yes") if grp["used"].any() else "no (alternative)" if oxide in OXIDES
                else "no (not a Table 7 oxide)")
        rows.append({"oxide": oxide, "input: series": f"{sid}: {name}", "unit": grp["unit"].iloc[0],
                     "years": f"{years.min()}-{years.max()}", "n years": len(years),
                     f"before {spec.policy_year}": pre, "used in Table 7": used})
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
        _fail(f"column 'year': {len(bad_year)} value(s) not a whole year in {spec.first_year}-{spec.last_year}, "
              f"e.g. {list(bad_year.head(3))}", where)
    price = pd.to_numeric(out["price"], errors="coerce")
    bad_price = out.loc[price.isna() | (price <= 0), "price"]
    if len(bad_price):
        _fail(f"column 'price': {len(bad_price)} missing, non-numeric or non-positive value(s), "
              f"e.g. {list(bad_price.head(3))}", where)
    out["year"], out["price"] = year.astype(int), price.astype(float)
    dup = out[out.duplicated(["oxide", "year"], keep=False)]
    if len(dup):
        first = dup.iloc[0]
        _fail(f"columns 'oxide', 'year': {len(dup)} duplicated oxide-year row(s), e.g. {first['oxide']} {first['year']}",
              where)
    if out["unit"].isna().any() or (out["unit"].astype(str).str.strip() == "").any():
        _fail("column 'unit': empty value(s); state the price's unit on every row", where)
    units = out.groupby("oxide")["unit"].nunique()
    if (units > 1).any():
        _fail(f"column 'unit': more than one unit for oxide(s) {list(units[units > 1].index)}; use one unit per oxide",
              where)
    return out.sort_values(["oxide", "year"], key=lambda s: s.map(OXIDES.index) if s.name == "oxide" else s) \
              .reset_index(drop=True)


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
        rows.append({"column": COLUMNS[oxide], "oxide": NAMES[oxide],
                     "years": f"{years.min()}-{years.max()}" if len(years) else "none",
                     f"before {spec.policy_year}": pre, f"{spec.policy_year} on": post,
                     "DID estimable": "yes" if pre and post else "no"})
    return pd.DataFrame(rows)
