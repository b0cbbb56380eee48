"""Tables 1 and 2: variable definitions with sources, and descriptive statistics beside the paper's."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .manifest import Source
from .panel import CR4_SOURCES, GLOBAL_SOURCES, MINERAL_LABELS, MINERALS, PRICE_SOURCES

TABLE2_ROWS = ["id", "year", "DID", "LNPRI", "LNGDP", "CR4", "EPU"]
STATS = ["n", "mean", "sd", "min", "max"]
STAT_ZH = {"n": "样本量", "mean": "均值", "sd": "标准差", "min": "最小值", "max": "最大值"}


def describe(panel: pd.DataFrame, columns=TABLE2_ROWS) -> pd.DataFrame:
    """N, mean, sample s.d. (ddof=1, as Stata's summarize), min, max of each column; rows = variables."""
    cols = [c for c in columns if c in panel.columns]
    data = panel[cols].astype(float)
    return pd.DataFrame({"n": data.count(), "mean": data.mean(), "sd": data.std(ddof=1),
                         "min": data.min(), "max": data.max()}).loc[cols]


def paper_table2(reported: pd.DataFrame) -> pd.DataFrame:
    """The paper's Table 2 as variables × statistics."""
    t2 = reported[reported["table"] == "table2"]
    wide = t2.pivot_table(index="row", columns="statistic", values="value", aggfunc="first")
    return wide.reindex(index=TABLE2_ROWS, columns=STATS)


def table2_comparison(panel: pd.DataFrame, reported: pd.DataFrame) -> pd.DataFrame:
    """Paper and ours side by side: columns (statistic, 'paper'|'ours')."""
    ours, paper = describe(panel), paper_table2(reported)
    parts = {}
    for stat in STATS:
        parts[(stat, "paper")] = paper[stat]
        parts[(stat, "ours")] = ours[stat].reindex(paper.index)
    return pd.DataFrame(parts)


def format_table2(comparison: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """Flatten the side-by-side table for display (N as integers, other statistics rounded)."""
    out = pd.DataFrame(index=comparison.index)
    for stat, who in comparison.columns:
        col = comparison[(stat, who)]
        fmt = (lambda v: "" if pd.isna(v) else f"{int(v)}") if stat == "n" else \
              (lambda v: "" if pd.isna(v) else f"{v:,.{digits}f}")
        out[f"{stat.upper() if stat == 'n' else stat} ({who})"] = col.map(fmt)
    out.index.name = "variable"
    return out.reset_index()


def year_ranges(years) -> str:
    """[1999, 2000, 2001, 2005] -> '1999-2001, 2005'."""
    years = sorted(int(y) for y in years)
    if not years:
        return ""
    spans, start, prev = [], years[0], years[0]
    for y in years[1:] + [None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        spans.append(f"{start}" if start == prev else f"{start}-{prev}")
        if y is not None:
            start = prev = y
    return ", ".join(spans)


def gaps(panel: pd.DataFrame, columns=("LNPRI", "CR4")) -> pd.DataFrame:
    """Missing mineral-years per variable, as year ranges."""
    rows = []
    for col in columns:
        for mineral in MINERALS:
            sub = panel[panel["mineral"] == mineral]
            missing = sub.loc[sub[col].isna(), "year"]
            if len(missing):
                rows.append({"variable": col, "mineral": MINERAL_LABELS[mineral], "missing years": year_ranges(missing),
                             "n missing": len(missing)})
    return pd.DataFrame(rows, columns=["variable", "mineral", "missing years", "n missing"])


def our_sources(sources: dict[str, Source]) -> dict[str, str]:
    """Symbol -> a one-line description of the public series this book uses for it."""
    title = lambda sid: sources[sid].meta.get("title", sid)
    price = "; ".join(f"{MINERAL_LABELS[m]}: {title(sid)} [{series}]" for m, (sid, series) in PRICE_SOURCES.items())
    cr4 = "; ".join(f"{MINERAL_LABELS[m]}: " + " + ".join(f"{title(sid)} {a}-{b}" for sid, _, a, b in parts)
                    for m, parts in CR4_SOURCES.items())
    out = {"LNPRI": price + "; deflated by " + title("us_cpi") + " (1999 = 1)",
           "CR4": cr4, "DID": "constructed: treat × period (policy year 2006)",
           "treat": "constructed: 1 for rare earths", "period": "constructed: 1 from 2006"}
    for var, (sid, series) in GLOBAL_SOURCES.items():
        out[var] = f"{title(sid)} [{series}]"
    return out


def table1(variables: pd.DataFrame, sources: dict[str, Source]) -> pd.DataFrame:
    """Variables, symbols, definitions, the paper's sources and ours, side by side."""
    ours = our_sources(sources)
    out = variables[["symbol", "name_zh", "name_en", "source_paper"]].copy()
    out["source_ours"] = out["symbol"].map(ours).fillna("")
    return out.rename(columns={"name_zh": "name (zh)", "name_en": "name", "source_paper": "source (paper)",
                               "source_ours": "source (this book)"})


def lnpri_sensitivity(panel: pd.DataFrame) -> pd.DataFrame:
    """Describe LNPRI deflated (as built) and undeflated, ln(nominal price), to compare with the paper."""
    undeflated = np.log(panel["price_nominal"])
    return pd.concat({"LNPRI deflated (1999 = 1)": describe(panel, ["LNPRI"]).iloc[0],
                      "ln nominal price": describe(pd.DataFrame({"x": undeflated}), ["x"]).iloc[0]}, axis=1).T
