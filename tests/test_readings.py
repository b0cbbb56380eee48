"""The small readings the chapters' generated sentences use: each claim follows the numbers."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.data.build import panel_paths
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
