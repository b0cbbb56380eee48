"""The star audit: stars under the normal, t(G−1) and t(N−K) on constructed cells whose answer is known."""

import numpy as np
import pandas as pd
import pytest

from analysis.estimation.simulate import simulate_panel
from analysis.estimation.twfe import fe_matrix, fit_twfe
from analysis.report import star_audit


def reported():
    """Two tables in the layout of data/paper/reported_values.csv: in tableA the stars follow the normal
    (t = 2.1: ** under N(0,1), none under t(4)); in tableB they follow t(4)."""
    rows = []
    for table, stars_a in (("tableA", 2), ("tableB", 0)):
        rows += [
            (table, "(1)", "DID", "coef", 0.21),
            (table, "(1)", "DID", "stars", stars_a),
            (table, "(1)", "DID", "se", 0.1),
            (table, "(1)", "X", "coef", 0.9),
            (table, "(1)", "X", "stars", 3),
            (table, "(1)", "X", "se", 0.1),
            (table, "(1)", "Observations", "n", 120),
            (table, "(1)", "individual_fe", "fe_included", 1),
            (table, "(1)", "time_fe", "fe_included", 1),
        ]
    return pd.DataFrame(rows, columns=["table", "column", "row", "statistic", "value"])


def test_cells_under_three_distributions():
    c = star_audit.cells(reported(), clusters=5, years=24, tables=("tableA", "tableB")).set_index(["table", "term"])
    did = c.loc[("tableA", "DID")]
    assert did["t"] == pytest.approx(2.1)
    assert did["k"] == 2 + 1 + 4 + 23 and did["df"] == 120 - 30  # DID, X, constant, 4 + 23 dummies
    assert (did["normal"], did["t(G-1)"], did["t(N-K)"]) == ("**", "", "**")
    assert did["follows"] == "normal / t(N-K)"
    assert c.loc[("tableB", "DID"), "follows"] == "t(G-1)"


def test_table_verdicts_name_the_distribution_and_exceptions():
    c = star_audit.cells(reported(), clusters=5, years=24, tables=("tableA", "tableB"))
    v = star_audit.table_verdicts(c).set_index("table")
    assert v.loc["tableA", "all match"] == "normal / t(N-K)" and v.loc["tableA", "exceptions"] == ""
    assert v.loc["tableB", "all match"] == "t(G-1)" and v.loc["tableB", "match normal"] == 1
    broken = c.copy()
    broken.loc[(broken["table"] == "tableA") & (broken["term"] == "X"), "printed"] = "*"
    v2 = star_audit.table_verdicts(broken).set_index("table")
    assert v2.loc["tableA", "all match"] == "" and "(1) X: printed '*'" in v2.loc["tableA", "exceptions"]


def test_se_convention_against_reghdfe():
    conv = star_audit.se_convention(n=106, k=29, clusters=5, nested_fe=4)
    assert conv["k_reghdfe_fixest"] == 25
    assert conv["se_ratio"] == pytest.approx((81 / 77) ** 0.5)
    assert conv["df_t"] == 4


def test_se_conventions_count_k_as_the_design_rank():
    panel = simulate_panel(n_units=5, effect=0.5, noise=0.1, seed=4)
    results = {
        "fe": fit_twfe(panel, "y", ["DID", "X"]),
        "ols": fit_twfe(panel, "y", ["DID"], unit_fe=False, year_fe=False),
    }
    conv = star_audit.se_conventions(panel, results).set_index("column")
    design = np.column_stack([panel[["DID", "X"]].to_numpy(float), fe_matrix(panel, "mineral", "year")])
    assert conv.loc["fe", "K (ours)"] == np.linalg.matrix_rank(design) == 2 + 1 + 4 + 23
    assert conv.loc["fe", "K (reghdfe, fixest)"] == conv.loc["fe", "K (ours)"] - 4
    assert conv.loc["fe", "SE (ours)"] == pytest.approx(results["fe"].term("DID")["se"])
    assert conv.loc["fe", "SE (reghdfe, fixest)"] < conv.loc["fe", "SE (ours)"]
    assert conv.loc["ols", "SE ratio"] == 1.0  # no fixed effects: nothing nested


def test_paper_convention_and_fewer_stars():
    c = star_audit.cells(reported(), clusters=5, years=24, tables=("tableA", "tableB"))
    best, exceptions = star_audit.paper_convention(c)
    assert best == "normal" and list(exceptions["table"]) == ["tableB"]  # 3 of 4 cells; tableB's DID follows t(4)
    fewer = star_audit.fewer_stars(c)
    assert list(zip(fewer["table"], fewer["term"])) == [("tableA", "DID")]
    rows = star_audit.tidy(c, star_audit.table_verdicts(c))
    assert set(rows["table"]) == {"star_audit"} and (rows["term"] == "match t(G-1)").sum() == 2
