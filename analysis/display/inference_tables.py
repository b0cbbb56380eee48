"""Display frames of the design-based tests and of the size-and-power table (chapter 06a)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.display.numbers import fmt_number, fmt_p, fmt_p_draws
from analysis.estimation.inference.suite import LABELS

SHORT = {
    "cr1": "cluster-robust t(G − 1)",
    "paper_placebo": "the paper's placebo as a test",
    "ri_unit": "RI over units",
    "ri_unit_t": "studentized RI over units",
    "ri_time_all": "RI over policy years",
    "ri_time_pre": "placebo in time (pre-period)",
    "conley_taber": "Conley–Taber",
    "ferman_pinto": "Ferman–Pinto",
    "wcr_rademacher": "WCR-Rademacher",
    "wcr_webb": "WCR-Webb",
    "wcu_rademacher": "WCU-Rademacher",
    "wcu_webb": "WCU-Webb",
}


def fmt_floor(floor: float) -> str:
    """The smallest p-value a test can return: '0' for a test with a continuous reference
    distribution, else as a p-value (`fmt_p`: 1/7,776 -> '< 0.001')."""
    return "0" if floor == 0 else fmt_p(floor)


def tests_table(results: pd.DataFrame) -> pd.DataFrame:
    """One row per test of `suite.run`: test, reference set size, p, smallest attainable p, 95% set."""
    return pd.DataFrame(
        {
            "test": results["test"].map(SHORT),
            "compared with": [
                f"{int(n):,}" if np.isfinite(n) and n > 1 else "t(G − 1)" if t == "cr1" else "—"
                for n, t in zip(results["n_reference"].astype(float), results["test"])
            ],
            "p": [fmt_p_draws(p, n) for p, n in zip(results["p"], results["n_reference"].astype(float))],
            "smallest attainable p": results["floor"].map(fmt_floor),
            "95% confidence set": results["ci_text"],
        }
    )


def size_table(size: pd.DataFrame, tolerance: float, alpha: float) -> pd.DataFrame:
    """The size-and-power frame with test names and a column saying whether each test holds its size
    (largest null rejection rate ≤ alpha + tolerance)."""
    out = size.drop(columns=[c for c in ("n_sims",) if c in size]).copy()
    null = [c for c in out.columns if c.startswith("size")]
    worst = out[null].max(axis=1)
    shown = out.assign(test=out["test"].map(SHORT))
    for c in [c for c in out.columns if c != "test"]:
        shown[c] = out[c].map(lambda v: f"{v:.3f}")
    shown["holds its size"] = np.where(worst <= alpha + tolerance, "yes", "no")
    return shown


def event_tests_table(frame: pd.DataFrame, tests: tuple[str, ...]) -> pd.DataFrame:
    """Event-study coefficients (rows, in event time) × tests (p-values), with the estimate."""
    order = frame.drop_duplicates("coefficient")[["coefficient", "estimate"]]
    p = frame.pivot(index="coefficient", columns="test", values="p")
    out = pd.DataFrame({"coefficient": order["coefficient"], "estimate": order["estimate"].map(fmt_number)})
    for t in tests:
        out[SHORT[t]] = out["coefficient"].map(p[t]).map(fmt_p)
    return out.reset_index(drop=True)


def described(tests) -> pd.DataFrame:
    """What each test is (id, short name, description)."""
    return pd.DataFrame({"test": [SHORT[t] for t in tests], "what it does": [LABELS[t][1] for t in tests]})
