"""Figures of the estimation chapters: the event-study coefficient plot (Figure 1) and the placebo
distribution (Figure 2). Each function returns one matplotlib Figure with labelled axes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.core import config
from analysis.display import style
from analysis.estimation.event_study import PAPER_TERMS, EventStudy
from analysis.estimation.placebo import Placebo

style.apply()
# our estimates, the paper's specification on our data, the paper's printed numbers (colour-blind safe)
OURS, PAPER_SPEC, PAPER_PRINTED = style.OKABE_ITO["blue"], style.OKABE_ITO["orange"], style.OKABE_ITO["grey"]


def event_study_plot(
    full: EventStudy,
    paper_spec: EventStudy | None = None,
    reported: pd.DataFrame | None = None,
    policy_year: int = config.POLICY_YEAR,
) -> plt.Figure:
    """Coefficients by relative year with `full.level` confidence bands (t(G−1) critical value);
    optionally the paper's truncated specification re-estimated on our data, and the paper's printed
    Table 4 coefficients (rows of `analysis.paper.reported('table4')`). The legend says what each set
    is measured against: the full study its reference year, the paper's specification the pooled
    years without a dummy."""
    path = full.path
    fig, ax = plt.subplots(figsize=(9, 4.8))
    ax.axhline(0, color="black", lw=0.8)
    ax.axvline(-0.5, color="grey", ls="--", lw=1)
    ax.fill_between(
        path["k"],
        path["lo"].fillna(0),
        path["hi"].fillna(0),
        color=OURS,
        alpha=0.15,
        lw=0,
        label=f"{full.level:.0%} band, full event study (t({full.result.df_inference}) = {full.critical:.2f})",
    )
    ax.plot(
        path["k"],
        path["estimate"],
        color=OURS,
        marker="o",
        ms=5,
        lw=1.5,
        label=f"full event study, our data: relative to {policy_year + full.reference} (k = {full.reference})",
    )
    ref = path[path["term"] == "reference"]
    ax.plot(ref["k"], ref["estimate"], ls="none", marker="o", ms=8, mfc="white", mec=OURS, mew=1.5)
    if paper_spec is not None:
        p = paper_spec.path
        ax.errorbar(
            p["k"] + 0.15,
            p["estimate"],
            yerr=paper_spec.critical * p["se"],
            fmt="s",
            ms=5,
            color=PAPER_SPEC,
            capsize=2,
            lw=1,
            label="paper's specification, our data: relative to its pooled reference years",
        )
    if reported is not None:
        coef = reported[(reported["statistic"] == "coef") & reported["row"].isin(PAPER_TERMS)]
        ax.plot(
            coef["row"].map(PAPER_TERMS) - 0.15,
            coef["value"],
            ls="none",
            marker="x",
            ms=7,
            mew=2,
            color=PAPER_PRINTED,
            label="paper's printed Table 4, its data: relative to its pooled reference years",
        )
    ticks = path["k"].to_numpy()
    ax.set_xticks(ticks, [lab.replace(" (ref.)", "\n(ref.)") for lab in path["label"]], fontsize=8)
    top = ax.secondary_xaxis("top")
    top.set_xticks(
        ticks,
        [
            str(int(k + policy_year)) if lo > -(10**5) and hi < 10**5 else ""
            for k, lo, hi in zip(ticks, path["k_low"], path["k_high"])
        ],
        fontsize=7,
    )
    top.set_xlabel("calendar year", fontsize=9)
    ax.set_xlabel(f"years relative to the {policy_year} quota (k = year − {policy_year}; end bins pooled)")
    ax.set_ylabel("effect on LNPRI (log points)")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=1, frameon=False)
    fig.tight_layout()
    return fig


def paths_plot(paths: pd.DataFrame, policy_year: int = config.POLICY_YEAR) -> plt.Figure:
    """The treated unit's outcome and the control minerals' common year path (`specs.treated_vs_control`),
    both relative to their pre-policy means, and the gap between them."""
    fig, ax = plt.subplots(figsize=(9, 4.2))
    ax.axhline(0, color="black", lw=0.8)
    ax.axvline(policy_year - 0.5, color="grey", ls="--", lw=1)
    ax.plot(
        paths["year"],
        paths["treated"],
        color=style.MINERAL_COLOURS["rare_earths"],
        marker="o",
        ms=4,
        label="rare earths",
    )
    ax.plot(
        paths["year"],
        paths["control"],
        color=style.CONTROLS_COLOUR,
        marker="s",
        ms=4,
        label="control minerals (year effects)",
    )
    ax.bar(paths["year"], paths["gap"], color=PAPER_PRINTED, alpha=0.35, label="gap: rare earths − controls")
    ax.set_xlabel("year")
    ax.set_ylabel("LNPRI relative to the pre-2006 mean (log points)")
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    fig.tight_layout()
    return fig


def placebo_plot(result: Placebo, bins: int = 40) -> plt.Figure:
    """Left: histogram of the placebo coefficients, true coefficient dashed. Right: each draw's
    coefficient against its own cluster-robust p-value (p = 0.10 dotted)."""
    est, p = result.draws["estimate"], result.draws["p"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2))
    lo = min(est.min(), result.true_estimate) * 1.1
    hi = max(est.max(), result.true_estimate) * 1.1
    left.hist(est, bins=np.linspace(lo, hi, bins), color=OURS, alpha=0.75)
    left.set_xlabel("placebo coefficient of the fake DID (log points)")
    left.set_ylabel(f"number of draws (of {len(est):,})")
    right.scatter(est, p, s=6, alpha=0.4, color=OURS)
    right.axhline(0.10, color="grey", ls=":", lw=1)
    right.set_xlim(lo, hi)
    right.set_ylim(0, 1)
    right.set_xlabel("placebo coefficient of the fake DID (log points)")
    right.set_ylabel("p-value of the placebo coefficient")
    for ax in (left, right):
        ax.axvline(result.true_estimate, color=style.MINERAL_COLOURS["rare_earths"], ls="--", lw=1.5)
    left.text(
        result.true_estimate,
        left.get_ylim()[1] * 0.95,
        f" true DID\n {result.true_estimate:.3f}",
        color=style.MINERAL_COLOURS["rare_earths"],
        va="top",
        ha="left" if result.true_estimate < est.mean() else "right",
        fontsize=8,
    )
    fig.tight_layout()
    return fig
