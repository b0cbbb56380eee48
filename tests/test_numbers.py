"""The book's formatting rules (analysis.display.numbers, display.markdown) on known inputs."""

import numpy as np
import pandas as pd
import pytest

from analysis.display.markdown import md, numeric_text
from analysis.display.numbers import fmt_int, fmt_number, fmt_p, fmt_p_draws, fmt_printed, fmt_r2, fmt_sci, formula


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (0.64849, "0.648"),
        (-49.63, "-49.630"),
        (0.00428, "0.004"),
        (0.00793, "0.008"),
        (1.21e-5, "1.21 × 10⁻⁵"),
        (-3.719e-06, "-3.72 × 10⁻⁶"),
        (-0.0004, "-4.00 × 10⁻⁴"),
        (0.0, "0.000"),
        (-0.0, "0.000"),
        (-0.0001 + 0.0001, "0.000"),
        (float("nan"), ""),
        (None, ""),
    ],
)
def test_coefficients_three_decimals_or_powers_of_ten(x, text):
    assert fmt_number(x) == text


def test_powers_of_ten():
    assert fmt_sci(1.21e-5) == "1.21 × 10⁻⁵" and fmt_sci(1.6e-14, 2) == "1.6 × 10⁻¹⁴"
    assert fmt_sci(123456.0) == "1.23 × 10⁵" and fmt_sci(0) == "0" and fmt_sci(np.inf) == ""


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.0, "<\u00a00.001"),
        (0.0004, "<\u00a00.001"),
        (0.001, "0.001"),
        (0.0594, "0.059"),
        (1.0, "1.000"),
        (np.nan, "—"),
    ],
)
def test_p_values(p, text):
    assert fmt_p(p) == text


def test_p_from_draws_is_bounded_by_one_draw():
    assert fmt_p_draws(0.0, 500) == "<\u00a00.002"  # none of 500 draws: p < 1/500, never "<\u00a00.001"
    assert fmt_p_draws(0.0, 7776) == "<\u00a00.001"
    assert fmt_p_draws(0.0, 3) == "<\u00a00.334"
    assert fmt_p_draws(0.026, 7776) == "0.026" and fmt_p_draws(np.nan, 500) == "—"
    assert fmt_p_draws(0.0, np.nan) == "<\u00a00.001"  # no draw count: the plain p rule
    assert fmt_p_draws(0.059, 1) == "0.059" and fmt_p_draws(0.0004, 32) == "<\u00a00.001"  # not a count of draws


def test_r2_counts_years():
    assert fmt_r2(1.0) == "1.000" and fmt_r2(0.974747) == "0.975" and fmt_r2(np.nan) == ""
    assert fmt_int(1999.0) == "1999" and fmt_int(118) == "118" and fmt_int(np.nan) == ""


@pytest.mark.parametrize(
    ("printed", "text"),
    [
        ("1.21e-5", "1.21 × 10⁻⁵"),
        ("1.21×10−5", "1.21 × 10⁻⁵"),
        ("5.69e-06", "5.69 × 10⁻⁶"),
        ("-0.0129", "-0.0129"),
        ("0.648", "0.648"),
        ("1999-2022", "1999-2022"),
    ],
)
def test_paper_numbers_keep_their_digits(printed, text):
    assert fmt_printed(printed) == text


@pytest.mark.parametrize(
    ("label", "text"),
    [
        ("t(G-1)", "t(G\u00a0−\u00a01)"),
        ("t(N–K)", "t(N\u00a0−\u00a0K)"),
        ("CR1, t(G-1)", "CR1, t(G\u00a0−\u00a01)"),
        ("saturated - pooled mean", "saturated − pooled mean"),
        ("1999-2022", "1999-2022"),
        ("WCU-Webb", "WCU-Webb"),
    ],
)
def test_formula_minus(label, text):
    assert formula(label) == text


def test_markdown_keeps_preformatted_text_and_aligns_numbers_right():
    frame = pd.DataFrame({"": ["DID", "", "N"], "ours": ["0.550", "(0.182)", "118"], "x": [0.5, 2.0, 1999.0]})
    lines = md(frame, floatfmt=".4g").data.splitlines()
    assert "0.550" in lines[2] and "(0.182)" in lines[3]  # not re-read as 0.55
    assert lines[1].split("|")[1].startswith(":") and lines[1].split("|")[2].endswith(":")  # label left, numbers right
    assert "1999" in lines[4] and "1999.000" not in lines[4]  # a float column keeps floatfmt


def test_markdown_of_an_empty_frame_has_its_header():
    assert md(pd.DataFrame({"variable": [], "n": []}, dtype=object)).data.startswith("| variable")


def test_numeric_text():
    assert all(numeric_text(c) for c in ["0.648***", "(0.182)", "<\u00a00.001", "-1.21 × 10⁻⁵**", "1,234", "+0.0%"])
    assert not any(numeric_text(c) for c in ["not identified", "t(G\u00a0−\u00a01)", "1999-2022", "DID"])


def test_spec_curve_labels_and_legend_show_only_what_is_drawn():
    from analysis.display.sensitivity_figures import choice_label, spec_curve_plot
    from analysis.estimation.sensitivity.curve import BASELINE

    assert choice_label("variant", "cr4_iron_ore_gross_only") == "panel: iron-ore CR4 from gross ore only"
    assert choice_label("controls", "without iron_ore") == "controls: without iron ore"
    rows = [dict(BASELINE, estimate=e, se=0.1, clusters=5, ri_p=0.4, baseline=i == 0) for i, e in enumerate([0.1, 0.2])]
    rows[1]["variant"] = "oxide_index"
    fig = spec_curve_plot(pd.DataFrame(rows))
    top, bottom = fig.axes
    labels = [t.get_text() for t in top.get_legend().get_texts()]
    assert not any("≤" in t for t in labels) and any("p > 0.05" in t for t in labels)  # no p ≤ 0.05 marker drawn
    assert "panel: oxide-price index for rare earths" in [t.get_text() for t in bottom.get_yticklabels()]
    assert fig.get_size_inches()[0] == pytest.approx(6.3)
