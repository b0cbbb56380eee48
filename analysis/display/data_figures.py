"""Figures of the data chapter's choices: the two rare-earth price concepts beside the control minerals."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import LogFormatter

from analysis.core import config
from analysis.data.panel import MINERAL_LABELS, MINERALS
from analysis.display import style

style.apply()


def relative_to(panel: pd.DataFrame, year: int, column: str = "LNPRI") -> pd.DataFrame:
    """mineral, year, change: `column` minus its value in `year` (log points), per mineral."""
    ref = panel[panel["year"] == year].set_index("mineral")[column]
    return panel.assign(change=panel[column] - panel["mineral"].map(ref))[["mineral", "year", "change"]]


def price_concepts(
    unit_value: pd.DataFrame,
    oxide_index: pd.DataFrame,
    treated: str = config.TREATED,
    ref_year: int = config.POLICY_YEAR - 1,
    policy_year: int = config.POLICY_YEAR,
) -> plt.Figure:
    """ln price minus its `ref_year` value: rare earths as USGS unit value and as oxide-price index
    (thick), the control minerals of the unit-value panel (thin grey)."""
    fig, ax = plt.subplots(figsize=(9, 4.6))
    base = relative_to(unit_value, ref_year)
    for mineral in MINERALS:
        if mineral == treated:
            continue
        sub = base[base["mineral"] == mineral]
        ax.plot(sub["year"], sub["change"], lw=1, color="0.6", marker=".", ms=3)
        last = sub.dropna().iloc[-1]
        ax.text(last["year"] + 0.2, last["change"], MINERAL_LABELS[mineral], fontsize=8, color="0.4", va="center")
    styles = (("USGS unit value", unit_value, "#1f4e79", "-"), ("oxide-price index", oxide_index, "#c55a11", "--"))
    for name, panel, color, ls in styles:
        sub = relative_to(panel, ref_year)
        sub = sub[sub["mineral"] == treated]
        ax.plot(sub["year"], sub["change"], lw=2.4, color=color, ls=ls, marker="o", ms=3, label=f"rare earths: {name}")
    ax.axhline(0, color="0.8", lw=0.8)
    ax.axvline(policy_year - 0.5, color="grey", ls="--", lw=1)
    ax.set_xlabel("year")
    ax.set_ylabel(f"ln real price minus its {ref_year} value")
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    ax.set_xlim(config.FIRST_YEAR - 0.5, config.LAST_YEAR + 2.5)
    fig.tight_layout()
    return fig


def change_correlation(a: pd.Series, b: pd.Series) -> tuple[float, int]:
    """Correlation of the year-to-year changes of two annual series (index: year) and the number of changes."""
    both = pd.DataFrame({"a": a, "b": b}).sort_index()
    diff = both.diff().dropna()
    diff = diff[np.isfinite(diff).all(axis=1)]
    return (float(diff["a"].corr(diff["b"])) if len(diff) > 2 else float("nan")), len(diff)


KIND_STYLE = {
    "USGS": ("o", "full"),
    "USGS (flat run)": ("o", "none"),
    "splice": ("^", "full"),
    "proxy": ("x", "full"),
    "supplied": ("s", "full"),
}


def oxide_paths(
    series: pd.DataFrame,
    oxides=("Nd2O3", "CeO2", "La2O3", "PrNd", "Dy2O3", "Tb4O7"),
    labels: dict[str, str] | None = None,
    policy_year: int = config.POLICY_YEAR,
) -> plt.Figure:
    """One small panel per oxide: the nominal price (log scale) by year, the marker saying where the value
    comes from (USGS, USGS inside a flat run, spliced Chinese quote, Pr-Nd proxy); the policy year dashed."""
    if "kind" not in series.columns:  # a user's oxide file: every value as supplied
        series = series.assign(kind="supplied")
    fig, axes = plt.subplots(2, 3, figsize=(9, 5.2), sharex=True)
    for ax, oxide in zip(axes.flat, oxides):
        sub = series[series["oxide"] == oxide].sort_values("year")
        ax.plot(sub["year"], sub["price"], color="0.7", lw=1)
        for kind, (marker, fill) in KIND_STYLE.items():
            part = sub[sub["kind"] == kind]
            if len(part):
                ax.plot(
                    part["year"],
                    part["price"],
                    ls="none",
                    marker=marker,
                    fillstyle=fill,
                    ms=4,
                    color="#1f4e79",
                    label=kind,
                )
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(LogFormatter(labelOnlyBase=False))  # plain numbers, some minor ticks labelled
        ax.yaxis.set_minor_formatter(LogFormatter(labelOnlyBase=False, minor_thresholds=(2, 0.5)))
        ax.axvline(policy_year - 0.5, color="grey", ls="--", lw=0.8)
        ax.set_title((labels or {}).get(oxide, oxide), fontsize=9, loc="left")
        ax.tick_params(labelsize=7)
    for ax in axes[:, 0]:
        ax.set_ylabel("US dollars per kg (log)", fontsize=8)
    present = set(series["kind"])
    handles = [
        plt.Line2D([], [], ls="none", marker=m, fillstyle=f, color="#1f4e79", label=k)
        for k, (m, f) in KIND_STYLE.items()
        if k in present
    ]
    fig.legend(handles=handles, ncol=4, fontsize=8, loc="lower center", frameon=False)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def no_data(message: str) -> plt.Figure:
    """A small figure that says why there is nothing to draw (so a labelled figure cell always has an image)."""
    fig, ax = plt.subplots(figsize=(9, 1.2))
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=10, color="0.3")
    ax.set_axis_off()
    return fig
