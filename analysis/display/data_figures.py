"""Figures of the data chapter's choices: the two rare-earth price concepts beside the control minerals."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.core import config
from analysis.data.panel import MINERAL_LABELS, MINERALS


def relative_to(panel: pd.DataFrame, year: int, column: str = "LNPRI") -> pd.DataFrame:
    """mineral, year, change: `column` minus its value in `year` (log points), per mineral."""
    ref = panel[panel["year"] == year].set_index("mineral")[column]
    return panel.assign(change=panel[column] - panel["mineral"].map(ref))[["mineral", "year", "change"]]


def price_concepts(unit_value: pd.DataFrame, oxide_index: pd.DataFrame, treated: str = config.TREATED,
                   ref_year: int = config.POLICY_YEAR - 1, policy_year: int = config.POLICY_YEAR) -> plt.Figure:
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
