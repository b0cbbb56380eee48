"""Build the mineral-year analysis panel from parsed raw inputs (pure: frames in, frames out).

Which public series feeds which variable is declared here, once, in PRICE_SOURCES,
CR4_SOURCES and GLOBAL_SOURCES; the reasons are in data/sources.yaml (`choice`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core import config
from analysis.core.errors import DataError
from analysis.data.manifest import Source
from analysis.data.splice import SpliceFit, fit_ratio, splice
from analysis.data.transform import (
    annual_mean,
    annual_mean_of_monthly_means,
    concentration_ratio,
    deflator,
    log_real_price,
    missing_years,
)

MINERALS = ("rare_earths", "molybdenum", "coal", "iron_ore", "copper")
MINERAL_LABELS = {
    "rare_earths": "Rare earths",
    "molybdenum": "Molybdenum",
    "coal": "Coal",
    "iron_ore": "Iron ore",
    "copper": "Copper",
}

# mineral -> (source id, series): the nominal price
PRICE_SOURCES = {
    "rare_earths": ("usgs_ds140_rare_earths", "Unit value ($/t)"),
    "molybdenum": ("imf_pcps", "PLMMODY"),
    "coal": ("imf_pcps", "PCOALAU"),
    "iron_ore": ("imf_pcps", "PIORECR"),
    "copper": ("imf_pcps", "PCOPP"),
}
# mineral -> (source id, series) of an older series spliced to PRICE_SOURCES' by one ratio on the
# years both cover (`price_splice`), filling the years the main series lacks
PRICE_SPLICES = {
    "molybdenum": ("usgs_ds140_molybdenum", "Unit value ($/t)"),
}
# mineral -> list of (source id, series, first year, last year) spliced in order
CR4_SOURCES = {
    "rare_earths": [("bgs_ree_copper", "rare earth oxides", 1999, 2022)],
    "molybdenum": [("bgs_wms_extract", "99", 1999, 2021), ("wmd_2018_2022", "Molybdenum", 2022, 2022)],
    "coal": [("ei_coal_2024", "Coal Production - mt", 1999, 2022)],
    # OWID ends at 2012 here: from 2013 its World row switches to USGS usable ore while China stays
    # crude ore, so the top four exceed the world total (CR4 > 1). 2013-2017 stay missing.
    "iron_ore": [
        ("owid_metal_production", "Iron Ore Production (Clio-Infra & USGS)", 1999, 2012),
        ("wmd_2018_2022", "Iron (Fe)", 2018, 2022),
    ],
    "copper": [("bgs_copper", "copper, mine", 1999, 2022)],
}
# variable -> (source id, series)
GLOBAL_SOURCES = {
    "LNGDP": ("imf_weo_oct2023", "PPPGDP"),
    "EPU": ("global_epu_2023_06", "GEPU_current"),
    "GDPG": ("wdi_gdp_growth", "WLD"),
    "BDI": ("bdi", "S0031550"),
    "WUI": ("wui", "Global (GDP weighted average)"),
}
PANEL_COLUMNS = ["mineral", "id", "year", "treat", "post", "DID", "LNPRI", "LNGDP", "CR4", "EPU", "GDPG", "BDI", "WUI"]


@dataclass(frozen=True)
class PanelSpec:
    """Design choices of the panel (papermill parameters of the data chapter)."""

    first_year: int = config.FIRST_YEAR
    last_year: int = config.LAST_YEAR
    policy_year: int = config.POLICY_YEAR
    treated: str = config.TREATED
    base_year: int = config.DEFLATOR_BASE_YEAR
    #: True: LNPRI = ln(price / US CPI-U, base_year = 1); False: ln nominal price (the panel variant "nominal")
    deflate: bool = True
    #: "spliced": molybdenum 1999-2010 from USGS DS140 × the splice ratio; "imf_only": IMF LME years only
    molybdenum: str = "spliced"
    #: "both": iron-ore CR4 from gross ore (1999-2012) and iron content (2018-2022); "gross_only": 1999-2012
    iron_ore_cr4: str = "both"


def to_annual(src: Source, frame: pd.DataFrame) -> pd.DataFrame:
    """Annualise a parsed frame by its layout: monthly/quarterly means, daily mean of monthly means."""
    if "month" in frame.columns:
        return annual_mean(frame, "month", 12)
    if "quarter" in frame.columns:
        return annual_mean(frame, "quarter", 4)
    if "date" in frame.columns:
        return annual_mean_of_monthly_means(frame)
    return frame[["series", "year", "value"]]


def series_by_year(src: Source, frame: pd.DataFrame, series: str, first: int, last: int) -> pd.Series:
    """One annual series over [first, last] ∩ declared coverage; a declared year that is absent is an error."""
    annual = to_annual(src, frame)
    s = annual[annual["series"] == series].set_index("year")["value"].sort_index()
    lo, hi = src.years(series)
    lo, hi = max(lo, first), min(hi, last)
    known = set(src.series[series].get("gaps", []))  # years the manifest declares absent in the file
    gap = [y for y in missing_years(s.index, lo, hi) if y not in known]
    if gap:
        raise DataError(
            src.id,
            f"series '{series}' is missing year(s) {gap} that the manifest declares "
            f"as covered ({lo}-{hi}); a year counts only with all its months/quarters",
        )
    return s.loc[lo:hi]


def production_of(src: Source, frame: pd.DataFrame, series: str, first: int, last: int) -> pd.DataFrame:
    rows = frame[(frame["series"] == series) & frame["year"].between(first, last)]
    gap = missing_years(rows.loc[~rows["is_total"], "year"].unique(), first, last)
    if gap:
        raise DataError(src.id, f"production series '{series}' is missing year(s) {gap}")
    return rows


def cr4_sources(mineral: str, spec: PanelSpec = PanelSpec()) -> list[tuple[str, str, int, int]]:
    """CR4_SOURCES of `mineral` under `spec`.

    Iron ore keeps only the gross-ore source when spec.iron_ore_cr4 == "gross_only".
    """
    parts = CR4_SOURCES[mineral]
    if mineral == "iron_ore" and spec.iron_ore_cr4 == "gross_only":
        return parts[:1]
    if spec.iron_ore_cr4 not in ("both", "gross_only"):
        raise ValueError(f"PanelSpec.iron_ore_cr4 must be 'both' or 'gross_only', not {spec.iron_ore_cr4!r}")
    return parts


def declared_series(
    sources: dict[str, Source], frames: dict[str, pd.DataFrame], sid: str, series: str, spec: PanelSpec = PanelSpec()
) -> pd.Series:
    """`series_by_year` of input `sid` within the panel's years."""
    return series_by_year(sources[sid], frames[sid], series, spec.first_year, spec.last_year)


def price_splice(
    sources: dict[str, Source], frames: dict[str, pd.DataFrame], mineral: str, spec: PanelSpec = PanelSpec()
) -> SpliceFit:
    """The splice ratio of `mineral`'s PRICE_SPLICES series to its PRICE_SOURCES series, with the overlap fit."""
    return fit_ratio(
        declared_series(sources, frames, *PRICE_SPLICES[mineral], spec),
        declared_series(sources, frames, *PRICE_SOURCES[mineral], spec),
    )


def nominal_price(
    sources: dict[str, Source], frames: dict[str, pd.DataFrame], mineral: str, spec: PanelSpec = PanelSpec()
) -> pd.DataFrame:
    """year, value (nominal price), source ("input:series", "× ratio" on spliced years) of one mineral."""
    sid, series = PRICE_SOURCES[mineral]
    main = declared_series(sources, frames, sid, series, spec)
    if mineral in PRICE_SPLICES and spec.molybdenum == "spliced":
        osid, oseries = PRICE_SPLICES[mineral]
        fit = price_splice(sources, frames, mineral, spec)
        return splice(
            declared_series(sources, frames, osid, oseries, spec), main, fit, f"{osid}:{oseries}", f"{sid}:{series}"
        )
    if spec.molybdenum not in ("spliced", "imf_only"):
        raise ValueError(f"PanelSpec.molybdenum must be 'spliced' or 'imf_only', not {spec.molybdenum!r}")
    return pd.DataFrame(
        {"year": main.index.astype(int), "value": main.to_numpy(dtype=float), "source": f"{sid}:{series}"}
    )


def build_panel(
    sources: dict[str, Source],
    frames: dict[str, pd.DataFrame],
    spec: PanelSpec = PanelSpec(),
    prices: dict[str, pd.DataFrame] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (panel, provenance): one row per mineral-year, and the source of each cell.

    `prices` replaces a mineral's nominal price (frame year, value, source), e.g. the rare-earth
    oxide-price index of the panel variant "oxide_index"; otherwise `nominal_price`.
    """
    years = range(spec.first_year, spec.last_year + 1)
    cpi = series_by_year(sources["us_cpi"], frames["us_cpi"], "CPI", spec.first_year, spec.last_year)
    defl = deflator(cpi, spec.base_year)

    rows, prov = [], []
    for mineral in MINERALS:
        frame = (prices or {}).get(mineral)
        if frame is None:
            frame = nominal_price(sources, frames, mineral, spec)
        price = frame.set_index("year")["value"]
        origin = frame.set_index("year")["source"]
        lnpri = log_real_price(price, defl, spec.deflate)
        cr4_parts = []
        for csid, cseries, first, last in cr4_sources(mineral, spec):
            prod = production_of(sources[csid], frames[csid], cseries, first, last)
            try:
                part = concentration_ratio(prod).assign(source=csid)
            except ValueError as exc:
                raise DataError(csid, f"production series '{cseries}': {exc}") from exc
            cr4_parts.append(part)
        cr4 = pd.concat(cr4_parts).set_index("year")
        for year in years:
            rows.append(
                {
                    "mineral": mineral,
                    "year": year,
                    "price_nominal": price.get(year, np.nan),
                    "LNPRI": lnpri.get(year, np.nan),
                    "CR4": cr4["cr"].get(year, np.nan),
                }
            )
            prov.append(
                {
                    "mineral": mineral,
                    "year": year,
                    "LNPRI": origin[year] if year in price.index else "missing",
                    "CR4": f"{cr4['source'][year]} ({cr4['denominator'][year]}; top 4: {cr4['top'][year]})"
                    if year in cr4.index
                    else "missing",
                }
            )
    panel = pd.DataFrame(rows)
    globals_ = global_controls(sources, frames, spec)
    panel = panel.merge(globals_, on="year", how="left")
    panel = add_design(panel, spec)
    ordered = PANEL_COLUMNS + [c for c in panel.columns if c not in PANEL_COLUMNS]
    return panel[ordered], pd.DataFrame(prov)


def global_controls(sources: dict[str, Source], frames: dict[str, pd.DataFrame], spec: PanelSpec) -> pd.DataFrame:
    """Year-level controls: LNGDP = ln world PPP GDP (bn), EPU and WUI annual means, GDPG (%), BDI = ln annual mean."""
    out = pd.DataFrame({"year": range(spec.first_year, spec.last_year + 1)}).set_index("year")
    for var, (sid, series) in GLOBAL_SOURCES.items():
        s = series_by_year(sources[sid], frames[sid], series, spec.first_year, spec.last_year)
        out[var] = np.log(s) if var in ("LNGDP", "BDI") else s
    return out.reset_index()


def add_design(panel: pd.DataFrame, spec: PanelSpec) -> pd.DataFrame:
    """Add id (1..5 in MINERALS order), treat, post and DID = treat × post."""
    unknown = sorted(set(panel["mineral"]) - set(MINERALS))
    if unknown:
        raise DataError("panel", f"column 'mineral' has unknown value(s) {unknown}; expected {list(MINERALS)}")
    out = panel.copy()
    out["id"] = out["mineral"].map({m: i + 1 for i, m in enumerate(MINERALS)}).astype(int)
    out["treat"] = (out["mineral"] == spec.treated).astype(int)
    out["post"] = (out["year"] >= spec.policy_year).astype(int)
    out["DID"] = out["treat"] * out["post"]
    return out.sort_values(["id", "year"]).reset_index(drop=True)
