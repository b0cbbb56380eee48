"""Figures of the sensitivity chapter: the specification curve and the pre-trend bounds by M̄.
Each function returns one matplotlib Figure with labelled axes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from analysis.display.estimation_figures import OURS, PAPER_PRINTED, PAPER_SPEC
from analysis.estimation.sensitivity.curve import DIMENSIONS

WIDTH = 6.3  # inches: the PDF's text width (16 cm), so the figure is printed at its own size
FONT = 8.5  # points, tick labels and legend at that width
# the reader's words for the choices of the specification curve (others: underscores as spaces)
DIMENSION_NAMES = {
    "variant": "panel",
    "window": "years",
    "controls": "controls",
    "covariates": "regressors",
    "form": "outcome",
}
VALUE_NAMES = {
    "oxide_index": "oxide-price index for rare earths",
    "molybdenum_imf_only": "molybdenum: IMF price only",
    "cr4_iron_ore_gross_only": "iron-ore CR4 from gross ore only",
    "nominal": "nominal prices",
    "log": "log price",
}


def choice_label(dimension: str, value: str) -> str:
    """'variant', 'cr4_iron_ore_gross_only' -> 'panel: iron-ore CR4 from gross ore only';
    'controls', 'without iron_ore' -> 'controls: without iron ore'."""
    return f"{DIMENSION_NAMES.get(dimension, dimension)}: {VALUE_NAMES.get(value, str(value).replace('_', ' '))}"


def spec_curve_plot(curve: pd.DataFrame, alpha: float = 0.05, ylabel: str = "DID estimate") -> plt.Figure:
    """Top: every specification's DID, sorted, with its CR1 interval (t(G − 1); thin, since that test
    does not hold its size); filled markers where the valid (randomization) p ≤ alpha, hollow
    otherwise (a legend entry only for markers shown); the baseline specification in orange. Bottom:
    which choice each specification makes, in the reader's words (`choice_label`). Drawn at the PDF's
    text width with 8.5 pt labels."""
    data = curve.dropna(subset=["estimate"]).reset_index(drop=True)
    x = np.arange(len(data))
    choices = [(dim, value) for dim in DIMENSIONS if data[dim].nunique() > 1 for value in dict.fromkeys(data[dim])]
    fig, (top, bottom) = plt.subplots(
        2,
        1,
        figsize=(WIDTH, 3.4 + 0.16 * len(choices)),
        sharex=True,
        gridspec_kw={"height_ratios": [3, max(1.2, 0.25 * len(choices))]},
    )
    top.axhline(0, color="black", lw=0.8)
    crit = stats.t.ppf(0.975, data["clusters"] - 1)
    top.vlines(
        x,
        data["estimate"] - crit * data["se"],
        data["estimate"] + crit * data["se"],
        color=PAPER_PRINTED,
        lw=0.6,
        alpha=0.6,
        label="95% CR1 interval, t(G − 1) (does not hold its size)",
    )
    valid = (data["ri_p"] <= alpha).to_numpy()
    if (~valid).any():  # a legend entry only for markers the figure shows
        top.scatter(
            x[~valid],
            data.loc[~valid, "estimate"],
            s=18,
            facecolors="white",
            edgecolors=OURS,
            lw=1,
            label=f"valid randomization p > {alpha:g}",
            zorder=3,
        )
    if valid.any():
        top.scatter(
            x[valid],
            data.loc[valid, "estimate"],
            s=18,
            color=OURS,
            label=f"valid randomization p ≤ {alpha:g}",
            zorder=3,
        )
    base = data.index[data["baseline"]]
    top.scatter(
        x[base],
        data.loc[base, "estimate"],
        s=60,
        marker="D",
        color=PAPER_SPEC,
        zorder=4,
        label="baseline specification (Table 3 column (2))",
    )
    top.set_ylabel(ylabel, fontsize=FONT)
    top.tick_params(labelsize=FONT)
    top.legend(fontsize=FONT, loc="upper left", frameon=False)
    for i, (dim, value) in enumerate(choices):
        on = data[dim] == value
        bottom.scatter(x[on], np.full(on.sum(), i), s=6, marker="s", color=OURS)
    bottom.set_yticks(range(len(choices)), [choice_label(dim, value) for dim, value in choices], fontsize=FONT)
    bottom.tick_params(axis="x", labelsize=FONT)
    bottom.invert_yaxis()
    bottom.set_xlabel(f"specification, sorted by estimate ({len(data)} with an estimate)", fontsize=FONT)
    fig.tight_layout()
    return fig


def bounds_plot(frame: pd.DataFrame, breakdown: float | None = None) -> plt.Figure:
    """Identified set (thick) and confidence interval (thin) of the average post-policy effect for each M̄."""
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.axhline(0, color="black", lw=0.8)
    ax.vlines(
        frame["mbar"],
        frame["ci_lower"],
        frame["ci_upper"],
        color=PAPER_PRINTED,
        lw=1.2,
        label="95% confidence interval",
    )
    ax.vlines(frame["mbar"], frame["lower"], frame["upper"], color=OURS, lw=5, label="identified set")
    ax.scatter(
        frame["mbar"], frame["theta"], color=PAPER_SPEC, zorder=3, s=18, label="estimate (M̄ = 0: parallel trends)"
    )
    if breakdown is not None and np.isfinite(breakdown) and breakdown > 0:
        ax.axvline(breakdown, color=PAPER_SPEC, ls=":", lw=1)
    ax.set_xlabel("M̄: post-policy trend violation allowed, relative to the largest pre-policy one")
    ax.set_ylabel("average effect, k = 0…3 (log points)")
    ax.legend(fontsize=7, loc="upper left", frameon=False)
    fig.tight_layout()
    return fig
