"""Table 6 (Eq. 2) on simulated panels with a known effect on CR4 and year-level LNGDP/EPU."""

import numpy as np
import pandas as pd
import pytest
from synthetic import user_panel

from analysis.data.panel import PanelSpec, add_design
from analysis.estimation import estimates
from analysis.estimation import mechanisms as m
from analysis.estimation.twfe import fit_twfe


def panel_with_cr4_effect(effect: float = 0.1, seed: int = 3, drop: int = 0) -> pd.DataFrame:
    """user_panel + CR4 = mineral level + common year shock + effect·DID + noise (LNGDP, EPU year-level)."""
    rng = np.random.default_rng(seed)
    panel = add_design(user_panel(seed=seed), PanelSpec())
    shock = dict(zip(range(1999, 2023), rng.normal(0, 0.02, 24)))
    panel["CR4"] = (
        0.55 + 0.06 * panel["id"] + panel["year"].map(shock) + effect * panel["DID"] + rng.normal(0, 0.005, len(panel))
    )
    if drop:
        panel.loc[panel.sample(drop, random_state=seed).index, "CR4"] = np.nan
    return panel


def test_cr4_column_recovers_the_planted_effect():
    res = m.table6(panel_with_cr4_effect(effect=0.1))["(2)"]
    did = res.term("DID")
    assert did["identified"] and abs(did["estimate"] - 0.1) < 0.01
    assert did["p"] < 0.01
    # the other controls are year-level: shown as not identified, never as a number
    for term in ("LNGDP", "EPU"):
        assert not res.term(term)["identified"] and np.isnan(res.term(term)["estimate"])


def test_year_level_outcomes_are_not_identified():
    results = m.table6(panel_with_cr4_effect())
    for col in ("(1)", "(3)"):
        terms = results[col].terms.set_index("term")
        assert not terms["identified"].any() and terms["estimate"].isna().all()  # constant included
        assert terms.loc["DID", "note"] == terms.loc["Constant", "note"] == m.YEAR_LEVEL_NOTE
        assert np.isnan(results[col].r2)  # R² = 1 of an absorbed outcome says nothing


def test_raw_fit_of_a_year_level_outcome_is_exactly_zero_whatever_the_effect():
    """Even when the 'world' variable jumps with the treated unit's policy, year FE absorb it."""
    panel = panel_with_cr4_effect()
    panel["EPU"] = 100 + 50 * (panel["year"] >= 2006)  # jumps exactly at the policy year
    raw = m.absorbed_fits(panel).set_index("outcome")
    for outcome in ("LNGDP", "EPU"):
        assert raw.loc[outcome, "varies by"] == "year"
        assert abs(raw.loc[outcome, "raw DID estimate"]) < 1e-8
        assert raw.loc[outcome, "s.d. after year means"] < 1e-9
    assert raw.loc["CR4", "varies by"] == "unit-year"


def test_outcome_varying_within_year_is_estimated():
    panel = panel_with_cr4_effect()
    panel["LNGDP"] = panel["LNGDP"] + 0.2 * panel["DID"]  # no longer year-level
    did = m.fit_mechanism(panel, "LNGDP").term("DID")
    assert did["identified"] and did["estimate"] == pytest.approx(0.2, abs=1e-6)


@pytest.mark.parametrize(
    "values,level",
    [
        ({"a": [1, 2], "b": [1, 2]}, "year"),
        ({"a": [1, 1], "b": [2, 2]}, "unit"),
        ({"a": [3, 3], "b": [3, 3]}, "none"),
        ({"a": [1, 2], "b": [3, 5]}, "unit-year"),
    ],
)
def test_variation_level(values, level):
    frame = pd.DataFrame(
        [{"mineral": u, "year": 2000 + t, "x": v} for u, vs in values.items() for t, v in enumerate(vs)]
    )
    assert m.variation(frame, "x") == level


def test_did_of_means_equals_twfe_did_in_a_balanced_panel():
    panel = panel_with_cr4_effect(effect=0.07)
    means = m.did_of_means(panel, "CR4")
    twfe = fit_twfe(panel, "CR4", ["DID"]).term("DID")["estimate"]
    assert means.loc["difference", "change"] == pytest.approx(twfe, abs=1e-10)
    assert means.loc["rare earths (treated)", "change"] - means.loc[
        "control minerals (mean)", "change"
    ] == pytest.approx(twfe, abs=1e-10)


def test_missing_cr4_shrinks_the_sample_and_tidy_has_all_columns():
    results = m.table6(panel_with_cr4_effect(drop=7))
    assert results["(2)"].n == 113
    rows = estimates.tidy(results, "table6")
    assert set(rows["column"]) == {"(1)", "(2)", "(3)"} and set(rows["table"]) == {"table6"}
    assert rows.loc[(rows["column"] == "(2)") & (rows["term"] == "DID"), "identified"].item()


def test_sci_is_not_reparsed_as_a_number():
    assert m.sci(-7.105e-15) == "−7.1 × 10⁻¹⁵" and m.sci(0.147) == "0.147" and m.sci(np.nan) == ""
    shown = m.absorbed_display(m.absorbed_fits(panel_with_cr4_effect()))
    assert shown.loc[0, "raw DID estimate"].endswith(tuple("⁰¹²³⁴⁵⁶⁷⁸⁹"))  # LNGDP: rounding noise
