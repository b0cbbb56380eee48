"""Figures of the narrative chapters (matplotlib): policy timeline, export quotas, China's shares,
the hypotheses' mechanisms, seed 001's supply/demand shifts and its strategy-evolution model.

Every function returns one Figure. Data figures read the validated narrative frames
(analysis.narrative); the diagrams are schematic (no axis scale) and say so.
Chinese labels use Noto Sans CJK SC as a fallback font behind DejaVu Sans.
"""

from __future__ import annotations

import functools
import math
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import text as mpl_text
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

from analysis.core import config
from analysis.data.facts import (
    INSTRUMENTS,
    SHARE_ITEMS,
    china_events,
    halfwidth,
    lower_bound,
)
from analysis.display import style
from analysis.display.fact_tables import percent_change

style.apply()
RC = {"font.family": ["DejaVu Sans", "Noto Sans CJK SC"], "axes.unicode_minus": True}
C = style.OKABE_ITO
PAGE_WIDTH = 16 / 2.54  # inches: the PDF's text width (A4 with 2.5 cm margins); a figure this wide is not scaled

# instrument -> (group shown in the legend, colour)
GROUPS = {
    "export_rebate": ("export promotion", C["green"]),
    "protective_mining": ("mining and production control", C["vermillion"]),
    "mining_quota": ("mining and production control", C["vermillion"]),
    "production_plan": ("mining and production control", C["vermillion"]),
    "export_quota": ("export control", C["blue"]),
    "export_duty": ("export control", C["blue"]),
    "abolition": ("export control", C["blue"]),
    "resource_tax": ("resource tax", C["purple"]),
    "wto_case": ("WTO dispute", C["orange"]),
    "planning": ("plans, industry and environment", C["sky_blue"]),
    "restructuring": ("plans, industry and environment", C["sky_blue"]),
    "industry_entry": ("plans, industry and environment", C["sky_blue"]),
    "environmental_standard": ("plans, industry and environment", C["sky_blue"]),
    "stockpiling": ("plans, industry and environment", C["sky_blue"]),
    "other": ("other", C["grey"]),
}


def cjk(func):
    """Run a figure function with the CJK fallback font.

    Only the keys of RC are set and restored: `plt.rc_context` would also restore the backend
    resolved inside it, which makes the inline backend drop the figure.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        saved = {k: plt.rcParams[k] for k in RC}
        plt.rcParams.update(RC)
        try:
            return func(*args, **kwargs)
        finally:
            plt.rcParams.update(saved)

    return wrapper


def legend_groups(instruments) -> dict[str, tuple[str, str]]:
    """Colour group → (legend label, colour) for the instruments present, in GROUPS order.

    The label names every instrument of the group with the words of the policy table's instrument
    column (narrative.INSTRUMENTS), so the legend and the table use the same categories."""
    present = [i for i in GROUPS if i in set(instruments)]
    out: dict[str, tuple[str, str]] = {}
    for group in dict.fromkeys(GROUPS[i][0] for i in present):
        members = [INSTRUMENTS[i] for i in present if GROUPS[i][0] == group]
        label = members[0] if len(members) == 1 else f"{group}: {', '.join(members)}"
        out[group] = (label, next(GROUPS[i][1] for i in present if GROUPS[i][0] == group))
    return out


def timeline_spans(years, gap: float = 6.0, pad: float = 1.0) -> list[tuple[float, float]]:
    """Year ranges of a broken time axis: a new panel wherever `gap` or more years hold no event."""
    ordered = sorted(years)
    spans = [[ordered[0] - pad, ordered[0] + pad]]
    for previous, year in zip(ordered, ordered[1:]):
        if year - previous >= gap:
            spans.append([year - pad, year + pad])
        else:
            spans[-1][1] = year + pad
    return [(lo, hi) for lo, hi in spans]


def _break_marks(ax, side: str) -> None:
    """Two short slanted strokes on the x axis where a broken axis resumes or stops."""
    x = 0 if side == "left" else 1
    kw = dict(transform=ax.transAxes, color="black", clip_on=False, lw=0.8)
    ax.plot([x - 0.012, x + 0.012], [-0.012, 0.012], **kw)


TIMELINE_FONT = 8.5  # pt: the timeline is drawn at the PDF's text width, so this is its printed size


def _position_on_axis(when: float, spans: list[tuple[float, float]]) -> float:
    """Where `when` lies along a broken time axis whose panels are `spans`, from 0 (left) to 1 (right)."""
    widths = [hi - lo for lo, hi in spans]
    before = 0.0
    for (lo, hi), width in zip(spans, widths):
        if when <= hi:
            return (before + max(when - lo, 0.0)) / sum(widths)
        before += width
    return 1.0


@cjk
def policy_timeline(events: pd.DataFrame, policy_year: int = config.POLICY_YEAR) -> plt.Figure:
    """One row per dated Chinese policy event or WTO step, placed at its date; shaded: the WTO dispute.

    The time axis is broken where years pass without an event (e.g. 1992–2005), so that the dense
    2006–2016 years get the page width. Each row is labelled with its id and date on the left and its
    description beside its dot, on the side with more room, so that the figure fits the page width
    at a readable size."""
    ev = china_events(events)
    n = len(ev)
    groups = legend_groups(ev["instrument"])
    spans = timeline_spans(ev["when"])
    widths = [hi - lo for lo, hi in spans]
    fig, axes = plt.subplots(
        1,
        len(spans),
        figsize=(PAGE_WIDTH, 0.22 * n + 2.0),
        sharey=True,
        squeeze=False,
        gridspec_kw={"width_ratios": widths},
        layout="constrained",
    )
    fig.get_layout_engine().set(wspace=0.0, w_pad=0.02)
    axes = list(axes[0])
    y = list(range(n))[::-1]
    wto = ev[ev["instrument"] == "wto_case"]["when"]
    for i, (ax, (lo, hi)) in enumerate(zip(axes, spans)):
        for yi in y:
            ax.axhline(yi, color="#e4e4e4", lw=0.5, zorder=0)
        if len(wto) > 1 and lo <= wto.max() and wto.min() <= hi:
            ax.axvspan(wto.min(), wto.max(), color=GROUPS["wto_case"][1], alpha=0.18, lw=0)
            ax.text(
                (wto.min() + wto.max()) / 2,
                n + 0.5,
                "WTO dispute",
                fontsize=TIMELINE_FONT,
                va="bottom",
                ha="center",
                color="#6b4f00",
                in_layout=False,
            )
        if lo <= policy_year <= hi:
            ax.axvline(policy_year, color="grey", ls="--", lw=1)
            ax.text(
                policy_year - 0.15,
                n + 0.5,
                f"{policy_year}: policy year of the DID",
                fontsize=TIMELINE_FONT,
                va="bottom",
                ha="right",
                color="#555555",
                in_layout=False,  # it reaches over the axis break; the layout must not make room for it
            )
        ax.set_xlim(lo, hi)
        step = 1 if hi - lo < 5 else 2
        ax.set_xticks([t for t in range(math.ceil(lo), math.floor(hi) + 1) if t % step == 0])
        ax.tick_params(axis="x", labelsize=TIMELINE_FONT)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        if i > 0:
            ax.tick_params(axis="y", length=0)
            _break_marks(ax, "left")
        if i < len(axes) - 1:
            _break_marks(ax, "right")
    for yi, (_, row) in zip(y, ev.iterrows()):
        ax = next(a for a, (lo, hi) in zip(axes, spans) if lo <= row["when"] <= hi)
        ax.plot(row["when"], yi, "o", color=GROUPS[row["instrument"]][1], ms=6, zorder=4)
        on_right = _position_on_axis(row["when"], spans) < 0.5
        # a figure-level artist, drawn after every panel, so no grid line or panel crosses the words
        fig.add_artist(
            mpl_text.Annotation(
                halfwidth(row["label_en"]),
                xy=(row["when"], yi),
                xycoords=ax.transData,
                xytext=(6 if on_right else -6, 0),
                textcoords="offset points",
                ha="left" if on_right else "right",
                va="center",
                fontsize=TIMELINE_FONT,
                bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85},
            )
        )
    axes[0].spines["left"].set_visible(True)
    axes[0].set_yticks(y)
    axes[0].set_yticklabels([f"{r['event_id']} {r['date']}" for _, r in ev.iterrows()], fontsize=TIMELINE_FONT)
    axes[0].set_ylim(-0.8, n + 1.4)
    axes[-1].set_xlabel("year (the axis is broken where no event falls)", fontsize=TIMELINE_FONT)
    handles = [
        Line2D([], [], ls="", marker="o", ms=6, color=colour, label=textwrap.fill(label, 46))
        for label, colour in groups.values()
    ]
    fig.legend(
        handles=handles,
        fontsize=TIMELINE_FONT,
        loc="outside lower left",
        ncol=2,
        frameon=False,
        title="instrument (as in the table)",
        title_fontsize=TIMELINE_FONT,
        alignment="left",
    )
    return fig


@cjk
def quota_chart(quotas: pd.DataFrame, policy_year: int = config.POLICY_YEAR) -> plt.Figure:
    """China's rare-earth export quotas by year (thousand tonnes), with the change on the previous year."""
    q = quotas.sort_values("year").reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(PAGE_WIDTH, 3.6))  # at the PDF's text width: 8 pt words print at 8 pt
    colours = {True: C["sky_blue"], False: C["vermillion"]}
    before = q["year"] < policy_year
    for flag, label in [
        (True, f"before the mining quota (to {policy_year - 1})"),
        (False, f"mining quota in force ({policy_year} on)"),
    ]:
        part = q[before == flag]
        ax.bar(part["year"], part["quota_t"] / 1000, color=colours[flag], width=0.7, label=label)
    change = q["quota_t"].pct_change() * 100
    ax.set_ylim(0, q["quota_t"].max() / 1000 * 1.3)
    for (_, row), c in zip(q.iterrows(), change):
        label = f"{row['quota_t'] / 1000:.1f}" + ("" if math.isnan(c) else f"\n{percent_change(c)}")
        ax.text(row["year"], row["quota_t"] / 1000 + 1, label, ha="center", va="bottom", fontsize=8)
    ax.axvline(policy_year - 0.5, color="grey", ls="--", lw=1)
    ax.text(
        policy_year - 0.45,
        ax.get_ylim()[1] * 0.97,
        f"mining quota from {policy_year}",
        fontsize=8,
        color="grey",
        va="top",
    )
    ax.set_xticks(q["year"])
    ax.set_xlabel("year")
    ax.set_ylabel("export quota (thousand t)")
    ax.legend(fontsize=8, loc="upper right", frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


SHARE_LABELS = {
    "cn_resource_share_whitepaper": "resources (white paper)",
    "cn_market_supply_share_whitepaper": "world market supply (white paper)",
    "cn_reserve_share_2011": "global reserves",
    "cn_reserve_share_now": "global reserves (at writing)",
    "cn_production_share": "global production (at writing)",
    "cn_world_export_share_1990": "world exports",
    "cn_world_export_share_2005": "world exports",
    "cr4_re_2021": "CR4: top-4 producing countries together",
    "south_ionic_heavy_reserves_share": "heavy-RE reserves: 7 southern provinces",
    "south_ionic_heavy_output_share": "heavy-RE output: 7 southern provinces",
}


@cjk
def shares_chart(shares: pd.DataFrame, items=tuple(SHARE_ITEMS)) -> plt.Figure:
    """China's shares as stated in the seeds; hatched bars are lower bounds (以上)."""
    s = shares.set_index("quantity").loc[list(items)].reset_index()
    fig, ax = plt.subplots(figsize=(PAGE_WIDTH, 0.36 * len(s) + 1.2))
    y = list(range(len(s)))[::-1]
    for yi, (_, row) in zip(y, s.iterrows()):
        colour = C["vermillion"] if row["source"].startswith("seed000") else C["blue"]
        bound = lower_bound(row["unit"])
        ax.barh(yi, row["value"], color=colour, hatch="//" if bound else None, edgecolor="white")
        ax.text(row["value"] + 1, yi, ("≥ " if bound else "") + f"{row['value']:g}%", va="center", fontsize=8)
    ax.set_yticks(y)
    ax.set_yticklabels(
        [f"{SHARE_LABELS.get(q, q)}, {yr or 'year n.s.'}" for q, yr in zip(s["quantity"], s["year"])], fontsize=8
    )
    ax.set_xlim(0, 110)
    ax.set_xlabel("percent")
    handles = [
        Patch(color=C["vermillion"], label="stated in the paper"),
        Patch(color=C["blue"], label="stated in the case study"),
        Patch(facecolor="white", edgecolor="grey", hatch="//", label="lower bound (以上)"),
    ]
    # above the bars, so that no bar hides behind it
    ax.legend(handles=handles, fontsize=8, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


def _box(ax, x, y, text, colour="#eef3fb", w=0.22, h=0.12, size=8.5):
    ax.add_patch(
        FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.01", fc=colour, ec="#44546a", lw=0.9)
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=size, wrap=True)


def _arrow(ax, start, end, text="", colour="#44546a", style="-|>", rad=0.0, size=8):
    ax.add_patch(
        FancyArrowPatch(
            start, end, arrowstyle=style, mutation_scale=12, color=colour, lw=1.1, connectionstyle=f"arc3,rad={rad}"
        )
    )
    if text:
        ax.text(
            (start[0] + end[0]) / 2,
            (start[1] + end[1]) / 2 + 0.025,
            text,
            ha="center",
            va="bottom",
            fontsize=size,
            color=colour,
        )


def _canvas(width=9, height=4.6):
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    return fig, ax


@cjk
def mechanism_diagram(hypotheses: pd.DataFrame) -> plt.Figure:
    """Quota → supply restriction → three channels (H2-H4) → international price (H1), from hypotheses.csv."""
    h = hypotheses.set_index("id")
    fig, ax = _canvas(9, 5)
    mid = 0.45
    _box(ax, 0.09, mid, "Mining quota\n开采总量控制\n(DID from 2006)", "#fde9d9", w=0.15, h=0.2)
    _box(ax, 0.29, mid, "Upstream supply\nrestriction\n(cap on output)", w=0.15, h=0.2)
    _box(ax, 0.91, mid, "International\nprice\n(LNPRI)", "#fde9d9", w=0.14, h=0.2)
    _arrow(ax, (0.165, mid), (0.215, mid))
    for hid, yy in [("H2", 0.72), ("H3", mid), ("H4", 0.18)]:
        text = f"{hid}: {h.loc[hid, 'mechanism']}\nchannel variable: {h.loc[hid, 'channel_variable']}"
        _box(ax, 0.585, yy, text, "#e2efda", w=0.3, h=0.14, size=8)
        _arrow(ax, (0.365, mid), (0.435, yy))
        _arrow(ax, (0.735, yy), (0.84, mid))
    top = 0.93
    ax.plot([0.09, 0.09, 0.91], [mid + 0.1, top, top], color="#c0504d", lw=1.1)
    _arrow(ax, (0.91, top), (0.91, mid + 0.1), colour="#c0504d")
    ax.text(
        0.5,
        top + 0.015,
        f"H1: {h.loc['H1', 'mechanism']} raises the price (total effect of {h.loc['H1', 'channel_variable']} on LNPRI)",
        ha="center",
        va="bottom",
        fontsize=8.5,
        color="#c0504d",
    )
    ax.text(
        0.5,
        0.02,
        "Schematic after the paper (its §三); arrows are hypothesised effects, not estimates.",
        ha="center",
        fontsize=7.5,
        color="grey",
    )
    return fig


def equilibrium(demand: tuple[float, float], supply: tuple[float, float]) -> tuple[float, float]:
    """(Q, P) where P = a − b·Q (demand (a, b)) meets P = c + d·Q (supply (c, d))."""
    a, b = demand
    c, d = supply
    q = (a - c) / (b + d)
    return q, a - b * q


# Seed 001's two rounds: direction of each curve's shift (−1 left, +1 right), as the seed describes them
ROUNDS = [
    (
        "图3 first round: China restricts exports",
        {"supply": -1, "demand": +1},
        "S left (export control), D right (rising demand): P rises",
    ),
    (
        "图4 second round: WTO case and diversification",
        {"supply": +1, "demand": -1},
        "S right (limits abolished), D left (less demand for Chinese RE): P falls",
    ),
]


def shifted(curve: tuple[float, float], direction: int, size: float, kind: str) -> tuple[float, float]:
    """A linear demand (a − bQ) or supply (c + dQ) curve moved `size` quantity units right (+1) or left (−1)."""
    intercept, slope = curve
    sign = 1 if kind == "demand" else -1
    return intercept + sign * direction * size * slope, slope


def _segment_distance(point, a, b) -> float:
    """Distance from `point` to the segment a–b (display coordinates)."""
    p, a, b = (np.asarray(v, dtype=float) for v in (point, a, b))
    ab = b - a
    t = 0.0 if not ab.any() else float(np.clip(np.dot(p - a, ab) / np.dot(ab, ab), 0, 1))
    return float(np.linalg.norm(p - (a + t * ab)))


def free_spot(ax, point, segments, radius: float = 16, steps: int = 24) -> tuple[float, float]:
    """The place at `radius` points around `point` (data) farthest from every segment: where a label
    next to a point touches no line. Returns data coordinates."""
    to_px, to_data = ax.transData.transform, ax.transData.inverted().transform
    r = radius * ax.figure.dpi / 72
    centre = to_px(point)
    segs = [(to_px(a), to_px(b)) for a, b in segments]
    best, best_gap = centre, -1.0
    for angle in np.linspace(0, 2 * np.pi, steps, endpoint=False):
        spot = centre + r * np.array([np.cos(angle), np.sin(angle)])
        gap = min(_segment_distance(spot, a, b) for a, b in segs)
        if gap > best_gap:
            best, best_gap = spot, gap
    return tuple(to_data(best))


def _draw_market(ax, shifts: dict, size: dict = None, demand=(11.0, 1.0), supply=(3.0, 1.0)):
    # unequal shift sizes (arbitrary, schematic) so that the two equilibria differ in quantity too
    size = size or {"supply": 2.5, "demand": 1.5}
    new_demand = shifted(demand, shifts["demand"], size["demand"], "demand")
    new_supply = shifted(supply, shifts["supply"], size["supply"], "supply")
    ax.set_xlim(0, 9.5)
    ax.set_ylim(0, 15)
    q = [0.5, 8.5]
    segments = []
    for (ia, ib), line_style, name in [(demand, "-", "D"), (new_demand, "--", "D′")]:
        ax.plot(q, [ia - ib * x for x in q], line_style, color="#c0504d")
        ax.text(q[1], ia - ib * q[1], f" {name}", color="#c0504d", va="center", fontsize=9)
        segments.append(((q[0], ia - ib * q[0]), (q[1], ia - ib * q[1])))
    for (ic, idd), line_style, name in [(supply, "-", "S"), (new_supply, "--", "S′")]:
        ax.plot(q, [ic + idd * x for x in q], line_style, color="#44546a")
        ax.text(q[1], ic + idd * q[1], f" {name}", color="#44546a", va="center", fontsize=9)
        segments.append(((q[0], ic + idd * q[0]), (q[1], ic + idd * q[1])))
    points = [equilibrium(demand, supply), equilibrium(new_demand, new_supply)]
    for qq, pp in points:
        segments += [((0, pp), (qq, pp)), ((qq, pp), (qq, 0))]
    left = min(p[0] for p in points)
    for (qq, pp), lab in zip(points, "01"):
        ax.plot([qq], [pp], "ko", ms=5)
        ax.plot([0, qq, qq], [pp, pp, 0], ":", color="grey", lw=0.9)
        ax.text(*free_spot(ax, (qq, pp), segments), f"E{lab}", fontsize=9, ha="center", va="center")
        ax.text(0.05, pp, f"P{lab}", fontsize=9, va="bottom")
        # the quantity labels point away from each other, so close equilibria do not make them touch
        away = qq == left and qq != max(p[0] for p in points)
        ax.text(qq + (-0.08 if away else 0.08), 0.1, f"Q{lab}", fontsize=9, ha="right" if away else "left")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("quantity of rare earths supplied / demanded")
    ax.set_ylabel("price")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


@cjk
def supply_demand_shifts(rounds=tuple(ROUNDS)) -> plt.Figure:
    """Seed 001 图3 and 图4 redrawn: the two rounds of supply and demand shifts (schematic, linear curves)."""
    fig, axes = plt.subplots(1, len(rounds), figsize=(10, 4.4))
    for ax, (title, shifts, note) in zip(axes, rounds):
        _draw_market(ax, shifts)
        ax.set_title(title, fontsize=10)
        ax.text(0.5, -0.2, note, transform=ax.transAxes, ha="center", fontsize=8.5, color="#333333")
    fig.tight_layout()
    return fig


@cjk
def paradigm_model(categories: pd.DataFrame) -> plt.Figure:
    """Seed 001 图2: trigger conditions → action strategies → adjustment results, from the coding table."""
    fig, ax = _canvas(10, 5.4)
    columns = [
        ("trigger", 0.14, 0.25, "触发条件\ntrigger conditions", "#fde9d9"),
        ("action", 0.5, 0.3, "行动策略\naction strategies", "#e2efda"),
        ("result", 0.86, 0.25, "调整结果\nadjustment results", "#eef3fb"),
    ]
    mid, step = 0.43, 0.2
    for role, x, width, title, colour in columns:
        mains = list(categories[categories["role"] == role].groupby("main_category_zh", sort=False))
        ax.text(x, 0.86, title, ha="center", va="center", fontsize=9.5, weight="bold")
        first = mid + step * (len(mains) - 1) / 2
        for i, (main, grp) in enumerate(mains):
            subs = "、".join(grp["sub_category_zh"])
            _box(
                ax,
                x,
                first - i * step,
                f"{main}\n{grp['main_category_en'].iloc[0]}\n{subs}",
                colour,
                w=width,
                h=0.15,
                size=8,
            )
    _arrow(ax, (0.27, mid), (0.345, mid))
    _arrow(ax, (0.655, mid), (0.73, mid))
    ax.text(
        0.5,
        0.985,
        "core category 核心范畴: 稀土战略演化路径 (evolution path of rare-earth strategy)",
        ha="center",
        va="top",
        fontsize=9.5,
    )
    ax.text(
        0.5,
        0.0,
        "Main and sub-categories from the case study (its 表2); their roles from its §1.4.3 (1)–(3).",
        ha="center",
        fontsize=7.5,
        color="grey",
    )
    return fig


# Seed 001 图5 in words: interest gap at t0 (West above China), China gains to slightly above at t1,
# the West regains ground by t2, where the two reach a new relative balance. Heights are schematic.
EVOLUTION = {"China": [0.25, 0.62, 0.5], "West (US, Japan, EU)": [0.8, 0.55, 0.52]}


@cjk
def evolution_model(path: dict = EVOLUTION) -> plt.Figure:
    """Seed 001 图5: national interest of China and the West over t0 → t1 → t2 (schematic heights)."""
    fig, ax = plt.subplots(figsize=(9, 4.6))
    t = [0, 1, 2]
    colours = {"China": "#c0504d", "West (US, Japan, EU)": "#44546a"}
    for name, values in path.items():
        ax.plot(t, values, "-o", color=colours.get(name, "black"), label=name, lw=2)
    cn, west = path["China"], path["West (US, Japan, EU)"]
    ax.annotate("", xy=(0, cn[0]), xytext=(0, west[0]), arrowprops=dict(arrowstyle="<->", color="grey"))
    ax.text(0.04, (cn[0] + west[0]) / 2, "interest gap\n(c1 − c0)", fontsize=8, color="grey", va="center")
    ax.text(1.04, (cn[1] + west[1]) / 2 + 0.06, "China slightly ahead\n(c0′ − c1′)", fontsize=8, color="grey")
    ax.text(
        0.5,
        0.96,
        "t0–t1: before the WTO dispute\nChina adjusts first: 总量控制, 出口配额\n(total control, export quotas)",
        ha="center",
        va="top",
        fontsize=8,
        transform=ax.get_xaxis_transform(),
    )
    ax.text(
        1.5,
        0.96,
        "t1–t2: WTO dispute\nWest: domestic production, stockpiles, R&D;\nalliance, trade rules, overseas resources",
        ha="center",
        va="top",
        fontsize=8,
        transform=ax.get_xaxis_transform(),
    )
    ax.axvline(1, color="#e6ab02", lw=1, ls="--")
    ax.set_xticks(t)
    ax.set_xticklabels(["t0", "t1\n(2012 complaint)", "t2\n(new relative balance)"])
    ax.set_yticks([])
    ax.set_ylim(0, 1.25)
    ax.set_ylabel("national interest / market power (schematic)")
    ax.legend(fontsize=8, loc="lower right")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig
