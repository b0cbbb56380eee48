"""The paper's placebo test (Figure 2): random "fake treated" observations, re-estimated many times.

Procedure (seed000 §四(三)4): of the 120 mineral-years, pick `n_fake` = 24 at random (the number of
treated rows, rare earths 1999–2022), set a fake DID = 1 on them and 0 elsewhere, re-estimate
Table 3 column (2) (LNPRI on the fake DID with mineral and year effects, clustered by mineral), and
repeat. The share of draws whose |coefficient| is at least the true |coefficient| is the two-sided
randomization p-value of this procedure.

Missing outcomes: the fake-treated rows are drawn from ALL rows of the panel (`draw_from="all"`, as
the paper describes: 24 of 120), and a draw that lands on a row whose LNPRI is missing simply loses
that row, as the true regression loses it, so the number of fake-treated rows *in the estimation
sample* varies by draw (`n_fake_in_sample`). `draw_from="sample"` draws the 24 among the rows with
an observed outcome instead, so every draw has exactly 24.

Two implementations, which must agree to rounding error:

* `placebo_loop` — the reference: one `fit_twfe` (statsmodels) call per draw.
* `placebo_vectorised` — Frisch–Waugh–Lovell: the mineral and year effects are partialled out of
  y and of every fake-DID column at once (one matrix product with the annihilator M of the
  fixed-effect design); each coefficient is then d̃'ỹ / d̃'d̃ and its CR1 cluster-robust variance
  c · Σ_g (Σ_{i∈g} d̃_i e_i)² / (d̃'d̃)², c = G/(G−1) · (N−1)/(N−K) with K counting every
  coefficient including the fixed-effect dummies, p from t(G − 1) — exactly what `fit_twfe` does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.core import config
from analysis.estimation.twfe import RANK_TOL, fe_matrix, fit_twfe

FAKE = "fake_DID"


def draw_fake_treated(n_rows: int, n_fake: int, n_draws: int, seed: int) -> np.ndarray:
    """(n_draws × n_fake) row positions in 0..n_rows−1, each row a sample without replacement."""
    if not 0 < n_fake <= n_rows:
        raise ValueError(f"cannot draw {n_fake} fake-treated rows out of {n_rows}")
    rng = np.random.default_rng(seed)
    return np.argsort(rng.random((n_draws, n_rows)), axis=1)[:, :n_fake]


def _sample(panel: pd.DataFrame, outcome: str) -> np.ndarray:
    """Boolean mask of the rows in the estimation sample (observed outcome)."""
    return panel[outcome].notna().to_numpy()


def fake_matrix(n_rows: int, draws: np.ndarray) -> np.ndarray:
    """(n_rows × n_draws) 0/1 matrix: column r is the fake DID of draw r."""
    D = np.zeros((n_rows, len(draws)))
    D[draws, np.arange(len(draws))[:, None]] = 1.0
    return D


def placebo_vectorised(
    panel: pd.DataFrame,
    draws: np.ndarray,
    outcome: str = "LNPRI",
    *,
    unit: str = "mineral",
    time: str = "year",
    cluster: str = "mineral",
) -> pd.DataFrame:
    """Coefficient, CR1 SE and t(G−1) p-value of the fake DID for every draw, by FWL (no loop).

    `draws` are row positions into `panel` (see `draw_fake_treated`). A draw whose fake DID is
    collinear with the fixed effects in the estimation sample gets NaN, as `fit_twfe` would flag it.
    """
    keep = _sample(panel, outcome)
    sample = panel[keep]
    annihilate, k_fe = _annihilator(sample, unit, time)
    raw = fake_matrix(len(panel), draws)[keep]
    n = len(sample)
    n_in = raw.sum(axis=0)
    centred = n_in - n_in**2 / n  # ||d − mean(d)||² of a 0/1 column
    # fit_twfe's rank rule: a draw is identified when ||M d|| / ||d − d̄|| ≥ tol
    min_dd = np.where(centred > 0, RANK_TOL**2 * centred, np.inf)
    y = annihilate(sample[outcome].to_numpy(dtype=float))[:, None]
    beta, se, p = cr1_fwl(annihilate(raw), y, pd.factorize(sample[cluster])[0], k_fe, min_dd)
    return pd.DataFrame({"estimate": beta, "se": se, "p": p, "n_fake_in_sample": n_in.astype(int)})


def _annihilator(sample: pd.DataFrame, unit: str, time: str):
    """(function A ↦ M·A partialling out the unit and year effects, number of FE columns incl. intercept)."""
    F = fe_matrix(sample, unit, time)
    Q, _ = np.linalg.qr(F)
    return (lambda A: A - Q @ (Q.T @ A)), F.shape[1]


def cr1_fwl(D: np.ndarray, Y: np.ndarray, groups: np.ndarray, k_fe: int, min_dd=0.0):
    """Coefficient, CR1 SE and t(G−1) p of one regressor per column, by Frisch–Waugh–Lovell.

    `D` (n × S) regressors and `Y` (n × S, or n × 1 broadcast) outcomes, both already partialled out
    of the fixed effects; `groups` cluster codes 0..G−1; `k_fe` fixed-effect columns (the full model
    has k_fe + 1 coefficients). Columns with D'D ≤ `min_dd` are not identified and get NaN.
    """
    n = D.shape[0]
    dd = np.einsum("ij,ij->j", D, D)
    ok = dd > min_dd
    safe = np.where(ok, dd, 1.0)
    beta = np.where(ok, (D * Y).sum(axis=0) / safe, np.nan)
    resid = Y - D * np.nan_to_num(beta)[None, :]
    G = groups.max() + 1
    member = np.zeros((G, n))
    member[groups, np.arange(n)] = 1.0
    meat = ((member @ (D * resid)) ** 2).sum(axis=0)
    correction = G / (G - 1) * (n - 1) / (n - (k_fe + 1))
    se = np.where(ok, np.sqrt(correction * meat) / safe, np.nan)
    p = 2 * stats.t.sf(np.abs(beta / se), G - 1)
    return beta, se, p


def null_rejection_rate(
    panel: pd.DataFrame,
    n_sims: int = config.N_SIZE_SIMULATIONS,
    seed: int = config.SEED,
    outcome: str = "LNPRI",
    treat_term: str = "DID",
    level: float = 0.05,
    *,
    unit: str = "mineral",
    time: str = "year",
    cluster: str = "mineral",
) -> float:
    """Share of `n_sims` simulated null panels in which the CR1/t(G−1) test of `treat_term` rejects at `level`.

    Each simulation keeps the actual design (the rows with an observed outcome, the real DID column, the
    unit and year effects) and draws the outcome as i.i.d. N(0, 1) noise, so the true effect is 0 (the
    fixed effects' values do not matter: they are partialled out). A correctly sized test rejects in
    about `level` of them; i.i.d. noise is the most favourable case — serial correlation within a unit
    makes it worse.
    """
    sample = panel[_sample(panel, outcome)]
    annihilate, k_fe = _annihilator(sample, unit, time)
    d = annihilate(sample[treat_term].to_numpy(dtype=float))[:, None]
    noise = np.random.default_rng(seed).standard_normal((len(sample), n_sims))
    _, _, p = cr1_fwl(np.repeat(d, n_sims, axis=1), annihilate(noise), pd.factorize(sample[cluster])[0], k_fe)
    return float(np.mean(p < level))


def placebo_loop(
    panel: pd.DataFrame,
    draws: np.ndarray,
    outcome: str = "LNPRI",
    *,
    unit: str = "mineral",
    time: str = "year",
    cluster: str = "mineral",
) -> pd.DataFrame:
    """The reference implementation: `fit_twfe` once per draw (same columns as `placebo_vectorised`)."""
    rows = []
    keep = _sample(panel, outcome)
    for positions in draws:
        fake = np.zeros(len(panel))
        fake[positions] = 1.0
        data = panel.assign(**{FAKE: fake})
        term = fit_twfe(data, outcome, [FAKE], unit=unit, time=time, cluster=cluster).term(FAKE)
        rows.append(
            {"estimate": term["estimate"], "se": term["se"], "p": term["p"], "n_fake_in_sample": int(fake[keep].sum())}
        )
    return pd.DataFrame(rows)


@dataclass
class Placebo:
    """Placebo draws and their summary against the true coefficient."""

    draws: pd.DataFrame  # estimate, se, p, n_fake_in_sample (one row per draw)
    true_estimate: float
    true_p: float
    n_fake: int
    draw_from: str
    seed: int

    @property
    def randomization_p(self) -> float:
        """Share of draws with |placebo coefficient| ≥ |true coefficient| (two-sided)."""
        return randomization_p(self.draws["estimate"].to_numpy(), self.true_estimate)

    def summary(self) -> dict[str, float]:
        est = self.draws["estimate"]
        return {
            "draws": len(est),
            "mean": est.mean(),
            "sd": est.std(ddof=1),
            "min": est.min(),
            "max": est.max(),
            "share_p_below_0.10": float((self.draws["p"].dropna() < 0.10).mean()),
            "share_above_true": float((est >= self.true_estimate).mean()),
            "share_below_true": float((est <= self.true_estimate).mean()),
            "randomization_p": self.randomization_p,
            "mean_fake_in_sample": float(self.draws["n_fake_in_sample"].mean()),
        }


def randomization_p(placebo: np.ndarray, true: float) -> float:
    """Two-sided randomization p-value: share of |placebo| ≥ |true| among finite draws.

    No +1 correction: with R draws and none as extreme this returns 0, which should be read and
    reported as p < 1/R (the chapter does so), not as p = 0."""
    placebo = placebo[np.isfinite(placebo)]
    return float(np.mean(np.abs(placebo) >= abs(true)))


def run_placebo(
    panel: pd.DataFrame,
    n_placebo: int = config.N_PLACEBO,
    seed: int = config.SEED,
    outcome: str = "LNPRI",
    *,
    n_fake: int | None = None,
    draw_from: str = "all",
    treat_term: str = "DID",
) -> Placebo:
    """The paper's placebo: `n_placebo` vectorised draws of `n_fake` fake-treated rows (default: the
    number of rows with DID's treated unit, `panel.treat.sum()`), compared with the true DID of
    Table 3 column (2)."""
    if draw_from not in ("all", "sample"):
        raise ValueError(f"draw_from must be 'all' or 'sample', not {draw_from!r}")
    n_fake = int(panel["treat"].sum()) if n_fake is None else n_fake
    pool = np.arange(len(panel)) if draw_from == "all" else np.flatnonzero(_sample(panel, outcome))
    draws = pool[draw_fake_treated(len(pool), n_fake, n_placebo, seed)]
    true = fit_twfe(panel, outcome, [treat_term]).term(treat_term)
    return Placebo(
        draws=placebo_vectorised(panel.reset_index(drop=True), draws, outcome),
        true_estimate=float(true["estimate"]),
        true_p=float(true["p"]),
        n_fake=n_fake,
        draw_from=draw_from,
        seed=seed,
    )


def tidy(result: Placebo, table: str = "placebo", column: str = "Figure 2") -> pd.DataFrame:
    """Rows for the estimates file: the true DID, and the placebo distribution's summary statistics
    (term `placebo_mean` with its sd in `se`; `randomization_p` in `estimate` and `p`)."""
    s = result.summary()
    n = int(result.draws["n_fake_in_sample"].size)
    base = {
        "table": table,
        "column": column,
        "outcome": "LNPRI",
        "n": n,
        "r2": np.nan,
        "df": np.nan,
        "clusters": np.nan,
        "identified": True,
    }
    rows = [
        {
            **base,
            "term": "DID",
            "estimate": result.true_estimate,
            "se": np.nan,
            "p": result.true_p,
            "note": "true DID of Table 3 column (2)",
        },
        {
            **base,
            "term": "placebo_mean",
            "estimate": s["mean"],
            "se": s["sd"],
            "p": np.nan,
            "note": f"mean (se = sd) of {n} placebo coefficients; {result.n_fake} fake-treated drawn from "
            f"{'all rows' if result.draw_from == 'all' else 'rows with observed outcome'}, seed {result.seed}",
        },
        {
            **base,
            "term": "randomization_p",
            "estimate": s["randomization_p"],
            "se": np.nan,
            "p": s["randomization_p"],
            "note": "share of draws with |placebo| >= |true| (two-sided)",
        },
        {
            **base,
            "term": "share_p_below_0.10",
            "estimate": s["share_p_below_0.10"],
            "se": np.nan,
            "p": np.nan,
            "note": "share of draws whose own cluster-robust p < 0.10",
        },
    ]
    return pd.DataFrame(rows)


def unit_placebo(
    panel: pd.DataFrame,
    outcome: str = "LNPRI",
    *,
    unit: str = "mineral",
    time: str = "year",
    policy_year: int = config.POLICY_YEAR,
) -> pd.DataFrame:
    """In-space placebo: each unit in turn is the "treated" one from `policy_year` on, Table 3
    column (2) re-estimated. Returns unit, estimate, se, p, rank of |estimate| (1 = largest) and the
    permutation p-value of each unit (rank / number of units with an identified estimate; a unit with
    no observed outcome before `policy_year` has none, and its `note` says so)."""
    rows = []
    for u in panel[unit].unique():
        fake = ((panel[unit] == u) & (panel[time] >= policy_year)).astype(float)
        term = fit_twfe(panel.assign(**{FAKE: fake}), outcome, [FAKE], unit=unit, time=time).term(FAKE)
        rows.append({unit: u, "estimate": term["estimate"], "se": term["se"], "p": term["p"], "note": term["note"]})
    out = pd.DataFrame(rows)
    out["rank"] = out["estimate"].abs().rank(ascending=False, method="max").astype("Int64")
    out["permutation p"] = out["rank"] / out["estimate"].notna().sum()
    return out[[unit, "estimate", "se", "p", "rank", "permutation p", "note"]]
