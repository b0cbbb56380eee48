"""Figures of the data and mechanism chapters (matplotlib/seaborn); each returns a Figure with labelled axes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from analysis.core import config
from analysis.data.panel import MINERAL_LABELS, MINERALS, PanelSpec
from analysis.display import style

style.apply()


def coverage(panel: pd.DataFrame, columns=("LNPRI", "CR4")) -> plt.Figure:
    """Mineral × year grid per variable: which cells the public sources fill."""
    fig, axes = plt.subplots(len(columns), 1, figsize=(9, 1.2 + 1.3 * len(columns)), sharex=True)
    for ax, col in zip(axes, columns):
        grid = (
            panel.assign(have=panel[col].notna().astype(int))
            .pivot(index="mineral", columns="year", values="have")
            .reindex(list(MINERALS))
        )
        grid.index = [MINERAL_LABELS[m] for m in grid.index]
        sns.heatmap(
            grid,
            ax=ax,
            cbar=False,
            cmap=[style.ABSENT, style.PRESENT],
            linewidths=0.5,
            linecolor="white",
            vmin=0,
            vmax=1,
        )
        ax.set_title(f"{col}: dark blue = observed, light orange = missing in public sources", fontsize=10, loc="left")
        ax.set_ylabel("")
        ax.set_xlabel("year")
    fig.tight_layout()
    return fig


def mineral_paths(
    panel: pd.DataFrame,
    column: str,
    ylabel: str,
    *,
    treated: str = "rare_earths",
    policy_year: int = config.POLICY_YEAR,
    height: float = 4.5,
    widths: tuple[float, float] = (2.2, 1.2),
    ylim: tuple[float, float] | None = None,
    label_policy: bool = True,
) -> plt.Figure:
    """`column` of each mineral by year in the mineral's colour (`style.MINERAL_COLOURS`), the treated
    mineral drawn wider (`widths`: treated, others), the policy year marked by a dashed line (and a label)."""
    fig, ax = plt.subplots(figsize=(9, height))
    for mineral in MINERALS:
        sub = panel[panel["mineral"] == mineral]
        is_treated = mineral == treated
        ax.plot(
            sub["year"],
            sub[column],
            marker="o",
            ms=3,
            lw=widths[0] if is_treated else widths[1],
            color=style.MINERAL_COLOURS[mineral],
            label=MINERAL_LABELS[mineral],
        )
    ax.axvline(policy_year - 0.5, color="grey", ls="--", lw=1)
    if ylim is not None:
        ax.set_ylim(*ylim)
    if label_policy:
        ax.text(policy_year - 0.4, ax.get_ylim()[1], f"quota from {policy_year}", va="top", fontsize=9, color="grey")
    ax.set_xlabel("year")
    ax.set_ylabel(ylabel)
    ax.legend(ncol=5, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, -0.32), frameon=False)
    fig.tight_layout()
    return fig


def price_paths(panel: pd.DataFrame, policy_year: int = config.POLICY_YEAR) -> plt.Figure:
    """LNPRI by mineral over time, with the policy year marked."""
    return mineral_paths(panel, "LNPRI", "LNPRI: ln real price (1999 US$, source units)", policy_year=policy_year)


def cr4_paths(panel: pd.DataFrame, spec: PanelSpec = PanelSpec()) -> plt.Figure:
    """CR4 of each mineral by year (the treated one bold), the policy year marked."""
    return mineral_paths(
        panel,
        "CR4",
        "CR4: top-4 countries' share of world output",
        treated=spec.treated,
        policy_year=spec.policy_year,
        height=4.2,
        widths=(2.4, 1.1),
        ylim=(0.4, 1.02),
        label_policy=False,
    )
