"""Verdict rules on tests that hold their size: every verdict is reachable on constructed inputs."""

import numpy as np
import pandas as pd
import pytest
from synthetic import estimate_row as est_row

from analysis.report import verdicts as v

VALID = pd.DataFrame(
    {
        "test": ["ri", "wild", "cr1", "floored"],
        "size": [0.04, 0.01, 0.35, 0.0],
        "power": [0.5, 0.1, 0.9, 0.0],
        "valid": [True, True, False, True],
    }
)


def design(**p):
    floors = {"ri": 0.01, "wild": 0.001, "cr1": 0.0, "floored": 0.25}
    return pd.DataFrame({"test": list(p), "p": list(p.values()), "floor": [floors[t] for t in p]})


def test_supported_and_contradicted_need_a_valid_rejection_in_a_direction():
    assert v.judge(0.6, True, design(ri=0.01, wild=0.5), VALID)["verdict"] == "supported"
    out = v.judge(-0.6, True, design(ri=0.01, wild=0.5), VALID)
    assert out["verdict"] == "contradicted" and out["test"] == "ri" and "sign not replicated" in out["reason"]


def test_an_over_rejecting_test_decides_nothing():
    out = v.judge(0.6, True, design(cr1=0.001, ri=0.3), VALID)
    assert out["verdict"] == "not significant" and out["test"] == "ri" and "p = 0.300" in out["reason"]
    assert "power" in out["reason"] and "50%" in out["reason"]


def test_the_most_powerful_valid_test_decides_not_the_one_that_rejects():
    out = v.judge(0.6, True, design(ri=0.2, wild=0.001), VALID)
    assert out["verdict"] == "not significant" and out["test"] == "ri"


def test_not_testable_states_the_smallest_attainable_p():
    out = v.judge(-0.6, True, design(floored=0.5, cr1=0.01), VALID, labels={"floored": "RI over units"})
    assert out["verdict"] == "not testable"
    assert "smallest attainable p = 0.250 (RI over units)" in out["reason"] and "sign not replicated" in out["reason"]
    none = v.judge(0.6, True, design(cr1=0.01), VALID)
    assert none["verdict"] == "not testable" and "no test" in none["reason"]


def test_not_estimable_keeps_the_reason():
    out = v.judge(np.nan, False, design(ri=0.01), VALID, note="not identified (year-level outcome)")
    assert out == {
        "verdict": "not estimable",
        "reason": "not identified (year-level outcome)",
        "test": "",
        "p": out["p"],
    }


@pytest.mark.parametrize(
    "terms,pre,expected",
    [
        (["supported"] * 3, False, "supported"),
        (["supported", "not significant"], False, "partly supported"),
        (["contradicted", "not significant"], False, "contradicted"),
        (["not testable", "not estimable"], False, "not testable"),
        (["not significant", "not testable"], False, "not significant"),
        (["not estimable"], False, "not estimable"),
        (["supported"], True, "not testable (pre-trend)"),
    ],
)
def test_combining_the_coefficients_of_a_path(terms, pre, expected):
    assert v.combine_terms(terms, pre) == expected
    assert expected in v.VERDICTS


def test_validity_uses_the_worst_null_scenario():
    size = pd.DataFrame(
        {"test": ["a", "b"], "size: iid": [0.04, 0.05], "size: ar1": [0.06, 0.2], "power: ar1": [0.3, 0.9]}
    )
    out = v.size_validity(size, 0.05, 0.025).set_index("test")
    assert out.loc["a", "valid"] and not out.loc["b", "valid"] and out.loc["b", "size"] == 0.2
    assert not v.size_validity(size, 0.05, 0.005).set_index("test").loc["a", "valid"]


def test_verdict_table_reads_the_exhibits_and_names_repeated_fits():
    est = pd.DataFrame(
        [
            est_row("table3", "(2)", "DID", -0.5),
            est_row("table3", "(3)", "DID", -0.5),
            est_row("table5", "(1)", "DID", -0.5),
            est_row("table3", "(4)", "DID", -0.3),
        ]
    )
    tests_wide = pd.DataFrame(
        {
            "exhibit": ["table3 (2)"] * 2,
            "coefficient": ["DID"] * 2,
            "test": ["ri", "cr1"],
            "p": [0.01, 0.001],
            "floor": [0.01, 0.0],
        }
    )
    size = pd.DataFrame({"test": ["ri", "cr1"], "size: iid": [0.04, 0.3], "power: ar1": [0.5, 0.9]})
    table = v.verdict_table(est, None, tests_wide, {"LNPRI": size}).set_index("claim")
    c1 = table.loc["C1"]
    assert c1["verdict"] == "contradicted" and "Table 3 (3), Table 5 (1): the same fit" in c1["reason"]
    assert "Table 3 (4)" not in c1["reason"] and "does not hold" in c1["cluster-robust p"]
    assert "ri 0.010 (floor 0.010)" in c1["valid p-values"]
    assert table.loc["H2", "verdict"] == "not estimable" and table.loc["C2", "verdict"] == "not estimable"


def test_a_claim_is_judged_only_with_the_size_of_its_own_outcome():
    """H3 (DID on CR4): the price regression's size table does not carry over; CR4's own does."""
    est = pd.DataFrame([est_row("table6", "(2)", "DID", 0.2, p=0.001)]).assign(outcome="CR4")
    tests_wide = pd.DataFrame(
        {"exhibit": ["table6 (2)"], "coefficient": ["DID"], "test": ["ri"], "p": [0.01], "floor": [0.01]}
    )
    size = pd.DataFrame({"test": ["ri"], "size: iid": [0.04], "power: ar1": [0.5]})
    price_only = v.verdict_table(est, None, tests_wide, {"LNPRI": size}).set_index("claim").loc["H3"]
    assert price_only["verdict"] == "not testable"
    assert "not simulated for this regression" in price_only["reason"]
    own = v.verdict_table(est, None, tests_wide, {"CR4": size}).set_index("claim").loc["H3"]
    assert own["verdict"] == "supported" and "p = 0.010" in own["reason"]
