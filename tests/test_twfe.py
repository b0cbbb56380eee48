"""fit_twfe, its identification check, CR1 standard errors and the paper's column specs, on simulated
panels whose truth is known."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.estimation import estimates, specs
from analysis.estimation.simulate import simulate_panel
from analysis.estimation.twfe import (
    critical_value,
    fit_twfe,
    normalisation_sweep,
)


def test_recovers_planted_did():
    panel = simulate_panel(n_units=30, n_treated=8, effect=0.5, noise=0.1, seed=3)
    res = fit_twfe(panel, "y", ["DID", "X"])
    did, x = res.term("DID"), res.term("X")
    assert abs(did["estimate"] - 0.5) < 0.05 and abs(x["estimate"] - 0.3) < 0.02
    assert did["se"] < 0.05 and did["p"] < 0.01
    assert res.n == len(panel) and res.n_clusters == 30 and res.df_inference == 29


def test_no_effect_is_not_significant():
    panel = simulate_panel(n_units=30, n_treated=8, effect=0.0, noise=0.1, seed=3)
    did = fit_twfe(panel, "y", ["DID", "X"]).term("DID")
    assert abs(did["estimate"]) < 0.05 and did["p"] > 0.10


def test_collinearity_check_flags_year_level_and_treat_period():
    panel = simulate_panel(n_units=6, n_treated=2, effect=0.5, seed=4)
    res = fit_twfe(panel, "y", ["DID", "G", "treat", "post", "X"])
    notes = dict(zip(res.terms["term"], res.terms["note"]))
    assert notes["G"] == "not identified (collinear with year FE)"
    assert notes["treat"] == "not identified (collinear with mineral FE)"
    assert notes["post"] == "not identified (collinear with year FE)"
    assert notes["DID"] == "" and notes["X"] == ""
    assert np.isnan(res.term("G")["estimate"]) and not res.term("treat")["identified"]
    # dropping the unidentified terms changes nothing identified
    plain = fit_twfe(panel, "y", ["DID", "X"])
    assert res.term("DID")["estimate"] == pytest.approx(plain.term("DID")["estimate"], abs=1e-10)
    assert res.term("DID")["se"] == pytest.approx(plain.term("DID")["se"], abs=1e-10)


def test_year_level_variable_is_identified_without_year_fe():
    panel = simulate_panel(n_units=6, n_treated=2, seed=4)
    res = fit_twfe(panel, "y", ["DID", "G"], year_fe=False)
    assert res.term("G")["identified"]


def test_cr1_matches_hand_sandwich():
    """CR1 = G/(G−1)·(N−1)/(N−K)·(X'X)⁻¹ Σ_g X_g'e_g e_g'X_g (X'X)⁻¹, K incl. FE dummies; p from t(G−1)."""
    panel = simulate_panel(n_units=4, years=range(2000, 2006), n_treated=1, policy_year=2003, seed=7, noise=0.3)
    res = fit_twfe(panel, "y", ["DID", "X"])
    units = pd.get_dummies(panel["mineral"], drop_first=True, dtype=float).to_numpy()
    years = pd.get_dummies(panel["year"], drop_first=True, dtype=float).to_numpy()
    X = np.column_stack([panel[["DID", "X"]].to_numpy(float), np.ones(len(panel)), units, years])
    y = panel["y"].to_numpy(float)
    bread = np.linalg.inv(X.T @ X)
    b = bread @ X.T @ y
    e = y - X @ b
    g = panel["mineral"].to_numpy()
    meat = sum(np.outer(X[g == u].T @ e[g == u], X[g == u].T @ e[g == u]) for u in np.unique(g))
    N, K, G = X.shape[0], X.shape[1], len(np.unique(g))
    V = G / (G - 1) * (N - 1) / (N - K) * bread @ meat @ bread
    se = np.sqrt(np.diag(V))[:2]
    p = 2 * stats.t.sf(np.abs(b[:2] / se), G - 1)
    for i, term in enumerate(["DID", "X"]):
        row = res.term(term)
        assert row["estimate"] == pytest.approx(b[i], abs=1e-10)
        assert row["se"] == pytest.approx(se[i], abs=1e-10)
        assert row["p"] == pytest.approx(p[i], abs=1e-10)
    assert res.df_inference == G - 1 == 3


def test_constant_conventions():
    panel = simulate_panel(n_units=5, seed=8)
    fe = fit_twfe(panel, "y", ["DID"])
    b = fe.term("DID")["estimate"]
    assert fe.term("Constant")["estimate"] == pytest.approx(panel["y"].mean() - panel["DID"].mean() * b)
    assert np.isnan(fe.term("Constant")["se"])
    ols = fit_twfe(panel, "y", ["DID"], unit_fe=False, year_fe=False)
    b0 = np.polyfit(panel["DID"], panel["y"], 1)
    assert ols.term("DID")["estimate"] == pytest.approx(b0[0]) and ols.term("Constant")["estimate"] == pytest.approx(
        b0[1]
    )
    assert np.isfinite(ols.term("Constant")["se"])


def test_critical_value():
    assert critical_value(4) == pytest.approx(2.776445, abs=1e-6)
    assert critical_value(10_000) == pytest.approx(1.959964, abs=1e-3)


def test_normalisation_sweep_moves_only_the_unidentified_coefficient():
    panel = simulate_panel(n_units=6, n_treated=2, effect=0.5, seed=9)
    sweep = normalisation_sweep(panel, "y", ["DID", "X"], "G")
    assert len(sweep) == panel["year"].nunique() - 1
    assert sweep["G"].max() - sweep["G"].min() > 0.1  # arbitrary: depends on the dropped year
    assert sweep["DID"].max() - sweep["DID"].min() < 1e-9  # identified: does not move
    assert sweep["DID"].iloc[0] == pytest.approx(fit_twfe(panel, "y", ["DID", "X"]).term("DID")["estimate"])


@pytest.fixture(scope="module")
def paper_like():
    """A simulated panel with the paper's column names; LNGDP/EPU/GDPG/BDI/WUI year-level, CR4 unit-year."""
    panel = simulate_panel(n_units=5, n_treated=1, effect=0.6, noise=0.05, seed=11).rename(columns={"y": "LNPRI"})
    rng = np.random.default_rng(0)
    for name in ["LNGDP", "EPU", "GDPG", "BDI", "WUI"]:
        panel[name] = panel["year"].map(dict(zip(panel["year"].unique(), rng.normal(size=24))))
    panel["CR4"] = panel["X"]
    panel.loc[[3, 50], "CR4"] = np.nan
    return panel


def test_table3_specs(paper_like):
    res = specs.fit_table(paper_like, "table3")
    assert list(res) == ["(1)", "(2)", "(3)", "(4)", "(5)"]
    assert not res["(1)"].unit_fe and not res["(1)"].year_fe and res["(2)"].unit_fe and res["(2)"].year_fe
    did = {c: r.term("DID")["estimate"] for c, r in res.items()}
    assert did["(3)"] == pytest.approx(did["(2)"], abs=1e-10)  # LNGDP absorbed by year FE
    assert did["(5)"] == pytest.approx(did["(4)"], abs=1e-10)  # EPU absorbed by year FE
    assert res["(4)"].n == res["(2)"].n - 2  # CR4 gaps
    assert abs(did["(2)"] - 0.6) < 0.1
    for c in ["(3)", "(4)", "(5)"]:
        assert res[c].term("LNGDP")["note"] == "not identified (collinear with year FE)"
    tidy = estimates.tidy(res, "table3")
    assert set(tidy["column"]) == set(res) and set(tidy["table"]) == {"table3"}


def test_table5_specs(paper_like):
    res = specs.fit_table(paper_like, "table5")
    assert list(res) == ["(1)", "(2)", "(3)", "(4)"]
    for c, r in res.items():
        for term in specs.TABLE5[c].regressors:
            if term in ("GDPG", "BDI", "WUI"):
                assert not r.term(term)["identified"]
    assert res["(4)"].term("CR4")["identified"]
    assert list(specs.describe("table5")["regressors"])[-1] == "DID + GDPG + BDI + WUI + CR4"


def test_outcome_absorbed_by_fixed_effects_is_not_estimable_with_its_reason():
    panel = simulate_panel(seed=4)
    panel["world"] = panel["year"].map(dict(zip(range(1999, 2023), np.random.default_rng(1).normal(size=24))))
    panel["world"] += 5.0 * (panel["year"] >= 2006)  # jumps exactly at the policy year: still absorbed
    panel["by_unit"] = panel["id"] * 1.5
    res = fit_twfe(panel, "world", ["DID", "X"])
    terms = res.terms.set_index("term")
    assert not terms["identified"].any() and terms["estimate"].isna().all() and np.isnan(res.r2)
    assert terms.loc["DID", "note"] == "not identified (year-level outcome)"
    assert fit_twfe(panel, "by_unit", ["DID"]).term("DID")["note"] == "not identified (mineral-level outcome)"
    raw = fit_twfe(panel, "world", ["DID", "X"], check_outcome=False)
    assert raw.term("DID")["identified"] and abs(raw.term("DID")["estimate"]) < 1e-8 and raw.r2 == pytest.approx(1.0)
    assert fit_twfe(panel, "y", ["DID"]).term("DID")["identified"]  # an ordinary outcome is untouched
    assert fit_twfe(panel, "world", ["DID"], unit_fe=False, year_fe=False).term("DID")["identified"]
