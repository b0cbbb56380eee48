"""The placebo test: vectorised FWL draws equal the statsmodels loop; summaries on known cases."""

import numpy as np
import pandas as pd
import pytest

from analysis.display import estimation_tables
from analysis.estimation import placebo
from analysis.estimation.simulate import simulate_panel


@pytest.fixture(scope="module")
def panel():
    """5 units × 24 years like the paper's panel, effect 0.6 on unit u00 from 2006, with missing outcomes."""
    frame = simulate_panel(n_units=5, n_treated=1, effect=0.6, noise=0.1, seed=21).rename(columns={"y": "LNPRI"})
    frame["LNPRI"] -= 0.3 * frame["X"]  # leave only the FE, the effect and N(0, 0.1²)
    frame.loc[frame.sample(12, random_state=1).index, "LNPRI"] = np.nan
    return frame


def test_vectorised_equals_loop(panel):
    draws = placebo.draw_fake_treated(len(panel), 24, 40, seed=3)
    fast = placebo.placebo_vectorised(panel, draws)
    slow = placebo.placebo_loop(panel, draws)
    for col in ["estimate", "se", "p"]:
        assert np.max(np.abs(fast[col].to_numpy() - slow[col].to_numpy())) < 1e-10, col
    assert (fast["n_fake_in_sample"] == slow["n_fake_in_sample"]).all()
    assert (fast["n_fake_in_sample"] < 24).any()  # some draws hit rows with missing LNPRI


def test_unidentified_draws_are_nan_in_both(panel):
    missing = np.flatnonzero(panel["LNPRI"].isna().to_numpy())[:5]
    whole_year = np.flatnonzero(((panel["year"] == 2010) & panel["LNPRI"].notna()).to_numpy())
    draws = [missing, np.r_[whole_year, missing[:1]][:5]]
    draws = np.array([d[: min(map(len, draws))] for d in draws])
    fast, slow = placebo.placebo_vectorised(panel, draws), placebo.placebo_loop(panel, draws)
    assert fast["estimate"].isna().all() and slow["estimate"].isna().all()


def test_draws_are_reproducible_samples_without_replacement():
    a = placebo.draw_fake_treated(120, 24, 50, seed=9)
    assert a.shape == (50, 24) and a.min() >= 0 and a.max() < 120
    assert all(len(set(row)) == 24 for row in a)
    assert np.array_equal(a, placebo.draw_fake_treated(120, 24, 50, seed=9))
    assert not np.array_equal(a, placebo.draw_fake_treated(120, 24, 50, seed=10))
    with pytest.raises(ValueError):
        placebo.draw_fake_treated(10, 11, 1, seed=0)


def test_randomization_p():
    assert placebo.randomization_p(np.array([-2.0, -0.5, 0.1, 1.0, np.nan]), 1.0) == pytest.approx(0.5)
    assert placebo.randomization_p(np.array([0.1, 0.2]), -3.0) == 0.0


def test_run_placebo_detects_planted_effect(panel):
    res = placebo.run_placebo(panel, n_placebo=2000, seed=4)
    s = res.summary()
    assert res.n_fake == 24 and s["draws"] == 2000
    assert res.true_estimate == pytest.approx(0.6, abs=0.1)
    assert res.randomization_p < 0.01
    assert abs(s["mean"]) < 0.1 * res.true_estimate
    assert 20 < s["mean_fake_in_sample"] < 24
    tidy = placebo.tidy(res)
    assert set(tidy["term"]) >= {"DID", "randomization_p"} and set(tidy["table"]) == {"placebo"}


def test_draw_from_sample_keeps_all_fake_rows(panel):
    res = placebo.run_placebo(panel, n_placebo=200, seed=4, draw_from="sample")
    assert (res.draws["n_fake_in_sample"] == 24).all()
    with pytest.raises(ValueError):
        placebo.run_placebo(panel, n_placebo=2, draw_from="nowhere")


def test_unit_placebo_ranks_the_treated_unit_first(panel):
    out = placebo.unit_placebo(panel).set_index("mineral")
    assert out.loc["u00", "rank"] == 1 and out.loc["u00", "permutation p"] == pytest.approx(0.2)
    assert sorted(out["rank"]) == [1, 2, 3, 4, 5]


def test_unit_placebo_skips_a_unit_without_pre_period(panel):
    frame = panel.copy()
    frame.loc[(frame["mineral"] == "u03") & (frame["year"] < 2011), "LNPRI"] = np.nan  # like molybdenum
    out = placebo.unit_placebo(frame).set_index("mineral")
    assert np.isnan(out.loc["u03", "estimate"]) and out.loc["u03", "note"].startswith("not identified")
    assert out.loc["u00", "rank"] == 1 and out.loc["u00", "permutation p"] == pytest.approx(0.25)


def test_unit_placebo_table_shows_note_for_unidentified(panel):
    frame = panel.copy()
    frame.loc[(frame["mineral"] == "u03") & (frame["year"] < 2011), "LNPRI"] = np.nan
    table = estimation_tables.unit_placebo_table(placebo.unit_placebo(frame), labels={"u00": "treated unit"}).set_index(
        "mineral"
    )
    assert table.loc["u03", "estimate"].startswith("not identified") and table.loc["u03", "rank"] == ""
    assert table.loc["treated unit", "rank"] == "1"


def test_cr1_fwl_equals_fit_twfe_on_any_outcome():
    from analysis.estimation.twfe import fit_twfe

    data = simulate_panel(seed=3)
    data.loc[[4, 30, 77], "y"] = np.nan  # unbalanced, as the real panel
    sample = data[data["y"].notna()]
    annihilate, k_fe = placebo._annihilator(sample, "mineral", "year")
    d = annihilate(sample["DID"].to_numpy(float))[:, None]
    y = annihilate(sample["y"].to_numpy(float))[:, None]
    beta, se, p = placebo.cr1_fwl(d, y, pd.factorize(sample["mineral"])[0], k_fe)
    ref = fit_twfe(data, "y", ["DID"]).term("DID")
    assert [beta[0], se[0], p[0]] == pytest.approx([ref["estimate"], ref["se"], ref["p"]], rel=1e-10)


def test_null_rejection_rate_one_treated_unit_oversized_many_treated_near_nominal():
    one_treated = simulate_panel(n_units=5, n_treated=1, seed=1)
    many_treated = simulate_panel(n_units=30, n_treated=15, seed=1)
    assert placebo.null_rejection_rate(one_treated, n_sims=2000, seed=5, outcome="y") > 0.15
    assert 0.02 < placebo.null_rejection_rate(many_treated, n_sims=2000, seed=5, outcome="y") < 0.09
