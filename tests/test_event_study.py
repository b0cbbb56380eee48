"""Event studies on simulated panels with a planted dynamic path."""

import numpy as np
import pytest

from analysis.display import estimation_tables
from analysis.display.descriptives import year_ranges
from analysis.estimation import event_study
from analysis.estimation.simulate import simulate_panel

# a planted path: nothing before 2006, then growing and flat from k = 12 on (so the end bin is exact)
PATH = {k: 0.0 for k in range(-7, 0)} | {k: min(0.1 * (k + 1), 1.3) for k in range(0, 17)}


def panel_with(noise, seed=5):
    return simulate_panel(n_units=20, n_treated=5, effect=PATH, noise=noise, seed=seed)


def test_full_event_study_recovers_planted_path_exactly_without_noise():
    fit = event_study.fit_event_study(panel_with(1e-9), "y", lower=-5, upper=12, controls=("X",))
    est = fit.path.set_index("k")["estimate"]
    for k in range(-5, 13):
        assert est[k] == pytest.approx(PATH[k] - PATH[-1], abs=1e-6), k
    assert fit.path.loc[fit.path["term"] == "reference", "k"].item() == -1


def test_full_event_study_recovers_planted_path_with_noise():
    fit = event_study.fit_event_study(panel_with(0.05), "y", lower=-5, upper=12, controls=("X",))
    path = fit.path[fit.path["term"] != "reference"]
    truth = path["k"].map(PATH)
    assert (np.abs(path["estimate"] - truth) < 4 * path["se"]).all()
    assert (np.abs(path["estimate"] - truth) < 0.15).all()
    pre = path[path["k"] < -1]
    assert (pre["p"] > 0.01).all()  # no pre-trend planted
    assert (path.loc[path["k"] >= 3, "p"] < 0.01).all()  # clear effects later on
    assert fit.critical == pytest.approx(2.0930, abs=1e-3)  # t(19), G = 20
    assert np.allclose(path["hi"] - path["estimate"], fit.critical * path["se"])


def test_paper_truncated_spec_is_measured_against_a_contaminated_reference():
    """With effects persisting after k = 3, the pooled reference includes treated post years, so the
    paper's post coefficients are pulled down (and its pre coefficients too) relative to the truth."""
    panel = panel_with(1e-9)
    paper = event_study.fit_paper_event_study(panel, "y", controls=("X",)).path.set_index("term")["estimate"]
    full = event_study.fit_event_study(panel, "y", lower=-5, upper=12, controls=("X",)).path.set_index("term")[
        "estimate"
    ]
    for term, k in event_study.PAPER_TERMS.items():
        assert full[term] == pytest.approx(PATH[k], abs=1e-6)
        assert paper[term] < PATH[k] - 0.2, term


def test_paper_dummies_and_pooled_reference():
    panel = panel_with(0.1)
    data = event_study.event_dummies(panel, event_study.paper_bins())
    treated = data[data["treat"] == 1]
    assert treated.loc[treated["year"] == 2003, "pre_3"].eq(1).all()
    assert treated.loc[treated["year"] == 2006, "current"].eq(1).all()
    assert data.loc[data["treat"] == 0, list(event_study.PAPER_TERMS)].eq(0).all().all()
    assert data[list(event_study.PAPER_TERMS)].sum().eq(5).all()  # one year × 5 treated units
    pooled = event_study.pooled_reference_years(panel, "y")
    assert 2005 in pooled and 2010 in pooled and 2003 not in pooled and len(pooled) == 24 - 6
    gappy = panel.assign(y=panel["y"].where(~((panel["treat"] == 1) & (panel["year"] >= 2021))))
    observed, design = event_study.pooled_reference_years(gappy, "y"), event_study.pooled_reference_years(gappy, None)
    assert year_ranges(design, "–", " and ") == "1999–2002, 2005 and 2010–2022"
    assert year_ranges(observed, "–", " and ") == "1999–2002, 2005 and 2010–2020"


def test_full_bins_layout():
    bins = event_study.full_bins(-5, 8)
    assert bins["pre_5"][1] == -5 and bins["post_8"][0] == 8 and "pre_1" not in bins
    assert list(bins)[:2] == ["pre_5", "pre_4"] and len(bins) == (8 - (-5) + 1) - 1
    with pytest.raises(ValueError):
        event_study.full_bins(-1, 8)


def test_choose_bins_counts_observed_treated_rows():
    panel = simulate_panel(n_units=5, n_treated=1, seed=2)
    lower, upper = event_study.choose_bins(panel, "y", min_obs=3)
    assert (lower, upper) == (1999 - 2006 + 2, 2022 - 2006 - 2)
    panel.loc[(panel["treat"] == 1) & (panel["year"] >= 2021), "y"] = np.nan  # the last two years missing
    assert event_study.choose_bins(panel, "y", min_obs=3) == (-5, 2020 - 2006 - 2)
    with pytest.raises(ValueError):
        event_study.choose_bins(panel, "y", min_obs=100)


def test_reference_decomposition_is_exact_in_a_balanced_panel():
    """The paper's coefficient = saturated coefficient − its mean over the pooled reference years."""
    panel = simulate_panel(n_units=5, n_treated=1, effect=PATH, noise=0.05, seed=3)
    panel["y"] -= 0.3 * panel["X"]  # keep only FE + path + noise
    dec = event_study.reference_decomposition(panel, "y")
    assert list(dec["term"]) == list(event_study.PAPER_TERMS)
    assert np.allclose(dec["paper specification"], dec["saturated − pooled mean"], atol=1e-10)
    # the planted path is 0 before 2006 and large after k = 3, so the pooled mean is large and positive
    assert dec["mean over pooled years"].iloc[0] > 0.5


def test_path_table_labels_bins_and_reference():
    fit = event_study.fit_event_study(panel_with(0.05), "y", lower=-5, upper=12, controls=("X",))
    table = estimation_tables.path_table(fit)
    assert list(table["year"])[:1] == ["≤ 2001"] and list(table["year"])[-1] == "≥ 2018"
    ref = table[table["k"] == "-1"].iloc[0]
    assert ref["SE"] == "reference" and ref["estimate"] == "0.000" and ref["year"] == "2005"
    assert len(table) == len(fit.path)


def test_relative_year_inverts_term_name():
    assert [event_study.relative_year(t) for t in ["pre_5", "pre_2", "current", "post_1", "post_12"]] == [
        -5,
        -2,
        0,
        1,
        12,
    ]
    assert all(event_study.relative_year(event_study.term_name(k)) == k for k in range(-20, 21))
    assert event_study.relative_year("CR4") is None and event_study.relative_year("Constant") is None
    assert event_study.relative_year("reference") is None
