"""Specification curve: contains the baseline specification and reproduces its number; every
specification's randomization p equals brute-force enumeration; the summary counts what it says."""

import numpy as np
import pandas as pd
import pytest

from analysis.estimation.sensitivity import curve
from analysis.estimation.simulate import simulate_panel
from analysis.estimation.twfe import fit_twfe


@pytest.fixture(scope="module")
def panel():
    frame = simulate_panel(n_units=5, effect=0.6, noise=0.1, seed=8).rename(columns={"y": "LNPRI"})
    frame["LNPRI"] -= 0.3 * frame["X"]
    frame["CR4"] = 0.5 + 0.1 * np.random.default_rng(1).random(len(frame))
    frame.loc[frame.sample(6, random_state=2).index, "LNPRI"] = np.nan
    return frame


@pytest.fixture(scope="module")
def spec_curve(panel):
    return curve.run(
        {"baseline": panel, "other": panel.assign(LNPRI=panel["LNPRI"] * 1.1)},
        {"full": None, "to 2014": 2014},
        policy_year=2006,
    )


def test_grid_is_every_combination(spec_curve):
    # 2 variants × 2 windows × (all + 4 leave-one-out) × 2 covariate sets × 2 forms
    assert len(spec_curve) == 2 * 2 * 5 * 2 * 2
    assert not spec_curve.duplicated(list(curve.DIMENSIONS)).any()


def test_curve_contains_baseline_and_reproduces_it(panel, spec_curve):
    base = spec_curve[spec_curve["baseline"]]
    assert len(base) == 1
    ref = fit_twfe(panel, "LNPRI", ["DID"]).term("DID")
    for col in ("estimate", "se", "p"):
        assert base[col].item() == pytest.approx(ref[col], rel=1e-10)
    cr4 = spec_curve[(spec_curve["spec"] == "baseline | full | all | DID + CR4 | log")]
    assert cr4["estimate"].item() == pytest.approx(fit_twfe(panel, "LNPRI", ["DID", "CR4"]).term("DID")["estimate"])
    assert spec_curve["estimate"].is_monotonic_increasing


def test_randomization_equals_enumeration(panel, spec_curve):
    for covs, name in (([], "DID only"), (["CR4"], "DID + CR4")):
        est = {
            u: fit_twfe(
                panel.assign(D=((panel["mineral"] == u) & (panel["year"] >= 2006)).astype(float)), "LNPRI", ["D", *covs]
            ).term("D")["estimate"]
            for u in panel["mineral"].unique()
        }
        brute = np.mean([abs(v) >= abs(est["u00"]) for v in est.values()])
        row = spec_curve[spec_curve["spec"] == f"baseline | full | all | {name} | log"].iloc[0]
        assert row["ri_p"] == pytest.approx(brute) and row["ri_floor"] == pytest.approx(0.2)


def test_level_form_is_one_on_average_before_the_policy(panel):
    level = curve.level_form(panel, 2006)
    pre = level[panel["year"] < 2006].groupby(panel["mineral"]).mean()
    assert np.allclose(pre, 1.0)


def test_summary_counts():
    frame = pd.DataFrame(
        {
            "form": ["log", "log", "level"],
            "estimate": [0.5, -0.2, np.nan],
            "p": [0.01, 0.03, np.nan],
            "ri_p": [0.2, 0.4, np.nan],
            "ri_floor": [0.2, 0.2, np.nan],
        }
    )
    s = curve.summary(frame, paper_sign=1.0).set_index("subset")
    assert s.loc["all", "specifications"] == 3 and s.loc["all", "estimated"] == 2
    assert s.loc["all", "paper's sign"] == 1
    assert s.loc["all", "CR1 p < 0.05 (size not held)"] == 2
    assert s.loc["all", "CR1 p < 0.05, paper's sign"] == 1
    assert s.loc["all", "valid p ≤ 0.05"] == 0 and s.loc["all", "smallest attainable valid p"] == 0.2


def test_tidy_rows(spec_curve):
    rows = curve.tidy(spec_curve)
    assert set(rows["term"]) == {"DID", "ri_p"} and len(rows) == 2 * len(spec_curve)
    assert rows["column"].is_unique is False and rows.groupby("term")["column"].nunique().eq(len(spec_curve)).all()


def test_a_common_deflator_cannot_change_the_log_did_but_can_change_the_level_did(panel):
    """The chapter's claim: deflating every price by one index is absorbed by the year effects in logs."""
    index = np.log1p(0.03 * (panel["year"] - 1999)) + 0.1 * np.sin(panel["year"])
    nominal = panel.assign(LNPRI=panel["LNPRI"] + index)
    c = curve.run({"baseline": panel, "nominal": nominal}, {"full": None})
    by = c.set_index(["variant", "controls", "covariates", "form"])["estimate"]
    log = by.xs("log", level="form")
    assert np.allclose(log.xs("baseline").sort_index(), log.xs("nominal").sort_index(), atol=1e-10)
    level = by.xs("level", level="form")
    assert not np.allclose(level.xs("baseline").sort_index(), level.xs("nominal").sort_index(), atol=1e-6)


def test_panels_uses_variants_only_when_they_belong_to_the_panel(panel, tmp_path):
    assert list(curve.panels(tmp_path, panel)) == ["baseline"]  # none built (a user's panel)
    (tmp_path / "data").mkdir()
    long = pd.concat([panel.assign(variant="baseline"), panel.assign(variant="nominal", LNPRI=panel["LNPRI"] + 1)])
    long.to_csv(tmp_path / "data" / "panel_variants.csv", index=False)
    got = curve.panels(tmp_path, panel)
    assert list(got) == ["baseline", "nominal"] and got["baseline"] is panel
    assert list(curve.panels(tmp_path, panel.assign(LNPRI=panel["LNPRI"] * 2))) == ["baseline"]  # another panel
