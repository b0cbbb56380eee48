"""The small readings the chapters' generated sentences use: each claim follows the numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.data.build import panel_paths
from analysis.display import estimation_tables
from analysis.estimation.placebo import Placebo
from analysis.estimation.simulate import simulate_panel
from analysis.estimation.twfe import fit_twfe
from analysis.report import readings


def test_words_joins_like_prose():
    assert readings.words([]) == ""
    assert readings.words(["LNGDP"]) == "LNGDP"
    assert readings.words(["LNGDP", "EPU"]) == "LNGDP and EPU"
    assert readings.words(["a", "b", "c"]) == "a, b and c"


def test_sign_and_same_sign():
    assert [readings.sign_word(x) for x in (0.2, -0.2, 0.0)] == ["positive", "negative", "zero"]
    assert readings.same_sign(0.3, 2.0) and readings.same_sign(-1, -0.1)
    assert not readings.same_sign(0.3, -0.3)


def test_percent_effect_of_log_points():
    assert readings.percent_effect(0.0) == 0.0
    assert readings.percent_effect(0.6931471805599453) == pytest.approx(100.0)


def test_difference_text():
    assert readings.difference_text(1e-12) == "identical to 1e-10"
    assert readings.difference_text(-2e-5) == "difference 2.0e-05"


def test_paper_estimate_reads_the_reported_values():
    # data/paper/reported_values.csv: Table 6 column (2), DID on CR4 printed as 0.248*** (0.030)
    assert readings.paper_estimate("table6", "(2)") == "0.248 (SE 0.030, significant at 1%)"
    assert readings.paper_estimate("table6", "(3)").endswith("not significant)")


def test_not_identified_lists_the_absorbed_regressors():
    panel = simulate_panel(seed=1)  # G is a year-level variable, X a unit-year one
    assert readings.not_identified(fit_twfe(panel, "y", ["DID", "G", "X"])) == ["G"]
    assert readings.not_identified(fit_twfe(panel, "y", ["DID", "X"])) == []


def test_public_panel_follows_the_data_step(tmp_path):
    assert not readings.public_panel(tmp_path)
    inputs = panel_paths(tmp_path)["inputs"]
    inputs.parent.mkdir(parents=True)
    pd.DataFrame({"input": ["imf_pcps"]}).to_csv(inputs, index=False)
    assert readings.public_panel(tmp_path)


def make_placebo(draws, true_estimate):
    frame = pd.DataFrame({"estimate": draws, "se": 0.1, "p": 0.5, "n_fake_in_sample": 24})
    return Placebo(draws=frame, true_estimate=true_estimate, true_p=0.01, n_fake=24, draw_from="all", seed=1)


def test_placebo_readings_follow_the_draws():
    draws = np.linspace(-0.2, 0.2, 100)
    outlier = make_placebo(draws, -0.7)
    assert readings.placebo_side(outlier) == "to the left of all of them"
    assert readings.placebo_position(outlier) == "an outlier"
    assert estimation_tables.placebo_p_text(outlier) == "<\u00a00.010"  # none of 100 draws: p < 1/100
    tail = make_placebo(draws, 0.199)  # two draws (±0.2) as extreme: p = 0.02
    assert readings.placebo_position(tail) == "in the tail"
    assert estimation_tables.placebo_p_text(tail) == "= 0.020"
    assert readings.placebo_side(tail) == "to the right of 99% of them"
    inside = make_placebo(draws, 0.05)
    assert readings.placebo_position(inside) == "inside the placebo distribution"


def test_centred_on_zero_within_two_standard_errors():
    assert readings.centred_on_zero(-0.004, 0.1, 500)
    assert not readings.centred_on_zero(0.05, 0.1, 500)


def test_placebo_comparison_sets_ours_beside_the_paper():
    table = estimation_tables.placebo_comparison(make_placebo(np.linspace(-0.2, 0.2, 100), -0.7))
    rows = table.set_index("statistic")
    assert rows.loc["draws", "ours"] == "100"
    assert rows.loc["true DID (the paper's Table 3, column (2))", "ours"] == "-0.700"
    assert rows.loc["randomization p: share with abs(placebo) ≥ abs(true)", "ours"] == "p <\u00a00.010 (0 of 100)"
    assert rows.loc["share of draws with placebo coefficient ≥ the true DID", "ours"] == "1.000 (100 of 100)"
    # the paper's values come from data/paper/reported_values.csv (its text: 500 draws of 24 rows)
    assert rows.loc["draws", "paper"] == "500"


def test_normalisation_table_names_the_paper_table_first():
    ranges = pd.DataFrame(
        [
            {
                "variable": "LNGDP",
                "column": "(3)",
                "lowest": -1.0,
                "highest": 2.0,
                "DID, every version": -0.7,
                "DID spread": 0.0,
                "paper prints": 1.1,
            }
        ]
    )
    table = estimation_tables.normalisation_table({"Table 3": ranges, "Table 5": ranges.assign(variable="GDPG")})
    assert list(table.columns)[:3] == ["the paper's table", "column", "variable"]
    assert list(table["the paper's table"]) == ["Table 3", "Table 5"]
    assert "DID spread" not in table.columns


def test_size_reading_against_the_nominal_level():
    assert readings.size_reading(0.27, 2000) == "far too optimistic"
    assert readings.size_reading(0.08, 2000) == "too optimistic"  # 0.05 + 2 se = 0.0598
    assert readings.size_reading(0.055, 2000) == "about right"


def test_gap_is_flat_relative_to_the_post_policy_gap():
    assert readings.gap_is_flat([0.05, -0.1, 0.02], -0.67)
    assert not readings.gap_is_flat([0.19, -0.57], -0.67)


def test_rises_steadily():
    assert readings.rises_steadily([0.166, 0.597, 1.102, 1.858])  # the paper's Table 4, current to post_3
    assert not readings.rises_steadily([-0.80, -0.64, -0.08, -0.25])
    assert not readings.rises_steadily([0.5])
