"""Sentences of the chapter "What one treated mineral can tell us", each conditioned on the numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core import config
from analysis.display.inference_tables import SHORT
from analysis.report.readings import words
from analysis.report.store_rows import num
from analysis.report.verdicts import size_validity


def _p(results: pd.DataFrame, test: str) -> float:
    hit = results[results["test"] == test]
    return float(hit["p"].iloc[0]) if not hit.empty else float("nan")


def _floor(results: pd.DataFrame, test: str) -> float:
    hit = results[results["test"] == test]
    return float(hit["floor"].iloc[0]) if not hit.empty else float("nan")


def tests_reading(results: pd.DataFrame, suite, alpha: float = config.ALPHA) -> str:
    """What the tests of one coefficient say on the data, with the floor of each randomization test."""
    if results.empty or results["p"].isna().all():
        return "The coefficient is not identified on this panel, so no test can be run."
    beta = float(results["estimate"].iloc[0])
    parts = [f"The estimate is {num(beta)}. The cluster-robust test gives p = {_p(results, 'cr1'):.3f}."]
    if "ri_unit" in suite.tests:
        test = suite.tests["ri_unit"]
        J = len(test.names)
        rank = int(round(_p(results, "ri_unit") * J))
        ranked = "the largest" if rank == 1 else f"number {rank} by absolute size"
        parts.append(
            f"Among the {J} minerals that can be treated from the policy year, the real assignment is "
            f"{ranked} (randomization p = {_p(results, 'ri_unit'):.3f}; the smallest attainable is "
            f"1/{J} = {1 / J:.3f}; studentized: p = {_p(results, 'ri_unit_t'):.3f})."
        )
    if "ri_time_all" in suite.tests:
        S = len(suite.tests["ri_time_all"].starts)
        parts.append(
            f"Over the {S} admissible start years the real one gives p = {_p(results, 'ri_time_all'):.3f} "
            f"(smallest attainable 1/{S} = {1 / S:.3f}); fake start years inside the pre-policy period "
            f"give p = {_p(results, 'ri_time_pre'):.3f} (smallest attainable "
            f"{_floor(results, 'ri_time_pre'):.3f})."
        )
    rejecting = [SHORT[t] for t, p in zip(results["test"], results["p"]) if np.isfinite(p) and p < alpha]
    never = [SHORT[t] for t, f in zip(results["test"], results["floor"]) if np.isfinite(f) and f >= alpha]
    if rejecting:
        parts.append(f"At {alpha:.0%}, {words(rejecting)} reject{'s' if len(rejecting) == 1 else ''} 'no effect'.")
    else:
        parts.append(f"No test rejects 'no effect' at {alpha:.0%}.")
    if never:
        parts.append(
            f"{words(never)[0].upper() + words(never)[1:]} cannot reject at {alpha:.0%} on this design "
            f"whatever the data: {'its' if len(never) == 1 else 'their'} smallest attainable p-value is "
            f"above {alpha:.0%}."
        )
    parts.append("Whether a rejection means anything depends on the test's size, measured next.")
    return " ".join(parts)


def size_reading(
    size: pd.DataFrame,
    noise,
    suite,
    effect: float,
    iid_reference: float | None = None,
    alpha: float = config.ALPHA,
    tolerance: float = config.SIZE_TOLERANCE,
    n_sims: int = config.N_SIMULATIONS,
) -> str:
    """`iid_reference`: the cluster-robust test's size with i.i.d. noise as @sec-baseline-inference measures it
    (`placebo.null_rejection_rate`, more replications), set beside this table's estimate of the same rate."""
    """Who holds its size, how badly the others over-reject, and the power of the valid ones."""
    names = list(pd.unique(suite.sample[suite.model.unit]))
    treated = names.index(config.TREATED) if config.TREATED in names else None
    sd = noise.sd
    parts = []
    if treated is not None:
        others = np.delete(sd, treated)
        noisier = "noisier" if sd[treated] > others.max() else "not noisier"
        parts.append(
            f"In the data the treated mineral's residual standard deviation is {sd[treated]:.2f}, the "
            f"controls' {others.min():.2f} to {others.max():.2f} (so it is {noisier} than every control), "
            f"and the residuals' first-order autocorrelation is {noise.rho:.2f}; the AR(1) and resampled "
            f"scenarios keep both features."
        )
    v = size_validity(size, alpha, tolerance).set_index("test")
    cr1 = size.set_index("test")
    if "cr1" in cr1.index:
        iid = float(cr1.loc["cr1", "size: iid"])
        se = np.sqrt(iid * (1 - iid) / n_sims)
        ref = (
            f"{iid_reference:.0%} of {config.N_SIZE_SIMULATIONS:,} samples (the experiment of "
            f"@sec-baseline-inference), "
            if iid_reference is not None
            else ""
        )
        parts.append(
            f"With i.i.d. noise the cluster-robust test rejects a true null in {ref}{iid:.0%} of the "
            f"{n_sims:,} here (Monte Carlo standard error {se:.1%}); with noise like the data's, in up to "
            f"{float(v.loc['cr1', 'size']):.0%}."
        )
    bad = [f"{SHORT[t]} ({v.loc[t, 'size']:.0%})" for t in v.index if not v.loc[t, "valid"]]
    good = [t for t in v.index if v.loc[t, "valid"]]
    if bad:
        parts.append(f"Tests that do not hold their size (largest null rejection rate in brackets): {words(bad)}.")
    floors = {t: float(getattr(suite.tests[t], "floor")) for t in good if t in suite.tests}
    usable = [t for t in good if floors.get(t, 1.0) < alpha]
    if good:
        parts.append(f"Tests that hold their size: {words([SHORT[t] for t in good])}.")
    if usable:
        powers = [f"{SHORT[t]} {v.loc[t, 'power']:.0%}" for t in usable]
        parts.append(
            f"Of these, only {words([SHORT[t] for t in usable])} can reach p < {alpha:.0%} on this design; "
            f"against an effect of the paper's size ({num(effect)} log points) their power is "
            f"{words(powers)}."
        )
    elif good:
        parts.append(f"None of them can reach p < {alpha:.0%} on this design.")
    else:
        parts.append("No test holds its size on this design.")
    return " ".join(parts)


def event_reading(
    path: pd.DataFrame, size: pd.DataFrame, alpha: float = config.ALPHA, tolerance: float = config.SIZE_TOLERANCE
) -> str:
    """How many event-time coefficients each valid test rejects, before and after the policy."""
    v = size_validity(size, alpha, tolerance)
    valid = [t for t in v.loc[v["valid"].astype(bool), "test"] if t in set(path["test"])]
    k = path["coefficient"].str.startswith("pre")
    cr1 = path[path["test"] == "cr1"]
    n_cr1 = int((cr1["p"] < alpha).sum())
    parts = [
        f"The cluster-robust test gives p < {alpha:.0%} for {n_cr1} of the {len(cr1)} coefficients, a count "
        f"that means little given its size."
    ]
    for t in valid:
        rows = path[path["test"] == t]
        pre = int(((rows["p"] < alpha) & k[rows.index]).sum())
        post = int(((rows["p"] < alpha) & ~k[rows.index]).sum())
        parts.append(
            f"{SHORT[t][0].upper() + SHORT[t][1:]}, which holds its size, rejects {pre} pre-policy and "
            f"{post} post-policy coefficients at {alpha:.0%}."
        )
    if not valid:
        parts.append("None of the tests shown holds its size.")
    return " ".join(parts)
