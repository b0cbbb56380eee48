"""Design-based inference: each test against a brute-force version on toy panels, and the size of valid
tests on simulated null data."""

import itertools

import numpy as np
import pandas as pd
import pytest

from analysis.estimation.inference import assignment, design, inversion, randomization, suite, tables, wild
from analysis.estimation.inference.controls import controls_test
from analysis.estimation.simulate import simulate_panel
from analysis.estimation.twfe import critical_value, fit_twfe


def toy(n_units=5, years=range(1999, 2011), effect=0.0, noise=1.0, seed=0, policy_year=2004):
    """Units u00.. (u00 treated from `policy_year`), outcome y with unit and year effects."""
    return simulate_panel(
        n_units=n_units, years=years, effect=effect, noise=noise, seed=seed, policy_year=policy_year
    ).drop(columns=["X", "G"])


MODEL = assignment.Model(outcome="y")


def brute_did(panel, unit_value, start):
    """The DID of `unit_value` treated from `start`, by statsmodels."""
    fake = ((panel["mineral"] == unit_value) & (panel["year"] >= start)).astype(float)
    return float(fit_twfe(panel.assign(fake=fake), "y", ["fake"]).term("fake")["estimate"])


def test_unit_randomization_equals_brute_force_enumeration():
    panel = toy(effect=0.3, seed=1)
    panel.loc[(panel["mineral"] == "u03") & (panel["year"] < 2004), "y"] = np.nan  # u03: no pre-period
    sample = design.estimation_sample(panel, "y")
    test = randomization.unit_randomization(sample, MODEL, "u00", 2004)
    y = design.outcome_matrix(sample, "y")
    units = [u for u in panel["mineral"].unique() if u != "u03"]
    brute = {u: brute_did(panel, u, 2004) for u in units}
    assert test.names == units  # u03's assignment is not identified: left out
    assert np.allclose(test.statistics(y)[:, 0], [brute[u] for u in units], atol=1e-10)
    expected = np.mean([abs(brute[u]) >= abs(brute["u00"]) - 1e-12 for u in units])
    assert test.pvalues(y)[0] == pytest.approx(expected)
    assert test.floor == pytest.approx(1 / 4)


def test_time_randomization_equals_brute_force():
    panel = toy(seed=2)
    sample = design.estimation_sample(panel, "y")
    test = randomization.time_randomization(sample, MODEL, "u00", 2004, min_side=2, within="all")
    assert test.starts == list(range(2001, 2010))
    y = design.outcome_matrix(sample, "y")
    brute = np.array([brute_did(panel, "u00", s) for s in test.starts])
    assert np.allclose(test.statistics(y)[:, 0], brute, atol=1e-10)
    real = brute[test.starts.index(2004)]
    assert test.pvalues(y)[0] == pytest.approx(np.mean(np.abs(brute) >= abs(real) - 1e-12))
    pre = randomization.time_randomization(sample, MODEL, "u00", 2004, min_side=1, within="pre")
    assert pre.starts == [2000, 2001, 2002, 2003] and pre.floor == pytest.approx(1 / 5)


def test_conley_taber_uses_the_controls_only():
    panel = toy(n_units=6, seed=3, effect=2.0, noise=0.2)
    sample = design.estimation_sample(panel, "y")
    test = controls_test(sample, MODEL, "u00", 2004)
    controls = panel[panel["mineral"] != "u00"]
    W, real = test.statistics(design.outcome_matrix(sample, "y"))
    assert np.allclose(W[:, 0], [brute_did(controls, u, 2004) for u in test.names], atol=1e-10)
    assert real[0] == pytest.approx(brute_did(panel, "u00", 2004))
    assert test.pvalues(design.outcome_matrix(sample, "y"))[0] == 0.0  # a large effect beats every control


def brute_wild(panel, weights, restricted):
    """Wild cluster bootstrap-t by brute force: one statsmodels fit per weight vector."""
    fit = fit_twfe(panel, "y", ["DID"])
    t = fit.term("DID")["t"]
    fitted_null = panel["y"] - _resid_fe_only(panel) if restricted else None
    units = list(panel["mineral"].unique())
    beta = fit.term("DID")["estimate"]
    u_full = panel["y"] - _fitted_full(panel)
    ts = []
    for v in itertools.product(weights, repeat=len(units)):
        vi = panel["mineral"].map(dict(zip(units, v))).to_numpy()
        if restricted:
            ystar = fitted_null + vi * _resid_fe_only(panel)
            r = fit_twfe(panel.assign(y=ystar), "y", ["DID"]).term("DID")
            ts.append(r["estimate"] / r["se"] if r["se"] > 1e-8 * fit.term("DID")["se"] else 0.0)
        else:
            ystar = _fitted_full(panel) + vi * u_full
            r = fit_twfe(panel.assign(y=ystar), "y", ["DID"]).term("DID")
            ts.append((r["estimate"] - beta) / r["se"] if r["se"] > 1e-8 * fit.term("DID")["se"] else 0.0)
    return np.mean(np.abs(np.nan_to_num(ts)) >= abs(t) * (1 - 1e-10))


def _resid_fe_only(panel):
    X = pd.get_dummies(panel[["mineral", "year"]].astype(str), drop_first=True, dtype=float).assign(c=1.0)
    b = np.linalg.lstsq(X.to_numpy(), panel["y"].to_numpy(), rcond=None)[0]
    return panel["y"] - X.to_numpy() @ b


def _fitted_full(panel):
    X = pd.get_dummies(panel[["mineral", "year"]].astype(str), drop_first=True, dtype=float).assign(
        c=1.0, d=panel["DID"]
    )
    b = np.linalg.lstsq(X.to_numpy(), panel["y"].to_numpy(), rcond=None)[0]
    return X.to_numpy() @ b


@pytest.mark.parametrize(
    "kind,restricted", [("rademacher", True), ("rademacher", False), ("webb", True), ("webb", False)]
)
def test_wild_bootstrap_enumeration_equals_brute_force(kind, restricted):
    panel = toy(n_units=3, years=range(2000, 2006), effect=0.5, seed=4, policy_year=2003)
    panel = panel.drop(index=[4, 8, 15]).reset_index(drop=True)  # unbalanced: no exact zero cluster scores
    sample = design.estimation_sample(panel, "y")
    test = wild.WildBootstrap(MODEL.design_for(sample, "u00", 2003), kind, restricted)
    assert test.n_weights == {"rademacher": 8, "webb": 216}[kind]
    got = test.pvalues(design.outcome_matrix(sample, "y"))[0]
    assert got == pytest.approx(brute_wild(panel, wild.WEIGHTS[kind], restricted))


def test_wild_restricted_floor_is_reached_by_the_constant_weight_vectors():
    panel = toy(n_units=5, effect=50.0, noise=0.1, seed=5)
    sample = design.estimation_sample(panel, "y")
    test = wild.WildBootstrap(MODEL.design_for(sample, "u00", 2004), "rademacher", True)
    assert test.floor == pytest.approx(2 / 32)
    assert test.pvalues(design.outcome_matrix(sample, "y"))[0] >= test.floor - 1e-12


def test_inverting_the_cluster_robust_test_gives_the_t_interval():
    panel = toy(effect=0.4, seed=6, noise=0.3)
    s = suite.build_tests(panel, MODEL, treated="u00", policy_year=2004, only=("cr1",))
    fit = fit_twfe(panel, "y", ["DID"]).term("DID")
    crit = critical_value(4)
    grid = inversion.default_grid(fit["estimate"], fit["se"], points=4001, width=6)
    cs = inversion.invert(s.tests["cr1"], s.y, s.d, grid)
    assert not (cs.open_low or cs.open_high or cs.holes or cs.empty)
    assert cs.low == pytest.approx(fit["estimate"] - crit * fit["se"], abs=cs.step)
    assert cs.high == pytest.approx(fit["estimate"] + crit * fit["se"], abs=cs.step)


def test_randomization_confidence_set_is_unbounded_when_the_floor_exceeds_alpha():
    panel = toy(seed=7)
    s = suite.build_tests(panel, MODEL, treated="u00", policy_year=2004, only=("ri_unit",))
    grid = inversion.default_grid(0.0, 1.0)
    assert s.tests["ri_unit"].floor > 0.05
    assert inversion.invert(s.tests["ri_unit"], s.y, s.d, grid).text().startswith("unbounded")


def test_valid_randomization_test_has_nominal_size_on_null_data():
    """21 exchangeable units (one treated), i.i.d. noise: p < 0.05 only when the treated unit ranks first,
    so the size is 1/21 = 0.0476; seeded, within 3 Monte Carlo standard errors."""
    panel = toy(n_units=21, seed=8)
    s = suite.build_tests(panel, MODEL, treated="u00", policy_year=2004, only=("ri_unit", "cr1"))
    rng = np.random.default_rng(11)
    R = 3000
    rate = (s.tests["ri_unit"].pvalues(rng.standard_normal((len(s.sample), R))) < 0.05).mean()
    assert abs(rate - 1 / 21) < 3 * np.sqrt(0.05 * 0.95 / R)


def test_suite_reports_every_test_with_floor_and_confidence_set():
    panel = toy(effect=1.0, seed=9, noise=0.3)
    out = suite.run(suite.build_tests(panel, MODEL, treated="u00", policy_year=2004, n_placebo=50))
    assert set(out["test"]) == set(suite.LABELS)
    assert (out["p"].between(0, 1)).all() and (out["p"] >= out["floor"] - 1e-12).all()
    assert out.set_index("test").loc["ri_unit", "floor"] == pytest.approx(1 / 5)


def test_unidentified_coefficient_builds_no_test():
    panel = toy(seed=10)
    panel.loc[(panel["mineral"] == "u00") & (panel["year"] < 2004), "y"] = np.nan
    s = suite.build_tests(panel, MODEL, treated="u00", policy_year=2004)
    assert not s.tests and set(s.skipped) == set(suite.LABELS)


def test_simulation_chunks_give_the_same_numbers_with_one_or_two_workers():
    from analysis.estimation.inference import simulate

    panel = toy(seed=12, noise=0.5)
    s = suite.build_tests(panel, MODEL, treated="u00", policy_year=2004, only=("cr1", "ri_unit", "wcr_rademacher"))
    noise = simulate.NoiseModel.from_data(s, "resampled", block=3)
    one = simulate.simulate(s, noise, effect=0.2, n_sims=60, chunk=20, seed=5, n_jobs=1)
    two = simulate.simulate(s, noise, effect=0.2, n_sims=60, chunk=20, seed=5, n_jobs=2)
    pd.testing.assert_frame_equal(one, two)
    assert one["n_sims"].iloc[0] == 60 and one["rate"].between(0, 1).all()
    other = simulate.simulate(s, noise, effect=0.2, n_sims=60, chunk=20, seed=6, n_jobs=1)
    assert not one["rate"].equals(other["rate"]) or one["rate"].isin([0, 1]).all()


def test_noise_models_keep_each_units_scale_and_serial_correlation():
    from analysis.estimation.inference import simulate

    rng = np.random.default_rng(0)
    series = np.cumsum(rng.standard_normal(30)) * 0.1
    out = simulate.block_resample(rng, series, 5, 200)
    assert out.shape == (30, 200) and set(np.round(out.ravel(), 12)) <= set(np.round(series, 12))
    x = simulate.ar1(np.random.default_rng(1), np.arange(2000, 2400), 0.7, 2.0, 50)
    assert abs(x.std() - 2.0) < 0.15
    assert abs(np.corrcoef(x[1:].ravel(), x[:-1].ravel())[0, 1] - 0.7) < 0.05
    assert simulate.pooled_rho([np.arange(5)], [np.array([1.0, 1.0, 1.0, 1.0, 1.0])]) == pytest.approx(0.95)


def test_event_path_tests_reproduce_the_event_study_coefficients():
    from analysis.estimation import event_study
    from analysis.estimation.inference.event import event_path_tests

    panel = (
        toy(n_units=4, seed=13, effect=0.5)
        .rename(columns={"y": "LNPRI"})
        .assign(mineral=lambda f: f["mineral"].replace({"u00": "rare_earths"}))
    )
    bins = event_study.full_bins(-3, 3)
    fit = event_study.fit_event_study(panel, "LNPRI", lower=-3, upper=3, policy_year=2004).path
    out = event_path_tests(panel, bins, policy_year=2004, tests=("cr1", "ri_unit"))
    mine = out[out["test"] == "cr1"].set_index("coefficient")["estimate"]
    ref = fit[fit["term"] != "reference"].set_index("term")["estimate"]
    assert np.allclose(mine.loc[ref.index], ref, atol=1e-10)
    cr1 = out[out["test"] == "cr1"].set_index("coefficient")["p"]
    assert np.allclose(cr1.loc[ref.index], fit[fit["term"] != "reference"].set_index("term")["p"], atol=1e-10)


def test_tidy_rows_round_trip_through_the_estimates_format():

    panel = toy(effect=1.0, seed=14, noise=0.3)
    res = suite.run(suite.build_tests(panel, MODEL, treated="u00", policy_year=2004, only=("cr1", "ri_unit")))
    back = tables.read_tests(tables.tidy_tests(res, "table3 (2)", "DID")).set_index("test")
    assert back.loc["ri_unit", "p"] == pytest.approx(res.set_index("test").loc["ri_unit", "p"])
    assert back.loc["ri_unit", "floor"] == pytest.approx(0.2) and np.isnan(back.loc["ri_unit", "ci_low"])
    assert back.loc["cr1", "ci_low"] < back.loc["cr1", "coef"] < back.loc["cr1", "ci_high"]
    size = pd.DataFrame({"test": ["cr1", "ri_unit"], "size: iid": [0.3, 0.0], "power: ar1": [0.9, 0.0]})
    wide = tables.read_size(tables.tidy_size(size, 100, 0.648))
    assert list(wide.columns) == ["test", "size: iid", "power: ar1", "n_sims"]
    assert wide.set_index("test").loc["cr1", "size: iid"] == 0.3


def test_read_tests_keeps_only_the_tests_that_were_run():
    """Two exhibits with different tests: no row for a test an exhibit never ran (no cartesian product)."""
    rows = []
    for exhibit, test in [("table3 (2)", "ri_units"), ("table6 (2)", "wild_webb")]:
        for quantity, value in [("coef", 0.5), ("p", 0.2), ("floor", 0.2)]:
            rows.append({"table": "inference", "column": exhibit, "term": f"DID|{test}|{quantity}", "estimate": value})
    est = pd.DataFrame(rows).assign(n=5.0, note="")
    got = tables.read_tests(est)
    assert sorted(zip(got["exhibit"], got["test"])) == [("table3 (2)", "ri_units"), ("table6 (2)", "wild_webb")]
    assert got["p"].tolist() == [0.2, 0.2]
