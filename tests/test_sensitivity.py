"""Sensitivity functions on simulated panels with known truth: treatment dates, Table 4 readings,
pre-trend bounds, synthetic DID (toy case; the published Proposition 99 case is test_sdid.py)."""

import numpy as np
import pandas as pd
import pytest

from analysis.estimation.sensitivity import dates, pretrend, sdid, table4
from analysis.estimation.simulate import simulate_panel
from analysis.estimation.twfe import fit_twfe


def sim(effect, noise=0.05, seed=3, **kw):
    frame = simulate_panel(n_units=5, effect=effect, noise=noise, seed=seed, **kw).rename(columns={"y": "LNPRI"})
    frame["LNPRI"] -= 0.3 * frame["X"]  # only FE + effect + noise
    return frame


EVENTS = pd.DataFrame(
    {"event_id": ["E04", "E09", "E13"], "date": ["2006", "2009-04", "2010-07"], "source": ["a", "b", "c"]}
)


def test_treatment_dates_read_from_events():
    d = dates.treatment_dates(EVENTS)
    assert d["year"].tolist() == [2006, 2009, 2010]
    with pytest.raises(KeyError, match="E99"):
        dates.treatment_dates(EVENTS, ("E04", "E99"))


def test_fit_dates_recovers_planted_date_and_ri_equals_enumeration():
    panel = sim(0.8, policy_year=2009)  # the effect really starts in 2009
    out = dates.fit_dates(panel, dates.treatment_dates(EVENTS)).set_index("year")
    assert abs(out.loc[2009, "estimate"] - 0.8) < 0.05
    assert out.loc[2006, "estimate"] < out.loc[2009, "estimate"]  # an early date dilutes the effect
    # brute force: every unit treated from 2009 in turn, rank of the true one by |estimate|
    est = {}
    for u in panel["mineral"].unique():
        fake = panel.assign(D=((panel["mineral"] == u) & (panel["year"] >= 2009)).astype(float))
        est[u] = fit_twfe(fake, "LNPRI", ["D"]).term("D")["estimate"]
    brute = np.mean([abs(v) >= abs(est["u00"]) for v in est.values()])
    assert out.loc[2009, "ri_p"] == pytest.approx(brute)
    assert out.loc[2009, "ri_floor"] == pytest.approx(1 / 5)
    assert out.loc[2009, "ri_p"] == pytest.approx(0.2)  # the planted effect is the largest


def test_table4_binned_reading_recovers_planted_path():
    path = {k: 0.1 * k for k in range(0, 17)}  # effect grows after 2006, none before
    panel = sim(path, noise=1e-6)
    fits = table4.fit_readings(panel)
    binned = fits["binned"].path.set_index("term")["estimate"]
    for term, k in [("current", 0), ("post_1", 1), ("post_2", 2)]:
        assert binned[term] == pytest.approx(0.1 * k, abs=1e-4)
    assert binned["pre_3"] == pytest.approx(0.0, abs=1e-4) and binned["pre_2"] == pytest.approx(0.0, abs=1e-4)
    assert binned["post_3"] == pytest.approx(np.mean([0.1 * k for k in range(3, 17)]), abs=1e-4)
    # pooled reading: each coefficient against the mean over the pooled years (k <= -4, -1, >= 4)
    pooled = fits["pooled"].path.set_index("term")["estimate"]
    pool = [0.0] * 5 + [0.1 * k for k in range(4, 17)]  # k = -7..-4 and -1 are 0; 4..16 carry the effect
    assert pooled["post_1"] == pytest.approx(0.1 - np.mean(pool), abs=1e-4)
    assert pooled["pre_3"] == pytest.approx(-np.mean(pool), abs=1e-4)
    frame = table4.side_by_side(fits)
    assert frame.loc[frame["term"] == "post_3", "binned: k"].item() == "≥ 3"


def test_pretrend_bounds_cover_truth_under_linear_trend():
    slope, tau = 0.05, 0.4
    path = {k: slope * (k + 1) + (tau if k >= 0 else 0.0) for k in range(-7, 17)}
    fit = pretrend.fit_event(sim(path, noise=1e-6), lower=-5, upper=12)
    b = pretrend.bounds(fit, [0.0, 1.0], post=(0, 1, 2, 3)).set_index("mbar")
    bias = slope * np.mean([1, 2, 3, 4])
    assert b.loc[0.0, "theta"] == pytest.approx(tau + bias, abs=1e-4)  # parallel trends assumed: biased
    assert b.loc[0.0, "lower"] == b.loc[0.0, "upper"]
    assert b.loc[1.0, "delta"] == pytest.approx(slope, abs=1e-4)
    assert b.loc[1.0, "lower"] == pytest.approx(tau, abs=1e-4)  # M̄ = 1 just reaches the truth
    assert b.loc[1.0, "ci_lower"] <= tau <= b.loc[1.0, "ci_upper"]


def test_pretrend_covariances_and_breakdown():
    fit = pretrend.fit_event(sim({k: 1.0 for k in range(0, 17)}, noise=0.05, seed=5), lower=-5, upper=12)
    ranks = pretrend.rank_report(fit)
    assert ranks["rank_cr1"] <= ranks["clusters"] - 1 < ranks["coefficients"] == ranks["rank_unit"]
    m = pretrend.breakdown(fit)
    assert 0 < m < np.inf
    r = pretrend.bounds(fit, [m * 0.99, m * 1.01]).set_index("mbar")
    assert r.iloc[0]["ci_lower"] > 0 and r.iloc[1]["ci_lower"] <= 0  # the CI reaches 0 at M̄*


def test_unit_variances_separate_a_noisier_treated_unit():
    panel = sim(0.5, noise=0.05)
    rng = np.random.default_rng(0)
    treated = panel["mineral"] == "u00"
    panel.loc[treated, "LNPRI"] += rng.normal(0, 0.5, treated.sum())
    v = pretrend.unit_variances(panel)
    assert v["u00"] > 5 * v.drop("u00").max()  # year effects absorb a share of it


def test_synthdid_recovers_effect_under_parallel_trends():
    panel = sim(0.7, noise=1e-6).assign(D=lambda f: f["DID"])
    fits = sdid.estimate(panel, "LNPRI", unit="mineral", time="year", treated="D")
    for fit in fits.values():
        assert fit.omega.sum() == pytest.approx(1.0)
    assert fits["did"].estimate == pytest.approx(0.7, abs=1e-4)
    assert fits["sdid"].estimate == pytest.approx(0.7, abs=1e-3)
    assert fits["sdid"].lam.sum() == pytest.approx(1.0) and (fits["sc"].lam == 0).all()


def test_synthdid_refuses_unbalanced_panel():
    panel = sim(0.7).assign(D=lambda f: f["DID"])
    panel.loc[3, "LNPRI"] = np.nan
    with pytest.raises(ValueError, match="unbalanced"):
        sdid.estimate(panel, "LNPRI", unit="mineral", time="year", treated="D")
