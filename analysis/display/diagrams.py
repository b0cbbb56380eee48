"""Figures of the policy-history chapter (matplotlib): policy timeline, export quotas, China's shares.
The schematic model diagrams (mechanisms, supply/demand, strategy models) are in `model_diagrams`.

Every function returns one Figure. Data figures read the validated narrative frames
(analysis.narrative); the diagrams are schematic (no axis scale) and say so.
Chinese labels use Noto Sans CJK SC as a fallback font behind DejaVu Sans.
"""

from __future__ import annotations

import functools
import math
import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import text as mpl_text
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

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
