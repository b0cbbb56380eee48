"""Figures of the data chapter (matplotlib/seaborn); each returns a Figure with labelled axes."""
from __future__ import annotations


import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from .panel import MINERAL_LABELS, MINERALS


def coverage(panel: pd.DataFrame, columns=("LNPRI", "CR4")) -> plt.Figure:
    """Mineral × year grid per variable: which cells the public sources fill."""
    fig, axes = plt.subplots(len(columns), 1, figsize=(9, 1.2 + 1.3 * len(columns)), sharex=True)
    for ax, col in zip(axes, columns):
        grid = (panel.assign(have=panel[col].notna().astype(int))
                .pivot(index="mineral", columns="year", values="have").reindex(list(MINERALS)))
        grid.index = [MINERAL_LABELS[m] for m in grid.index]
        sns.heatmap(grid, ax=ax, cbar=False, cmap=["#f4cccc", "#6aa84f"], linewidths=0.5, linecolor="white", vmin=0, vmax=1)
        ax.set_title(f"{col}: green = observed, red = missing in public sources", fontsize=10, loc="left")
        ax.set_ylabel("")
        ax.set_xlabel("year")
    fig.tight_layout()
    return fig


def price_paths(panel: pd.DataFrame, policy_year: int = 2006) -> plt.Figure:
    """LNPRI by mineral over time, with the policy year marked."""
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for mineral in MINERALS:
        sub = panel[panel["mineral"] == mineral]
        ax.plot(sub["year"], sub["LNPRI"], marker="o", ms=3, lw=2.2 if mineral == "rare_earths" else 1.2,
                label=MINERAL_LABELS[mineral])
    ax.axvline(policy_year - 0.5, color="grey", ls="--", lw=1)
    ax.text(policy_year - 0.4, ax.get_ylim()[1], f"quota from {policy_year}", va="top", fontsize=9, color="grey")
    ax.set_xlabel("year")
    ax.set_ylabel("LNPRI: ln real price (1999 US$, source units)")
    ax.legend(ncol=5, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, -0.32), frameon=False)
    fig.tight_layout()
    return fig
