"""The six oxide price series of Table 7, 1999-2022, from public inputs (pure: series in, frames out).

Sources, all converted to one basis, US$ per kg of oxide, nominal:

* USGS values: the 1999-2015 USGS table values transcribed by Theler, Kauwe & Sparks (2020) and the
  USGS Minerals Yearbook 2022 table 3 for 2021-2022 (and the MCS 2026 Pr-Nd oxide price);
* the Chinese domestic daily quotes (annual mean of monthly means, from 2013), converted to the
  USGS basis by one ratio per oxide estimated on every year both exist (`splice.fit_ratio`), and
  used only where no USGS value exists (2016-2020);
* Pr-Nd oxide before its first USGS year: a proxy k × (w·Pr + (1 − w)·Nd), the weight w and the
  level k calibrated where Pr, Nd and Pr-Nd all exist (`calibrate_prnd`).

Every year carries a `kind`: "USGS", "USGS (flat run)" (a run of identical values, see
`flat_years`), "splice" or "proxy". A year no source covers stays missing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.data.manifest import Source
from analysis.data.panel import PanelSpec, series_by_year
from analysis.data.splice import SpliceFit, fit_ratio

TABLE7_OXIDES = ("Nd2O3", "CeO2", "La2O3", "PrNd", "Dy2O3", "Tb4O7")
ELEMENTS = ("Nd2O3", "CeO2", "La2O3", "Pr6O11", "Dy2O3", "Tb4O7")  # single oxides with their own series
UNIT = "US$/kg"
FLAT_RUN = 3  # a run of at least this many identical annual values is flagged as a flat (list) price


def flat_years(series: pd.Series, min_run: int = FLAT_RUN) -> list[int]:
    """Years inside a run of at least `min_run` consecutive years with the same value (index: year).

    Published list or producer prices change rarely; a market price averaged over a year almost
    never repeats to the cent for three years. Consecutive means consecutive calendar years.
    """
    s = series.dropna().sort_index()
    flagged, run = [], []
    for year, value in s.items():
        if run and year == run[-1][0] + 1 and value == run[-1][1]:
            run.append((year, value))
        else:
            if len(run) >= min_run:
                flagged += [y for y, _ in run]
            run = [(year, value)]
    if len(run) >= min_run:
        flagged += [y for y, _ in run]
    return [int(y) for y in flagged]


@dataclass(frozen=True)
class PrNdCalibration:
    """Pr-Nd oxide ≈ k × (w·Pr + (1 − w)·Nd) on the calibration years."""

    weight: float  # w, the Pr weight, constrained to [0, 1]
    level: float  # k, the level ratio (purity and mixture discount)
    years: list[int]
    fit: pd.DataFrame  # year, Pr, Nd, PrNd, proxy, log_gap
    weight_range: tuple[float, float]  # the weights whose fit is within 1% (log RMSE) of the best: how well w is pinned


def _prnd_fit(pr, nd, prnd, w):
    comb = w * pr + (1 - w) * nd
    k = float(np.exp(np.mean(np.log(prnd) - np.log(comb))))
    gap = np.log(prnd) - np.log(k * comb)
    return k, float(np.sqrt(np.mean(gap**2))), gap


def calibrate_prnd(pr: pd.Series, nd: pd.Series, prnd: pd.Series, step: float = 0.01) -> PrNdCalibration:
    """Least-squares (in logs) weight w ∈ [0, 1] on a grid of `step`, with the level k, on the years
    where Pr, Nd and Pr-Nd oxide prices all exist. ValueError if there is no such year."""
    years = pr.dropna().index.intersection(nd.dropna().index).intersection(prnd.dropna().index).sort_values()
    if len(years) == 0:
        raise ValueError("no year with Pr, Nd and Pr-Nd oxide prices: the proxy cannot be calibrated")
    a, b, c = (s.loc[years].to_numpy(dtype=float) for s in (pr, nd, prnd))
    grid = np.round(np.arange(0.0, 1.0 + step / 2, step), 10)
    rmse = np.array([_prnd_fit(a, b, c, w)[1] for w in grid])
    best = int(np.argmin(rmse))
    w = float(grid[best])
    k, _, gap = _prnd_fit(a, b, c, w)
    near = grid[rmse <= rmse[best] + 0.01]
    fit = pd.DataFrame(
        {"year": years.astype(int), "Pr": a, "Nd": b, "PrNd": c, "proxy": k * (w * a + (1 - w) * b), "log_gap": gap}
    )
    return PrNdCalibration(w, k, [int(y) for y in years], fit, (float(near.min()), float(near.max())))


def prnd_proxy(pr: pd.Series, nd: pd.Series, cal: PrNdCalibration) -> pd.Series:
    """k × (w·Pr + (1 − w)·Nd) for every year with both prices."""
    years = pr.dropna().index.intersection(nd.dropna().index).sort_values()
    return cal.level * (cal.weight * pr.loc[years] + (1 - cal.weight) * nd.loc[years])


@dataclass(frozen=True)
class OxideBuild:
    """The built series (`series`: oxide, year, price, unit, kind, source) and every splice fit shown."""

    series: pd.DataFrame
    splices: dict[str, SpliceFit]
    prnd: PrNdCalibration | None


def _rows(oxide: str, s: pd.Series, kind: str, source: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "oxide": oxide,
            "year": s.index.astype(int),
            "price": s.to_numpy(dtype=float),
            "unit": UNIT,
            "kind": kind,
            "source": source,
        }
    )


def _within(first: int, last: int, s: pd.Series) -> pd.Series:
    return s.dropna().loc[first:last]


def build_oxides(
    usgs_early: dict[str, pd.Series],
    usgs_late: dict[str, pd.Series],
    china: dict[str, pd.Series],
    prnd_usgs: pd.Series | None,
    first: int = 1999,
    last: int = 2022,
    labels: dict[str, str] | None = None,
) -> OxideBuild:
    """Assemble the Table 7 oxides plus Pr6O11 (used by the proxy) within [first, last].

    `usgs_early` / `usgs_late`: oxide -> US$/kg series (Theler et al. 1999-2015; MYB 2021-2022);
    `china`: oxide -> domestic series in its own unit; `prnd_usgs`: USGS Pr-Nd oxide price.
    `labels` names the three sources in the `source` column (keys early, late, china, prnd).
    """
    labels = {
        "early": "USGS via Theler et al.",
        "late": "USGS MYB 2022",
        "china": "China daily",
        "prnd": "USGS MCS 2026",
        **(labels or {}),
    }
    parts, splices, built = [], {}, {}
    for oxide in ELEMENTS:
        early = _within(first, last, usgs_early.get(oxide, pd.Series(dtype=float)))
        late = _within(first, last, usgs_late.get(oxide, pd.Series(dtype=float)))
        flat = set(flat_years(usgs_early.get(oxide, pd.Series(dtype=float))))
        pieces = [
            _rows(oxide, early[[y not in flat for y in early.index]], "USGS", labels["early"]),
            _rows(oxide, early[[y in flat for y in early.index]], "USGS (flat run)", labels["early"]),
            _rows(oxide, late.loc[late.index.difference(early.index)], "USGS", labels["late"]),
        ]
        usgs = pd.concat([early, late.loc[late.index.difference(early.index)]]).sort_index()
        if oxide in china and len(_within(first, last, china[oxide])):
            dom = _within(first, last, china[oxide])
            fit = fit_ratio(dom, usgs)
            splices[oxide] = fit
            fill = dom.loc[dom.index.difference(usgs.index)] * fit.factor
            pieces.append(_rows(oxide, fill, "splice", f"{labels['china']} × {fit.factor:.4g}"))
        frame = pd.concat(pieces, ignore_index=True).sort_values("year").reset_index(drop=True)
        built[oxide] = frame.set_index("year")["price"]
        parts.append(frame)
    cal = None
    if prnd_usgs is not None and len(_within(first, last, prnd_usgs)):
        true = _within(first, last, prnd_usgs)
        cal = calibrate_prnd(built["Pr6O11"], built["Nd2O3"], true)
        proxy = prnd_proxy(built["Pr6O11"], built["Nd2O3"], cal)
        proxy = proxy.loc[proxy.index.difference(true.index)]
        parts += [
            _rows("PrNd", true, "USGS", labels["prnd"]),
            _rows("PrNd", proxy, "proxy", f"proxy {cal.level:.3f} × ({cal.weight:.2f}·Pr + {1 - cal.weight:.2f}·Nd)"),
        ]
    series = pd.concat(parts, ignore_index=True)
    order = {o: i for i, o in enumerate(TABLE7_OXIDES + ("Pr6O11",))}
    series = series.sort_values(["oxide", "year"], key=lambda s: s.map(order) if s.name == "oxide" else s)
    return OxideBuild(series.reset_index(drop=True), splices, cal)


def oxide_index(
    series: pd.DataFrame, oxides=("Nd2O3", "CeO2", "La2O3", "Dy2O3", "Tb4O7"), base_year: int | None = None
) -> pd.DataFrame:
    """Chain-linked equal-weight geometric (Jevons) index of `oxides`' prices.

    The log change from year t−1 to t is the mean of the log changes of the oxides priced in both
    years; the index starts at the geometric mean of the prices in its first year (US$/kg of a
    one-kg-each basket, in geometric terms), so it reads as a price level. Columns: year, index,
    n_oxides (how many oxides carry that year's change).
    """
    wide = series[series["oxide"].isin(oxides)].pivot(index="year", columns="oxide", values="price").sort_index()
    logs = np.log(wide)
    years = list(wide.index)
    start = base_year if base_year is not None else years[0]
    level = float(logs.loc[start].dropna().mean())
    rows = [{"year": int(start), "index": float(np.exp(level)), "n_oxides": int(logs.loc[start].notna().sum())}]
    for prev, year in zip(years[years.index(start) :], years[years.index(start) + 1 :]):
        change = (logs.loc[year] - logs.loc[prev]).dropna()
        if change.empty:
            raise ValueError(f"oxide index: no oxide priced in both {prev} and {year}")
        level += float(change.mean())
        rows.append({"year": int(year), "index": float(np.exp(level)), "n_oxides": len(change)})
    return pd.DataFrame(rows)


# inputs of `public_build`: role -> input id (each series maps to an oxide through its manifest `oxide`)
PUBLIC_INPUTS = {
    "early": "theler_oxide_prices",
    "late": "usgs_myb2022_rare_earths",
    "china": "china_oxide_prices_daily",
    "prnd": "usgs_mcs2026_rare_earths",
}


def _by_oxide(src: Source, frame: pd.DataFrame, spec: PanelSpec) -> dict[str, pd.Series]:
    return {
        meta["oxide"]: series_by_year(src, frame, name, spec.first_year, spec.last_year)
        for name, meta in src.series.items()
        if "oxide" in meta
    }


def public_build(
    sources: dict[str, Source], frames: dict[str, pd.DataFrame], spec: PanelSpec = PanelSpec()
) -> OxideBuild:
    """`build_oxides` on the declared public inputs (PUBLIC_INPUTS), within the panel's years."""
    parts = {role: _by_oxide(sources[sid], frames[sid], spec) for role, sid in PUBLIC_INPUTS.items()}
    labels = {role: sources[sid].meta.get("short", sid) for role, sid in PUBLIC_INPUTS.items()}
    return build_oxides(
        parts["early"],
        parts["late"],
        parts["china"],
        parts["prnd"].get("PrNd"),
        spec.first_year,
        spec.last_year,
        labels,
    )


def splice_table(build: OxideBuild) -> pd.DataFrame:
    """Every splice of `build` on its overlap: oxide, year, old (domestic), new (USGS), old_scaled, log_gap, factor."""
    parts = [fit.overlap.assign(oxide=oxide, factor=fit.factor) for oxide, fit in build.splices.items()]
    cols = ["oxide", "year", "old", "new", "old_scaled", "log_gap", "factor"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


def prnd_table(build: OxideBuild) -> pd.DataFrame:
    """The Pr-Nd proxy's calibration years (year, Pr, Nd, PrNd, proxy, log_gap) with weight, level and
    the range of weights that fit within 1% of the best."""
    cal = build.prnd
    if cal is None:
        return pd.DataFrame(
            columns=["year", "Pr", "Nd", "PrNd", "proxy", "log_gap", "weight", "level", "weight_low", "weight_high"]
        )
    return cal.fit.assign(
        weight=cal.weight, level=cal.level, weight_low=cal.weight_range[0], weight_high=cal.weight_range[1]
    )
