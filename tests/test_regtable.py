"""regression_table and comparison_frame on simulated regressions with known content."""

import numpy as np
import pandas as pd
import pytest

from analysis.display.regtable import (
    agreement_sentence,
    agreement_table,
    comparison_frame,
    fmt_number,
    fmt_paper,
    inference_counts,
    paper_inference_check,
    regression_table,
)
from analysis.estimation.simulate import simulate_panel
from analysis.estimation.twfe import fit_twfe, stars


@pytest.fixture(scope="module")
def results():
    panel = simulate_panel(n_units=12, n_treated=3, effect=0.8, noise=0.05, seed=1)
    return {
        "(1)": fit_twfe(panel, "y", ["DID"], unit_fe=False, year_fe=False),
        "(2)": fit_twfe(panel, "y", ["DID", "G", "X"]),
    }


def paper_rows():
    """Reported rows in the layout of data/paper/reported_values.csv."""
    rows = [
        ("(1)", "DID", "coef", 0.9, "0.900***"),
        ("(1)", "DID", "stars", 3, "***"),
        ("(1)", "DID", "se", 0.1, "(0.100)"),
        ("(2)", "DID", "coef", -0.0129, "−0.012 9"),
        ("(2)", "DID", "stars", 0, ""),
        ("(2)", "DID", "se", 0.122, "(0.122)"),
        ("(2)", "G", "coef", 1.21e-5, "1.21×10−5 **"),
        ("(2)", "G", "stars", 2, "**"),
        ("(2)", "G", "se", 5.69e-6, "(5.69×10−6)"),
        ("(2)", "Observations", "n", 109, "109"),
        ("(2)", "R-squared", "r2", 0.9, "0.900"),
        ("(2)", "individual_fe", "fe_included", 1, "是"),
        ("(2)", "time_fe", "fe_included", 0, "否"),
    ]
    return pd.DataFrame(rows, columns=["column", "row", "statistic", "value", "value_text"]).assign(table="tableX")


def test_rows_cells_and_not_identified(results):
    frame = regression_table(results, ["DID", "G", "X"])
    assert list(frame.columns) == ["", "(1)", "(2)"]
    assert list(frame[""]) == ["DID", "", "G", "", "X", "", "N", "R²", "mineral FE", "year FE"]
    did = results["(2)"].term("DID")
    assert frame.loc[0, "(2)"] == fmt_number(did["estimate"]) + stars(did["p"])
    assert frame.loc[1, "(2)"] == f"({fmt_number(did['se'])})"
    assert frame.loc[2, "(2)"] == "not identified (collinear with year FE)"
    assert frame.loc[3, "(2)"] == ""
    assert frame.loc[4, "(1)"] == "" and frame.loc[5, "(1)"] == ""  # X not in column (1)
    assert frame.loc[6, "(2)"] == str(results["(2)"].n)
    assert list(frame.loc[8:9, "(1)"]) == ["no", "no"] and list(frame.loc[8:9, "(2)"]) == ["yes", "yes"]


def test_fe_rows_optional(results):
    assert list(regression_table(results, ["DID"], fe_rows=False)[""]) == ["DID", "", "N", "R²"]


def test_paper_beside_ours(results):
    frame = regression_table(results, ["DID", "G"], reported=paper_rows(), table="tableX")
    assert list(frame.columns) == ["", "(1) paper", "(1) ours", "(2) paper", "(2) ours"]
    assert frame.loc[0, "(1) paper"] == "0.900***" and frame.loc[1, "(1) paper"] == "(0.100)"
    assert frame.loc[0, "(2) paper"] == "-0.0129" and frame.loc[2, "(2) paper"] == "1.21 × 10⁻⁵**"
    assert frame.loc[3, "(2) paper"] == "(5.69 × 10⁻⁶)"
    assert frame.loc[4, "(2) paper"] == "109" and frame.loc[4, "(1) paper"] == ""
    assert list(frame.loc[6:7, "(2) paper"]) == ["yes", "no"]
    assert frame.loc[2, "(2) ours"].startswith("not identified")


def test_number_formats():
    assert fmt_paper(0.648) == "0.648" and fmt_paper(float("nan")) == ""
    assert fmt_number(0.64849) == "0.648" and fmt_number(-49.63) == "-49.630"
    assert fmt_number(0.00996) == "0.010" and fmt_number(1.21e-5) == "1.21 × 10⁻⁵" and fmt_number(0.0) == "0.000"
    assert fmt_paper(1.21e-5) == "1.21 × 10⁻⁵" and fmt_paper(0.0037) == "0.0037"


def test_term_empty_in_every_column_is_dropped(results):
    """A term no column has (here "W") gets no rows; one that some column has keeps its two rows."""
    frame = regression_table(results, ["DID", "W", "X"])
    assert list(frame[""]) == ["DID", "", "X", "", "N", "R²", "mineral FE", "year FE"]
    with_paper = regression_table(results, ["DID", "G", "W"], reported=paper_rows(), table="tableX")
    assert list(with_paper[""])[:4] == ["DID", "", "G", ""] and "W" not in list(with_paper[""])


def test_comparison_frame(results):
    tidy = pd.concat([r.tidy("tableX", k) for k, r in results.items()])
    comp = comparison_frame(tidy, paper_rows(), ["DID", "G", "X"]).set_index(["column", "term"])
    ours1 = results["(1)"].term("DID")
    row = comp.loc[("(1)", "DID")]
    assert row["difference"] == pytest.approx(ours1["estimate"] - 0.9)
    assert row["same sign"] == ("yes" if ours1["estimate"] > 0 else "no")
    assert row["both significant at 5%"] == ("yes" if ours1["p"] < 0.05 else "no")
    # planted effect +0.8, paper -0.0129 (no stars): signs differ, paper not significant
    row2 = comp.loc[("(2)", "DID")]
    assert row2["same sign"] == "no" and row2["both significant at 5%"] == "no"
    assert row2["paper stars"] == "" and row2["our stars"] == stars(results["(2)"].term("DID")["p"])
    g = comp.loc[("(2)", "G")]
    assert np.isnan(g["our coef"]) and g["same sign"] == "n/a" and g["our note"].startswith("not identified")
    assert g["paper stars"] == "**"
    assert ("(1)", "G") not in comp.index  # neither side has G in column (1)
    assert comp.loc[("(2)", "X"), "same sign"] == "n/a"  # ours only


def comparison_rows():
    """A comparison_frame with one coefficient in each sign × significance cell that matters."""
    rows = [
        ("(1)", "DID", 0.5, "***", 0.4, "**", "yes"),  # same sign, both significant
        ("(2)", "DID", 0.5, "**", 0.4, "*", "yes"),  # same sign, only the paper's (ours * is 10%)
        ("(3)", "DID", 0.5, "", -0.4, "***", "no"),  # opposite sign, only ours
        ("(4)", "DID", 0.5, "*", -0.4, "", "no"),  # opposite sign, neither at 5%
        ("(2)", "LNGDP", 1.0, "**", np.nan, "", "n/a"),
    ]  # not comparable
    frame = pd.DataFrame(
        rows, columns=["column", "term", "paper coef", "paper stars", "our coef", "our stars", "same sign"]
    )
    frame["our note"] = ["", "", "", "", "not identified (collinear with year FE)"]
    return frame


def test_agreement_table_places_each_coefficient_once():
    table = agreement_table(comparison_rows()).set_index("")
    assert list(table.index) == ["same sign", "opposite sign"]
    assert list(table.columns) == [
        "significant at 5% in both",
        "significant at 5% only in the paper",
        "significant at 5% only in ours",
        "significant at 5% in neither",
    ]
    assert table.loc["same sign", "significant at 5% in both"] == "DID (1)"
    assert table.loc["same sign", "significant at 5% only in the paper"] == "DID (2)"
    assert table.loc["opposite sign", "significant at 5% only in ours"] == "DID (3)"
    assert table.loc["opposite sign", "significant at 5% in neither"] == "DID (4)"
    assert table.loc["same sign", "significant at 5% in neither"] == "–"
    assert "LNGDP" not in table.to_string()


def test_agreement_sentence_counts_and_names_what_is_missing():
    text = agreement_sentence(comparison_rows())
    assert text.startswith(
        "Of the paper's 5 coefficients in this comparison, 4 can be set beside one of ours: "
        "2 of them with the same sign, and 1 is significant at 5% in both with the same sign."
    )
    assert text.endswith("We have no number for LNGDP (2): not identified (collinear with year FE).")


def test_agreement_from_fitted_results(results):
    tidy = pd.concat([r.tidy("tableX", k) for k, r in results.items()])
    comp = comparison_frame(tidy, paper_rows(), ["DID", "G"])
    table = agreement_table(comp).set_index("")
    # planted effect +0.8 with little noise: our column (2) DID is positive and significant, the paper's
    # -0.0129 has no star, so it sits in "opposite sign, only ours"
    assert results["(2)"].term("DID")["p"] < 0.05
    assert "DID (2)" in table.loc["opposite sign", "significant at 5% only in ours"]
    assert "G (2): not identified (collinear with year FE)" in agreement_sentence(comp)


def test_paper_inference_check():
    check = paper_inference_check(paper_rows(), df=4).set_index(["column", "term"])
    row = check.loc[("(1)", "DID")]  # 0.9 / 0.1 = 9
    assert row["t"] == pytest.approx(9.0) and row["printed"] == "***"
    assert row["t(4)"] == "***" and row["normal"] == "***"
    g = check.loc[("(2)", "G")]  # t = 1.21/0.569 = 2.13: 5% under N(0,1), not under t(4)
    assert g["normal"] == "**" and g["t(4)"] == "" and g["printed"] == "**"


def test_inference_counts():
    counts = inference_counts(paper_inference_check(paper_rows(), df=4), df=4)
    # starred: DID (1) *** (t(4) ***, normal ***) and G (2) ** (t(4) none, normal **)
    assert counts == {"starred": 2, "fewer_under_t": 1, "match_normal": 2}
