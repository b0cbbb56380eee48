"""Cross-source checks written next to the panel: where two public sources overlap, show both."""

from __future__ import annotations

import pandas as pd

from analysis.data.manifest import Source
from analysis.data.panel import PanelSpec, price_splice
from analysis.data.transform import concentration_ratio, overlap_check


def molybdenum_price_overlap(
    sources: dict[str, Source], frames: dict[str, pd.DataFrame], spec: PanelSpec = PanelSpec()
) -> pd.DataFrame:
    """The molybdenum splice on its overlap: IMF LME and USGS DS140 unit value (US$/t -> $/kg) by year,
    DS140 × the splice ratio, ln(IMF / scaled DS140), and the ratio itself (column `factor`)."""
    fit = price_splice(sources, frames, "molybdenum", spec)
    out = fit.overlap.rename(
        columns={"new": "IMF LME ($/kg)", "old": "USGS DS140 ($/kg)", "old_scaled": "DS140 x ratio ($/kg)"}
    )
    for col in ("IMF LME ($/kg)", "USGS DS140 ($/kg)", "DS140 x ratio ($/kg)"):
        out[col] = out[col] / 1000.0
    return out.assign(factor=fit.factor, check="molybdenum price")


def cr4_of(frame: pd.DataFrame, series: str, first: int, last: int) -> pd.Series:
    """CR4 by year of one production series within [first, last] (index: year)."""
    rows = frame[(frame["series"] == series) & frame["year"].between(first, last)]
    return concentration_ratio(rows).set_index("year")["cr"]


# (check, (input A, series A), (input B, series B), years): CR4 of the same mineral from two sources
CR4_OVERLAPS = (
    (
        "rare earths CR4",
        ("usgs_myb2022_ree_production", "rare earths (MYB T8)"),
        ("bgs_ree_copper", "rare earth oxides"),
        (2018, 2022),
    ),
    ("molybdenum CR4", ("bgs_wms_extract", "99"), ("wmd_2018_2022", "Molybdenum"), (2018, 2021)),
)


def cr4_overlaps(sources: dict[str, Source], frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """check, year, source A, source B, A, B, A - B for each pair in CR4_OVERLAPS present in `frames`."""
    parts = []
    for check, (sa, xa), (sb, xb), (first, last) in CR4_OVERLAPS:
        if sa not in frames or sb not in frames:
            continue
        out = overlap_check(cr4_of(frames[sa], xa, first, last), cr4_of(frames[sb], xb, first, last))
        parts.append(
            out.rename(columns={"a": "A", "b": "B", "diff": "A - B"})
            .rename_axis("year")
            .reset_index()
            .assign(
                check=check,
                **{"source A": sources[sa].meta.get("short", sa), "source B": sources[sb].meta.get("short", sb)},
            )
        )
    cols = ["check", "year", "source A", "source B", "A", "B", "A - B"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


def cr4_overlap_table(frame: pd.DataFrame, digits: int = 4) -> pd.DataFrame:
    """Display frame of `cr4_overlaps`: the check and its two sources named on its first row."""
    rows = []
    for check, grp in frame.groupby("check", sort=False):
        for i, (_, r) in enumerate(grp.iterrows()):
            rows.append(
                {
                    "check": f"{check} (A: {r['source A']}; B: {r['source B']})" if i == 0 else "",
                    "year": str(int(r["year"])),
                    "A": f"{r['A']:.{digits}f}",
                    "B": f"{r['B']:.{digits}f}",
                    "A − B": f"{r['A - B']:+.{digits}f}",
                }
            )
    return pd.DataFrame(rows)


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
    rows = [
        {
            "input": s.id,
            "publisher": first_clause(str(s.meta.get("publisher", ""))),
            "vintage": s.meta.get("vintage", ""),
            "used for": "; ".join(s.meta.get("variables", [])),
            "licence": str(s.meta.get("licence", "")),
            "sha256": s.sha256[:12] + "…",
        }
        for s in sources.values()
    ]
    return pd.DataFrame(rows)
