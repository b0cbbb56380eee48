"""Schematic model diagrams (matplotlib): the hypotheses' mechanisms (chapter 2), and the case study's
supply/demand shifts, strategy paradigm and strategy-evolution model (chapter 11). No axis has a scale;
each figure says so. Every function returns one Figure.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from analysis.display.diagrams import cjk


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
