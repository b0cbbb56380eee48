"""The DID by hand (two-way demeaning + least squares) against fit_twfe, on simulated panels with a
planted effect, balanced and unbalanced."""

import numpy as np
import pandas as pd
import pytest

from analysis.estimation.by_hand import demean, did_by_hand
from analysis.estimation.simulate import simulate_panel
from analysis.estimation.twfe import fit_twfe


def _unbalanced(panel: pd.DataFrame) -> pd.DataFrame:
    """Knock holes in a panel as the real one has: a unit entering late, one ending early, scattered gaps."""
    out = panel.copy()
    late = (out["mineral"] == "u02") & (out["year"] < 2011)
    early = (out["mineral"] == "u00") & (out["year"] > 2020)
    scattered = np.random.default_rng(7).random(len(out)) < 0.1
    out.loc[late | early | scattered, "y"] = np.nan
    out.loc[out.index[::17], "X"] = np.nan
    return out


@pytest.mark.parametrize("balanced", [True, False])
def test_matches_fit_twfe_and_recovers_the_effect(balanced):
    panel = simulate_panel(n_units=6, n_treated=2, effect=0.5, noise=0.05, seed=11)
    if not balanced:
        panel = _unbalanced(panel)
    for regressors in (["DID"], ["DID", "X"]):
        hand = did_by_hand(panel, "y", regressors)
        library = fit_twfe(panel, "y", regressors)
        for name in regressors:
            assert abs(hand[name] - library.term(name)["estimate"]) < 1e-10
    assert abs(hand["DID"] - 0.5) < 0.05 and abs(hand["X"] - 0.3) < 0.02


def test_one_pass_is_not_exact_on_an_unbalanced_panel():
    """Why `demean` iterates: a single pass of mean subtraction misses the exact FWL coefficient."""
    panel = _unbalanced(simulate_panel(n_units=6, n_treated=2, effect=0.5, seed=11)).dropna(subset=["y"])
    once = panel[["y", "DID"]] - panel.groupby("mineral")[["y", "DID"]].transform("mean")
    once = once - once.groupby(panel["year"]).transform("mean")
    one_pass = float(once["DID"] @ once["y"] / (once["DID"] @ once["DID"]))
    exact = fit_twfe(panel, "y", ["DID"]).term("DID")["estimate"]
    assert abs(one_pass - exact) > 1e-6
    assert abs(did_by_hand(panel, "y", ["DID"])["DID"] - exact) < 1e-10


def test_demean_leaves_no_unit_or_year_mean_and_zeroes_a_year_level_variable():
    panel = _unbalanced(simulate_panel(n_units=5, seed=2)).dropna(subset=["y"])
    out = demean(panel[["y", "G"]], panel["mineral"], panel["year"])
    assert out.groupby(panel["mineral"])["y"].mean().abs().max() < 1e-10
    assert out.groupby(panel["year"])["y"].mean().abs().max() < 1e-10
    assert out["G"].abs().max() < 1e-10  # a year-level variable: nothing left, not identified


def test_demean_that_cannot_converge_says_so(monkeypatch):
    monkeypatch.setattr("analysis.estimation.by_hand.MAX_ROUNDS", 1)
    panel = _unbalanced(simulate_panel(n_units=5, seed=2)).dropna(subset=["y"])
    with pytest.raises(RuntimeError, match="did not converge"):
        demean(panel[["y"]], panel["mineral"], panel["year"])
