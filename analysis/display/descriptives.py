"""Tables 1 and 2: variable definitions with sources, and descriptive statistics beside the paper's."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis.core import config
from analysis.data.manifest import Source
from analysis.data.panel import (
    CR4_SOURCES,
    GLOBAL_SOURCES,
    MINERAL_LABELS,
    MINERALS,
    PRICE_SOURCES,
)
from analysis.display.markdown import breakable

TABLE2_ROWS = ["id", "year", "DID", "LNPRI", "LNGDP", "CR4", "EPU"]
STATS = ["n", "mean", "sd", "min", "max"]
STAT_LABELS = {"n": "N", "mean": "mean", "sd": "s.d.", "min": "min", "max": "max"}
# the paper's numbered references that its Table 1 sources cite -> bibliography keys (references.bib)
PAPER_REFERENCES = {"37": "baker2016"}


def describe(panel: pd.DataFrame, columns=TABLE2_ROWS) -> pd.DataFrame:
    """N, mean, sample s.d. (ddof=1, as Stata's summarize), min, max of each column; rows = variables."""
    cols = [c for c in columns if c in panel.columns]
    data = panel[cols].astype(float)
    return pd.DataFrame(
        {"n": data.count(), "mean": data.mean(), "sd": data.std(ddof=1), "min": data.min(), "max": data.max()}
    ).loc[cols]


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


def _stat_cell(value: float, stat: str, signed: bool, digits: int) -> str:
    if pd.isna(value):
        return ""
    value = 0.0 if round(value, 0 if stat == "n" else digits) == 0 else value  # no "-0.000" or "+0"
    sign = "+" if signed and value != 0 else ""
    return f"{int(value):{sign}d}" if stat == "n" else f"{value:{sign}.{digits}f}"


def format_table2(comparison: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """Display frame of `table2_comparison`: three rows per variable (the paper's values, ours, and
    ours − paper), one column per statistic (N as integers, the others rounded to `digits`)."""
    rows = []
    for var in comparison.index:
        paper = comparison.loc[var].xs("paper", level=1)
        ours = comparison.loc[var].xs("ours", level=1)
        for who, values in (("paper", paper), ("ours", ours), ("ours − paper", ours - paper)):
            signed = who == "ours − paper"
            rows.append(
                {
                    "variable": var if who == "paper" else "",
                    "": who,
                    **{STAT_LABELS[s]: _stat_cell(values[s], s, signed, digits) for s in STATS},
                }
            )
    return pd.DataFrame(rows)


def year_ranges(years, dash: str = "-", last: str = ", ") -> str:
    """[1999, 2000, 2001, 2005] -> '1999-2001, 2005'; `dash` joins a span, `last` precedes the last
    span (year_ranges(y, "–", " and ") -> '1999–2001 and 2005')."""
    years = sorted(int(y) for y in years)
    if not years:
        return ""
    spans, start, prev = [], years[0], years[0]
    for y in years[1:] + [None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        spans.append(f"{start}" if start == prev else f"{start}{dash}{prev}")
        if y is not None:
            start = prev = y
    return spans[0] if len(spans) == 1 else ", ".join(spans[:-1]) + last + spans[-1]


def gaps(panel: pd.DataFrame, columns=("LNPRI", "CR4")) -> pd.DataFrame:
    """Missing mineral-years per variable, as year ranges."""
    rows = []
    for col in columns:
        for mineral in MINERALS:
            sub = panel[panel["mineral"] == mineral]
            missing = sub.loc[sub[col].isna(), "year"]
            if len(missing):
                rows.append(
                    {
                        "variable": col,
                        "mineral": MINERAL_LABELS[mineral],
                        "missing years": year_ranges(missing),
                        "n missing": len(missing),
                    }
                )
    return pd.DataFrame(rows, columns=["variable", "mineral", "missing years", "n missing"])


def source_name(sources: dict[str, Source], sid: str) -> str:
    """The short display name of a declared input (`short` in data/sources.yaml, else its title)."""
    meta = sources[sid].meta
    return str(meta.get("short") or meta.get("title") or sid)


def _span(first: int, last: int) -> str:
    return f"{first}" if first == last else f"{first}–{last}"


def our_sources(sources: dict[str, Source]) -> dict[str, str]:
    """Symbol -> a one-line description of the public series this book uses for it."""

    def name(sid):
        return source_name(sources, sid)

    by_source: dict[str, list[tuple[str, str]]] = {}
    for mineral, (sid, series) in PRICE_SOURCES.items():
        by_source.setdefault(sid, []).append((MINERAL_LABELS[mineral].lower(), series))
    price = "; ".join(
        f"{', '.join(m for m, _ in items)}: {name(sid)} [{', '.join(s for _, s in items)}]"
        for sid, items in by_source.items()
    )
    cr4 = "; ".join(
        f"{MINERAL_LABELS[m].lower()}: " + " and ".join(f"{name(sid)} ({_span(a, b)})" for sid, _, a, b in parts)
        for m, parts in CR4_SOURCES.items()
    )
    out = {
        "LNPRI": price[0].upper() + price[1:] + f"; deflated by {name('us_cpi')}, rebased to 1999 = 1",
        "CR4": cr4[0].upper() + cr4[1:],
        "DID": "constructed: treat × period (policy year 2006)",
        "treat": "constructed: 1 for rare earths",
        "period": "constructed: 1 from 2006 (column `post` of the panel)",
    }
    for var, (sid, series) in GLOBAL_SOURCES.items():
        out[var] = f"{name(sid)} [{series}]"
    return out


def cite_paper_references(text: str) -> str:
    """Replace the paper's own reference numbers ("[37]") by citations of the same work in the book's
    bibliography ("[-@baker2016]", printed as the year after the authors' names); unknown numbers stay."""
    return re.sub(
        r"\[(\d+)\]",
        lambda m: f"[-@{PAPER_REFERENCES[m.group(1)]}]" if m.group(1) in PAPER_REFERENCES else m.group(0),
        str(text),
    )


def table1(variables: pd.DataFrame, sources: dict[str, Source]) -> pd.DataFrame:
    """Variables, symbols, definitions, the paper's sources and ours, side by side."""
    ours = our_sources(sources)
    out = variables[["symbol", "name_zh", "name_en", "source_paper"]].copy()
    out["source_paper"] = out["source_paper"].map(cite_paper_references)
    out["source_ours"] = out["symbol"].map(ours).fillna("")
    return out.rename(
        columns={
            "name_zh": "name (zh)",
            "name_en": "name",
            "source_paper": "source (paper)",
            "source_ours": "source (this book)",
        }
    )


def lnpri_sensitivity(panel: pd.DataFrame) -> pd.DataFrame:
    """Describe LNPRI deflated (as built) and undeflated, ln(nominal price), to compare with the paper."""
    undeflated = np.log(panel["price_nominal"])
    return pd.concat(
        {
            "LNPRI deflated (1999 = 1)": describe(panel, ["LNPRI"]).iloc[0],
            "ln nominal price": describe(pd.DataFrame({"x": undeflated}), ["x"]).iloc[0],
        },
        axis=1,
    ).T


def price_milestones(
    panel: pd.DataFrame, mineral: str = "rare_earths", outcome: str = "LNPRI", policy_year: int = config.POLICY_YEAR
) -> dict | None:
    """Turning points of one mineral's price path, for prose: the year of the lowest value, the highest
    pre-policy year and the first later year above it (None if never), the year of the peak, the last
    year and whether it ends below the pre-policy mean. None without observations on both sides."""
    s = panel[panel["mineral"] == mineral].set_index("year")[outcome].dropna().sort_index()
    pre, post = s[s.index < policy_year], s[s.index >= policy_year]
    if pre.empty or post.empty:
        return None
    above = post[post > pre.max()]
    return {
        "low_year": int(s.idxmin()),
        "pre_high_year": int(pre.idxmax()),
        "back_above_year": int(above.index.min()) if len(above) else None,
        "peak_year": int(s.idxmax()),
        "first_year": int(s.index.min()),
        "last_year": int(s.index.max()),
        "pre_span": _span(int(pre.index.min()), int(pre.index.max())),
        "ends_below_pre_mean": bool(s.iloc[-1] < pre.mean()),
    }


def price_path_sentence(
    m: dict, policy_year: int = config.POLICY_YEAR, crisis: tuple[int, int] = (2010, 2012), crisis_note: str = ""
) -> str:
    """A sentence describing `price_milestones` ("falls to its lowest level in 2006, ... peaks in 2011 ...");
    `crisis_note` is appended to the peak year when it lies in `crisis`."""
    if m["low_year"] >= policy_year:
        low = f"falls to its lowest level of {m['first_year']}–{m['last_year']} in {m['low_year']}" + (
            ", the quota's first year" if m["low_year"] == policy_year else ""
        )
    else:
        low = f"is lowest in {m['low_year']}, before the quota"
    back = (
        f"passes its pre-quota high ({m['pre_high_year']}) again only in {m['back_above_year']}"
        if m["back_above_year"]
        else f"never again passes its pre-quota high ({m['pre_high_year']})"
    )
    peak = f"peaks in {m['peak_year']}" + (
        f" {crisis_note}" if crisis_note and crisis[0] <= m["peak_year"] <= crisis[1] else ""
    )
    end = (
        f"and by {m['last_year']} it is back {'below' if m['ends_below_pre_mean'] else 'above'} its "
        f"{m['pre_span']} average"
    )
    return f"{low}; it {back}; it {peak}; {end}"


def price_coverage_sentence(panel: pd.DataFrame, outcome: str = "LNPRI") -> str:
    """'Our molybdenum price starts only in 2011 and the rare-earth price ends in 2020' from the panel's
    observed years (minerals observed over the whole panel are not named); '' when none is short."""
    first, last = int(panel["year"].min()), int(panel["year"].max())
    years = panel.dropna(subset=[outcome]).groupby("mineral")["year"].agg(["min", "max"])

    def name(m):
        return "rare-earth" if m == "rare_earths" else MINERAL_LABELS.get(m, m).lower()

    parts = [f"{name(m)} price starts only in {int(r['min'])}" for m, r in years.iterrows() if r["min"] > first]
    parts += [f"{name(m)} price ends in {int(r['max'])}" for m, r in years.iterrows() if r["max"] < last]
    return ("our " + " and the ".join(parts)) if parts else ""


def inputs_display(inputs: pd.DataFrame) -> pd.DataFrame:
    """Table 3.1 of the data chapter from the build's inputs.csv (`inputs_table`): identifiers that can
    wrap (a zero-width space after each underscore) and the sha256 prefix."""
    out = inputs[["input", "publisher", "vintage", "used for", "sha256"]].copy()
    out["input"] = out["input"].map(breakable)
    return out
