"""Event studies: the paper's truncated Table 4 specification and a full event study with binned ends.

Relative time is k = year − policy_year (2006 → k = 0). An event-time dummy is
treat × 1[k in a set]; named `pre_j` for k = −j, `current` for k = 0 and `post_j` for k = j, as the
paper names them (a binned end point takes the name of its inner edge: `pre_5` = k ≤ −5).

* `PAPER_TERMS` — the paper's six dummies (k = −3, −2, 0, 1, 2, 3). Every other treated year
  (k ≤ −4, k = −1 and k ≥ 4) is left out *together*, so each coefficient is measured against the
  treated unit's average over that pooled set, which mixes pre-policy years with the later
  post-policy years.
* `fit_event_study` — one dummy per relative year from `lower` to `upper`, end points binned,
  one reference year (default k = −1) omitted; each coefficient is the treated-minus-control change
  from the reference year to year k, net of unit and year effects.

Confidence bands use the cluster-robust SE of `fit_twfe` and the t(G − 1) critical value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core import config
from analysis.estimation.twfe import TwfeResult, critical_value, fit_twfe

POLICY_YEAR = config.POLICY_YEAR
PAPER_TERMS = {"pre_3": -3, "pre_2": -2, "current": 0, "post_1": 1, "post_2": 2, "post_3": 3}
INF = 10**6


def term_name(k: int) -> str:
    """pre_j for k = −j, current for 0, post_j for j."""
    return f"pre_{-k}" if k < 0 else "current" if k == 0 else f"post_{k}"


TERM = re.compile(r"^(pre|post)_(\d+)$")


def relative_year(term: str) -> int | None:
    """The inverse of `term_name`: 'pre_3' → −3, 'current' → 0, 'post_2' → 2; None for other terms."""
    if term == "current":
        return 0
    hit = TERM.match(str(term))
    if not hit:
        return None
    return int(hit.group(2)) * (-1 if hit.group(1) == "pre" else 1)


def event_dummies(
    panel: pd.DataFrame,
    bins: dict[str, tuple[int, int]],
    *,
    policy_year: int = POLICY_YEAR,
    treat: str = "treat",
    time: str = "year",
) -> pd.DataFrame:
    """The panel with one column per entry of `bins` (name -> (k_low, k_high), inclusive):
    treat × 1[k_low ≤ year − policy_year ≤ k_high]."""
    k = panel[time] - policy_year
    out = panel.copy()
    for name, (lo, hi) in bins.items():
        out[name] = (panel[treat] * ((k >= lo) & (k <= hi))).astype(float)
    return out


def paper_bins() -> dict[str, tuple[int, int]]:
    """The paper's Table 4 dummies: single years k = −3, −2, 0, 1, 2, 3 (no others)."""
    return {name: (k, k) for name, k in PAPER_TERMS.items()}


def full_bins(lower: int, upper: int, reference: int = -1) -> dict[str, tuple[int, int]]:
    """One dummy per k in (lower, upper) except `reference`; k ≤ lower and k ≥ upper binned."""
    if not lower < reference < upper:
        raise ValueError(f"reference year {reference} must lie strictly between the bins {lower} and {upper}")
    bins = {term_name(lower): (-INF, lower)}
    bins.update({term_name(k): (k, k) for k in range(lower + 1, upper) if k != reference})
    bins[term_name(upper)] = (upper, INF)
    return bins


def treated_counts(
    panel: pd.DataFrame, outcome: str, *, policy_year: int = POLICY_YEAR, treat: str = "treat", time: str = "year"
) -> pd.Series:
    """Number of treated observations with an observed outcome, by relative year k."""
    sub = panel[(panel[treat] == 1) & panel[outcome].notna()]
    return (sub[time] - policy_year).value_counts().sort_index()


def choose_bins(
    panel: pd.DataFrame,
    outcome: str,
    *,
    min_obs: int = 3,
    policy_year: int = POLICY_YEAR,
    treat: str = "treat",
    time: str = "year",
) -> tuple[int, int]:
    """End points (lower, upper) such that each end bin holds at least `min_obs` treated
    observations with an observed outcome, and all other relative years stay separate.

    lower is the smallest (earliest) k whose cumulative count of treated observations at k or earlier
    reaches min_obs; upper the largest (latest) k whose count at k or later reaches min_obs — the
    narrowest end bins that satisfy the rule. Raises ValueError when the data are too short for that.
    """
    counts = treated_counts(panel, outcome, policy_year=policy_year, treat=treat, time=time)
    below = counts.cumsum()
    above = counts[::-1].cumsum()[::-1]
    lows, highs = below[below >= min_obs].index, above[above >= min_obs].index
    if len(lows) == 0 or len(highs) == 0:
        raise ValueError(f"fewer than {min_obs} treated observations of {outcome}")
    lower, upper = int(lows.min()), int(highs.max())
    if not lower < -1 < upper:
        raise ValueError(f"bins ({lower}, {upper}) leave no room for a reference year before the policy")
    return lower, upper


@dataclass
class EventStudy:
    """A fitted event study: the regression and its coefficient path by relative year."""

    result: TwfeResult
    path: pd.DataFrame  # term, k_low, k_high, k (plot position), label, estimate, se, p, lo, hi, n_treated
    reference: int | None
    critical: float
    level: float


def _label(lo: int, hi: int) -> str:
    if lo <= -INF:
        return f"≤ {hi}"
    if hi >= INF:
        return f"≥ {lo}"
    return str(lo)


def fit_bins(
    panel: pd.DataFrame,
    outcome: str,
    bins: dict[str, tuple[int, int]],
    *,
    controls: tuple[str, ...] = (),
    reference: int | None = -1,
    policy_year: int = POLICY_YEAR,
    cluster: str = "mineral",
    level: float = 0.95,
) -> EventStudy:
    """Fit y on the event-time dummies `bins` (+ controls) with unit and year effects, clustered.

    The path has one row per bin (and, if `reference` is given, a row for it with estimate 0 and no
    SE); lo/hi are the `level` confidence limits with the t(G − 1) critical value.
    """
    data = event_dummies(panel, bins, policy_year=policy_year)
    result = fit_twfe(data, outcome, [*bins, *controls], cluster=cluster)
    crit = critical_value(result.df_inference, level)
    counts = treated_counts(data.loc[result.sample], outcome, policy_year=policy_year)
    rows = []
    for name, (lo, hi) in bins.items():
        row = result.term(name)
        n_t = int(counts[(counts.index >= lo) & (counts.index <= hi)].sum())
        rows.append(
            {
                "term": name,
                "k_low": lo,
                "k_high": hi,
                "k": hi if lo <= -INF else lo,
                "label": _label(lo, hi),
                "estimate": row["estimate"],
                "se": row["se"],
                "p": row["p"],
                "n_treated": n_t,
                "identified": bool(row["identified"]),
            }
        )
    if reference is not None:
        rows.append(
            {
                "term": "reference",
                "k_low": reference,
                "k_high": reference,
                "k": reference,
                "label": f"{reference} (ref.)",
                "estimate": 0.0,
                "se": np.nan,
                "p": np.nan,
                "n_treated": int(counts.get(reference, 0)),
                "identified": True,
            }
        )
    path = pd.DataFrame(rows).sort_values("k").reset_index(drop=True)
    path["lo"] = path["estimate"] - crit * path["se"]
    path["hi"] = path["estimate"] + crit * path["se"]
    path["year"] = path["k"] + policy_year
    return EventStudy(result=result, path=path, reference=reference, critical=crit, level=level)


def fit_paper_event_study(
    panel: pd.DataFrame,
    outcome: str = "LNPRI",
    *,
    controls: tuple[str, ...] = (),
    policy_year: int = POLICY_YEAR,
    level: float = 0.95,
) -> EventStudy:
    """The paper's Table 4: pre_3, pre_2, current, post_1..post_3 only (no single reference year)."""
    return fit_bins(
        panel, outcome, paper_bins(), controls=controls, reference=None, policy_year=policy_year, level=level
    )


def fit_event_study(
    panel: pd.DataFrame,
    outcome: str = "LNPRI",
    *,
    lower: int,
    upper: int,
    reference: int = -1,
    controls: tuple[str, ...] = (),
    policy_year: int = POLICY_YEAR,
    level: float = 0.95,
) -> EventStudy:
    """Full event study: every relative year from lower to upper (ends binned), `reference` omitted."""
    return fit_bins(
        panel,
        outcome,
        full_bins(lower, upper, reference),
        controls=controls,
        reference=reference,
        policy_year=policy_year,
        level=level,
    )


def pooled_reference_years(panel: pd.DataFrame, outcome: str | None, *, policy_year: int = POLICY_YEAR) -> list[int]:
    """Calendar years of the treated unit that the paper's specification pools into its reference:
    those with an observed `outcome`, or with `outcome=None` every year of the panel (the design's
    pooled set, before any gap)."""
    if outcome is None:
        k = pd.Index(sorted(panel["year"].unique())) - policy_year
    else:
        k = treated_counts(panel, outcome, policy_year=policy_year).index
    return [int(policy_year + j) for j in k if j not in PAPER_TERMS.values()]


def reference_decomposition(
    panel: pd.DataFrame, outcome: str = "LNPRI", *, controls: tuple[str, ...] = (), policy_year: int = POLICY_YEAR
) -> pd.DataFrame:
    """What the paper's truncated coefficients are measured against.

    Fits a saturated event study (every observed relative year its own dummy, reference k = −1) and
    the paper's specification, and returns per paper term: the saturated coefficient (vs k = −1),
    the mean of the saturated coefficients over the years the paper pools into its reference (k = −1
    counting as 0), their difference, and the paper-specification estimate. In a balanced panel the
    last two are identical (the paper's reference is the average of the pooled years); with missing
    cells they differ slightly.
    """
    ks = treated_counts(panel, outcome, policy_year=policy_year).index
    saturated = fit_event_study(
        panel, outcome, lower=int(ks.min()), upper=int(ks.max()), controls=controls, policy_year=policy_year
    ).path.set_index("k")["estimate"]
    paper = fit_paper_event_study(panel, outcome, controls=controls, policy_year=policy_year).path
    pooled = [y - policy_year for y in pooled_reference_years(panel, outcome, policy_year=policy_year)]
    shift = float(saturated[saturated.index.isin(pooled)].mean())
    out = paper[["term", "k"]].copy()
    out["saturated (vs k = -1)"] = out["k"].map(saturated)
    out["mean over pooled years"] = shift
    out["saturated − pooled mean"] = out["saturated (vs k = -1)"] - shift
    out["paper specification"] = paper["estimate"].to_numpy()
    return out
