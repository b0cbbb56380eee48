"""Cross-source checks written next to the panel: where two public sources overlap, show both."""
from __future__ import annotations

import pandas as pd

from analysis.data.manifest import Source
from analysis.data.panel import PanelSpec, price_splice
from analysis.data.transform import concentration_ratio, overlap_check


def molybdenum_price_overlap(sources: dict[str, Source], frames: dict[str, pd.DataFrame],
                             spec: PanelSpec = PanelSpec()) -> pd.DataFrame:
    """The molybdenum splice on its overlap: IMF LME and USGS DS140 unit value (US$/t -> $/kg) by year,
    DS140 × the splice ratio, ln(IMF / scaled DS140), and the ratio itself (column `factor`)."""
    fit = price_splice(sources, frames, "molybdenum", spec)
    out = fit.overlap.rename(columns={"new": "IMF LME ($/kg)", "old": "USGS DS140 ($/kg)",
                                      "old_scaled": "DS140 x ratio ($/kg)"})
    for col in ("IMF LME ($/kg)", "USGS DS140 ($/kg)", "DS140 x ratio ($/kg)"):
        out[col] = out[col] / 1000.0
    return out.assign(factor=fit.factor, check="molybdenum price")


def molybdenum_cr4_overlap(sources: dict[str, Source], frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """CR4 of molybdenum from BGS (sum of countries) vs World Mining Data (world total), 2018-2021."""
    bgs = frames["bgs_wms_extract"]
    wmd = frames["wmd_2018_2022"]
    a = concentration_ratio(bgs[(bgs["series"] == "99") & bgs["year"].between(2018, 2021)]).set_index("year")["cr"]
    b = concentration_ratio(wmd[(wmd["series"] == "Molybdenum") & wmd["year"].between(2018, 2021)]).set_index("year")["cr"]
    out = overlap_check(a, b).rename(columns={"a": "CR4 BGS", "b": "CR4 WMD", "diff": "BGS - WMD"})
    return out.reset_index().assign(check="molybdenum CR4")


def first_clause(text: str, sep: str = ";") -> str:
    """`text` up to the first `sep` outside parentheses ("A (x; y); B" -> "A (x; y)")."""
    depth = 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if ch == sep and depth == 0:
            return text[:i].strip()
    return text.strip()


def inputs_table(sources: dict[str, Source]) -> pd.DataFrame:
    """One row per declared input for the data chapter."""
    rows = [{"input": s.id, "publisher": first_clause(str(s.meta.get("publisher", ""))),
             "vintage": s.meta.get("vintage", ""), "used for": "; ".join(s.meta.get("variables", [])),
             "licence": str(s.meta.get("licence", "")), "sha256": s.sha256[:12] + "…"} for s in sources.values()]
    return pd.DataFrame(rows)


def overlap_table(price: pd.DataFrame, cr4: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """Display frame of the two overlap checks (`molybdenum_price_overlap`, `molybdenum_cr4_overlap`,
    as written to the build's data directory): one row per year with the unit, both sources (price:
    A = IMF LME, B = USGS DS140 unit value; CR4: A = BGS, B = World Mining Data), their ratio A/B and their
    difference A − B; the check is named on its first row."""
    parts = [(price, "molybdenum price", "US\\$/kg", "IMF LME ($/kg)", "USGS DS140 ($/kg)"),  # \$: not TeX math
             (cr4, "molybdenum CR4", "share of world output", "CR4 BGS", "CR4 WMD")]
    rows = []
    for frame, check, unit, a, b in parts:
        for i, (year, va, vb) in enumerate(zip(frame["year"], frame[a], frame[b])):
            rows.append({"check": check if i == 0 else "", "year": str(int(year)), "unit": unit,
                         "A": f"{va:.{digits}f}", "B": f"{vb:.{digits}f}", "A/B": f"{va / vb:.{digits}f}",
                         "A − B": f"{va - vb:+.{digits}f}"})
    return pd.DataFrame(rows)


