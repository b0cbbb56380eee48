"""Table 7: the quota's price effect oxide by oxide, from public oxide prices or a user's file.

The paper regresses each oxide's (log) international price on DID, `period` and `treat` with
mineral and year fixed effects and controls, the four control minerals of the main panel serving as
the control group. Here each oxide's annual series replaces the rare-earth rows of the panel
(`oxide_sample`) and `fit_twfe` estimates the paper's specification (`fit_oxide`).

Two sources of oxide prices, one schema (`SCHEMA`: oxide, year, price, unit[, source]):

* public series declared in data/sources.yaml (`public_series`, `public_oxides`): none starts
  before 2013, so for every oxide DID equals `treat` on the oxide rows and is collinear with the
  oxide's own fixed effect — Table 7 is not estimable from public data;
* a user-supplied CSV (`load_oxides`), validated with errors naming the file and the column.
"""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataError
from .manifest import Source
from .panel import PanelSpec, series_by_year
from .regtable import paper_table, regression_table
from .twfe import NOT_IDENTIFIED, TwfeResult, fit_twfe, identified_regressors, not_estimable

OXIDES = ("Nd2O3", "CeO2", "La2O3", "PrNd", "Dy2O3", "Tb4O7")
COLUMNS = {"Nd2O3": "(1) Nd2O3", "CeO2": "(2) CeO2", "La2O3": "(3) La2O3", "PrNd": "(4) PrNd oxide",
           "Dy2O3": "(5) Dy2O3", "Tb4O7": "(6) Tb4O7"}
NAMES = {"Nd2O3": "neodymium oxide (氧化钕)", "CeO2": "cerium oxide (氧化铈)", "La2O3": "lanthanum oxide (氧化镧)",
         "PrNd": "Pr-Nd oxide (氧化镨钕)", "Dy2O3": "dysprosium oxide (氧化镝)",
         "Tb4O7": "terbium oxide (氧化铽)"}
CONTROLS = ["LNGDP", "CR4", "EPU"]  # those of Table 3 column (5); CR4 of the oxide rows = rare-earth CR4
REGRESSORS = ["DID", "period", "treat", *CONTROLS]
TERMS = ["DID", "period", "treat", "CR4", "LNGDP", "EPU", "Constant"]  # display order

# the series each oxide's public column uses (input id, series); alternatives are listed, not used
PUBLIC_SOURCES = {
    "Nd2O3": ("china_oxide_prices_daily", "氧化钕平均价"),
    "CeO2": ("china_oxide_prices_daily", "氧化铈平均价"),
    "La2O3": ("china_oxide_prices_daily", "氧化镧平均价"),
    "PrNd": ("usgs_mcs2026_rare_earths", "Neodymium-praseodymium (NdPr) oxide"),
    "Dy2O3": ("usgs_myb2022_rare_earths", "Dysprosium"),
    "Tb4O7": ("usgs_myb2022_rare_earths", "Terbium"),
}
OXIDE_INPUTS = ("china_oxide_prices_daily", "usgs_myb2022_rare_earths", "usgs_mcs2026_rare_earths")
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


# ------------------------------------------------------------------ public series

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


# ------------------------------------------------------------------ the user's file

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


# ------------------------------------------------------------------ estimation

def implied_deflator(panel: pd.DataFrame, tol: float = 1e-9) -> pd.Series | None:
    """The deflator behind LNPRI, by year: price_nominal / exp(LNPRI) (1 if the panel is undeflated).

    None when the panel has no `price_nominal` (a user panel); raises ValueError if minerals imply
    different deflators in a year (then LNPRI is not a common-deflator log price).
    """
    if "price_nominal" not in panel.columns:
        return None
    rows = panel.dropna(subset=["price_nominal", "LNPRI"])
    if rows.empty:
        return None
    d = rows["price_nominal"] / np.exp(rows["LNPRI"])
    spread = d.groupby(rows["year"]).agg(lambda v: v.max() / v.min() - 1)
    if (spread > tol).any():
        raise ValueError(f"LNPRI implies different deflators across minerals in year(s) {list(spread[spread > tol].index)}")
    return d.groupby(rows["year"]).mean()


def oxide_sample(panel: pd.DataFrame, oxides: pd.DataFrame, oxide: str, deflator: pd.Series | None = None,
                 spec: PanelSpec = PanelSpec()) -> pd.DataFrame:
    """The regression sample of one oxide: the control minerals' panel rows plus the oxide's rows.

    Oxide rows: mineral = the oxide, LNPRI = ln(price / deflator) (ln price when `deflator` is None),
    treat = 1, period = 1 from the policy year, DID = treat × period, CR4 = the rare-earth CR4 of
    the year (mining concentration applies to every oxide), LNGDP and EPU of the year.
    """
    ox = oxides[oxides["oxide"] == oxide]
    if ox.empty:
        raise KeyError(f"no prices for oxide {oxide}")
    price = ox.set_index("year")["price"]
    if deflator is not None:
        lacking = sorted(set(price.index) - set(deflator.index))
        if lacking:
            raise ValueError(f"no deflator for year(s) {lacking}")
        price = price / deflator.reindex(price.index)
    by_year = panel[panel["mineral"] == spec.treated].set_index("year")
    rows = pd.DataFrame({"mineral": oxide, "year": price.index, "LNPRI": np.log(price.to_numpy()),
                         "CR4": by_year["CR4"].reindex(price.index).to_numpy()})
    year_level = panel.groupby("year")[["LNGDP", "EPU"]].first()
    rows = rows.join(year_level, on="year")
    controls = panel[panel["mineral"] != spec.treated][["mineral", "year", "LNPRI", "CR4", "LNGDP", "EPU"]]
    out = pd.concat([controls, rows], ignore_index=True)
    out["treat"] = (out["mineral"] == oxide).astype(int)
    out["period"] = (out["year"] >= spec.policy_year).astype(int)
    out["DID"] = out["treat"] * out["period"]
    return out


def fit_oxide(panel: pd.DataFrame, oxides: pd.DataFrame, oxide: str, deflator: pd.Series | None = None,
              no_window: str = "no price before and after 2006 (not estimable)",
              spec: PanelSpec = PanelSpec()) -> TwfeResult:
    """The paper's Table 7 regression for one oxide (REGRESSORS, mineral and year FE, clustered by mineral).

    If the oxide's estimation sample has no year before the policy year, or none from it on, DID is
    constant on the oxide's rows and collinear with its fixed effect: its row and the constant's are
    marked not identified with the note `no_window` (e.g. "no public series before 2006 (not
    estimable)"), and so is every other term (the constant, CR4: estimated almost only on the control
    minerals), with R² NaN — what remains is not the paper's model.
    """
    sample = oxide_sample(panel, oxides, oxide, deflator, spec)
    res = fit_twfe(sample, "LNPRI", REGRESSORS)
    res = dataclasses.replace(res, outcome=f"LNPRI {oxide}")
    used = sample.loc[res.sample]
    treated = used[used["treat"] == 1]
    if treated["period"].nunique() < 2:  # no DID: what remains (CR4 on mostly control rows) is not the paper's model
        res = not_estimable(res, no_window)
    return res


def table7(panel: pd.DataFrame, oxides: pd.DataFrame, deflator: pd.Series | None = None,
           no_window: str = "no price before and after 2006 (not estimable)",
           spec: PanelSpec = PanelSpec()) -> dict[str, TwfeResult]:
    """Column label -> fitted regression, for each of the six oxides that `oxides` contains."""
    return {COLUMNS[o]: fit_oxide(panel, oxides, o, deflator, no_window, spec)
            for o in OXIDES if (oxides["oxide"] == o).any()}


def verdicts(panel: pd.DataFrame, oxides: pd.DataFrame, deflator: pd.Series | None = None,
             spec: PanelSpec = PanelSpec()) -> pd.DataFrame:
    """What the identification check of `fit_twfe` says about DID, period and treat, oxide by oxide.

    Rows: oxide columns present in `oxides`; cells: 'identified' or why it is not (the check's own
    words without the 'not identified' prefix, before `fit_oxide` relabels a DID without a pre/post window).
    """
    rows = []
    for oxide in OXIDES:
        if not (oxides["oxide"] == oxide).any():
            continue
        sample = oxide_sample(panel, oxides, oxide, deflator, spec).dropna(subset=["LNPRI", *REGRESSORS])
        verdict = identified_regressors(sample, REGRESSORS)
        short = lambda v: v[len(NOT_IDENTIFIED):].strip(" ()") if v.startswith(NOT_IDENTIFIED) else v
        rows.append({"column": COLUMNS[oxide], "N": len(sample),
                     **{term: short(verdict[term]) or "identified" for term in ("DID", "period", "treat")}})
    return pd.DataFrame(rows)


def identification(panel: pd.DataFrame, oxides: pd.DataFrame, deflator: pd.Series | None = None,
                   spec: PanelSpec = PanelSpec()) -> pd.DataFrame:
    """`window` beside `verdicts`: per oxide column (as displayed by `label`), the years, the pre/post
    counts, N and the identification check's verdict on DID, period and treat."""
    win = window(oxides, spec).drop(columns=["oxide"])
    ver = verdicts(panel, oxides, deflator, spec)
    out = win.merge(ver, on="column", how="left")
    return out.assign(column=out["column"].map(label))


def table7_display(results: dict[str, TwfeResult], reported: pd.DataFrame, columns: list[str],
                   terms: tuple[str, ...] = ("DID", "period", "treat", "Constant")) -> pd.DataFrame:
    """Display frame of some of Table 7's `columns`, oxide formulas with subscripts (`label`).

    When at least one of our columns has an identified DID: the paper's values beside ours
    (`regression_table`). Otherwise the paper's values alone (`paper_table`) and one last row "ours"
    that says, per column, "not estimable" (fitted, no DID) or "no prices in this build"."""
    present = {c: results[c] for c in columns if c in results}
    if any(bool(r.term("DID")["identified"]) for r in present.values()):
        frame = regression_table(present, list(terms), reported=reported)
    else:
        frame = paper_table(reported, columns, list(terms))
        ours = {c: "not estimable" if c in present else "no prices in this build" for c in columns}
        frame = pd.concat([frame, pd.DataFrame([{"": "ours", **ours}])], ignore_index=True)
    return frame.rename(columns=label)


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

