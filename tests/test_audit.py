"""The audit's matching and reason categories on small frames with known answers."""

import importlib

import numpy as np
import pandas as pd
import pytest

from analysis.display.markdown import md
from analysis.estimation.estimates import COLUMNS
from analysis.report import audit


def reported_rows():
    """A few reported rows in the layout of data/paper/reported_values.csv (Tables 2, 3, 6, 7)."""
    rows = [
        ("table2", "均值", "LNGDP", "mean", 11.401, "11.401"),
        ("table2", "样本量", "LNGDP", "n", 120, "120"),
        ("table3", "(2)", "DID", "coef", 0.648, "0.648***"),
        ("table3", "(2)", "DID", "stars", 3, "***"),
        ("table3", "(2)", "DID", "se", 0.182, "(0.182)"),
        ("table3", "(3)", "DID", "coef", 0.5, "0.500**"),
        ("table3", "(3)", "DID", "stars", 2, "**"),
        ("table3", "(3)", "DID", "se", 0.2, "(0.200)"),
        ("table3", "(3)", "LNGDP", "coef", 1.128, "1.128***"),
        ("table3", "(3)", "LNGDP", "stars", 3, "***"),
        ("table3", "(3)", "LNGDP", "se", 0.245, "(0.245)"),
        ("table3", "(2)", "Observations", "n", 114, "114"),
        ("table3", "(2)", "R-squared", "r2", 0.926, "0.926"),
        ("table3", "(2)", "individual_fe", "fe_included", 1, "是"),
        ("table6", "(1)", "DID", "coef", 0.004, "0.004***"),
        ("table6", "(1)", "DID", "stars", 3, "***"),
        ("table6", "(1)", "DID", "se", 0.001, "(0.001)"),
        ("table6", "(1)", "R-squared", "r2", 0.997, "0.997"),
        ("table6", "(1)", "Observations", "n", 120, "120"),
        ("table7", "(1) Nd2O3", "DID", "coef", 1.351, "1.351***"),
        ("table7", "(1) Nd2O3", "DID", "stars", 3, "***"),
        ("table7", "(1) Nd2O3", "DID", "se", 0.197, "(0.197)"),
        ("table7", "(1) Nd2O3", "treat", "coef", -7.673, "−7.673***"),
        ("table7", "(1) Nd2O3", "treat", "stars", 3, "***"),
        ("table7", "(1) Nd2O3", "treat", "se", 0.522, "(0.522)"),
        ("table7", "(1) Nd2O3", "Observations", "n", 102, "102"),
        ("text", "§一", "x", "value", 1.0, "1"),
    ]
    return pd.DataFrame(rows, columns=["table", "column", "row", "statistic", "value", "value_text"])


def est(table, column, term, estimate, se, p, n=114, r2=0.9, identified=True, note=""):
    return {
        "table": table,
        "column": column,
        "outcome": "y",
        "term": term,
        "estimate": estimate,
        "se": se,
        "p": p,
        "n": n,
        "r2": r2,
        "df": 4,
        "clusters": 5,
        "identified": identified,
        "note": note,
    }


def our_estimates():
    rows = [
        est("table3", "(2)", "DID", 0.6484, 0.1819, 0.005, n=114, r2=0.9262),  # same
        est("table3", "(3)", "DID", 0.5001, 0.26, 0.12, n=106),  # coef same, se/stars not
        est(
            "table3",
            "(3)",
            "LNGDP",
            np.nan,
            np.nan,
            np.nan,
            n=106,
            identified=False,
            note="not identified (collinear with year FE)",
        ),
        est(
            "table6",
            "(1)",
            "DID",
            np.nan,
            np.nan,
            np.nan,
            n=115,
            r2=1.0,
            identified=False,
            note="not identified (year-level outcome, absorbed by year FE)",
        ),
        est(
            "table7",
            "(1) Nd2O3",
            "DID",
            np.nan,
            np.nan,
            np.nan,
            n=89,
            identified=False,
            note="no public series before 2006 (not estimable)",
        ),
        est(
            "table7",
            "(1) Nd2O3",
            "treat",
            np.nan,
            np.nan,
            np.nan,
            n=89,
            identified=False,
            note="not identified (collinear with mineral FE)",
        ),
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


@pytest.fixture
def audited():
    descriptive = pd.DataFrame({"n": [120], "mean": [11.4024]}, index=["LNGDP"])
    return audit.audit(reported_rows(), our_estimates(), descriptive)


def cell(frame, table, column, term, stat="coef"):
    hit = frame[
        (frame["table"] == table) & (frame["column"] == column) & (frame["term"] == term) & (frame["statistic"] == stat)
    ]
    assert len(hit) == 1, (table, column, term, stat)
    return hit.iloc[0]


@pytest.mark.parametrize(
    "text,decimals",
    [
        ("0.648***", 3),
        ("(0.044 3)", 4),
        ("−1 580***", 0),
        ("2 010.5", 1),
        ("1.21×10−5 **", 7),
        ("(5.69×10−6)", 8),
        ("是", None),
        ("", None),
    ],
)
def test_printed_decimals(text, decimals):
    assert audit.printed_decimals(text) == decimals


def test_items_one_per_coefficient_n_r2_and_statistic():
    items = audit.paper_items(reported_rows())
    assert "text" not in set(items["table"])
    assert len(items) == 2 + 3 + 2 + 3 + 3  # table2, table3 coefs, table3 n/r2, table6 (DID, R², N), table7
    did = items[(items["table"] == "table3") & (items["column"] == "(2)") & (items["term"] == "DID")].iloc[0]
    assert (did["paper"], did["paper_se"], did["paper_stars"], did["decimals"]) == (0.648, 0.182, 3, 3)
    assert not (items["statistic"] == "fe_included").any()


def test_reasons(audited):
    assert cell(audited, "table3", "(2)", "DID")["reason"] == "same"
    assert cell(audited, "table3", "(3)", "DID")["reason"] == "inference convention"
    assert cell(audited, "table3", "(3)", "LNGDP")["reason"] == "not identified"
    assert cell(audited, "table3", "(2)", "N", "n")["reason"] == "same"
    assert cell(audited, "table3", "(2)", "R²", "r2")["reason"] == "same"
    assert cell(audited, "table6", "(1)", "DID")["reason"] == "not identified"
    # R² of a column whose DID is not identified inherits it; N (data coverage) does not
    assert cell(audited, "table6", "(1)", "R²", "r2")["reason"] == "not identified"
    assert cell(audited, "table6", "(1)", "N", "n")["reason"] == "data source"
    assert cell(audited, "table7", "(1) Nd2O3", "DID")["reason"] == "not estimable"
    assert cell(audited, "table7", "(1) Nd2O3", "treat")["reason"] == "not identified"
    assert cell(audited, "table7", "(1) Nd2O3", "N", "n")["reason"] == "not estimable"
    assert cell(audited, "table2", "均值", "LNGDP", "mean")["reason"] == "data source"  # 11.402 vs 11.401
    assert cell(audited, "table2", "样本量", "LNGDP", "n")["reason"] == "same"


def test_values_and_differences(audited):
    row = cell(audited, "table3", "(3)", "DID")
    assert row["difference"] == pytest.approx(0.0001)
    assert row["paper_text"] == "0.500** (0.200)" and row["ours_text"] == "0.500 (0.260)"
    assert cell(audited, "table6", "(1)", "N", "n")["difference"] == -5
    assert cell(audited, "table7", "(1) Nd2O3", "DID")["ours_text"] == "no public series before 2006 (not estimable)"


def test_ours_at_the_chapters_precision_whatever_the_paper_prints():
    reported = pd.DataFrame(
        [
            ("table5", "(1)", "GDPG", "coef", 4.18, "4.18*"),
            ("table5", "(1)", "GDPG", "stars", 1, "*"),
            ("table5", "(1)", "GDPG", "se", 0.0443, "(0.044 3)"),
            ("table5", "(1)", "R-squared", "r2", 0.97, "0.97"),
        ],
        columns=["table", "column", "row", "statistic", "value", "value_text"],
    )
    ours = pd.DataFrame([est("table5", "(1)", "GDPG", 4.17934, 0.26159, 0.2, r2=0.91234)], columns=COLUMNS)
    audited = audit.audit(reported, ours, None)
    row = cell(audited, "table5", "(1)", "GDPG")
    assert row["paper_text"] == "4.18* (0.0443)" and row["ours_text"] == "4.179 (0.262)"
    assert cell(audited, "table5", "(1)", "R²", "r2")["ours_text"] == "0.912"


def test_missing_table_is_not_computed_and_still_listed():
    ests = our_estimates()
    audited = audit.audit(reported_rows(), ests[ests["table"] != "table7"], None)
    t7 = audited[audited["table"] == "table7"]
    assert len(t7) == 3 and (t7["reason"] == "not computed").all() and (t7["ours_text"] == "").all()
    assert (audited.loc[audited["table"] == "table2", "reason"] == "not computed").all()
    empty = audit.audit(reported_rows(), pd.DataFrame(columns=COLUMNS), None)
    assert (empty["reason"] == "not computed").all()


def test_summary_counts(audited):
    counts = audit.summary(audited).set_index("the paper's table")
    assert counts.loc["all tables", "total"] == len(audited)
    assert counts.loc["Table 3 (表3)", "same"] == 3 and counts.loc["Table 3 (表3)", "inference convention"] == 1
    assert list(counts.columns[:-1]) == [r for r in audit.REASONS if r in counts.columns]


def test_display_groups_one_table(audited):
    t3 = audit.display(audited, "table3")
    assert list(t3.columns) == ["column", "term", "paper", "ours", "difference", "reason"] and len(t3) == 5
    assert list(t3["difference"])[:2] == ["0.000", "0.000"] and t3.loc[t3["term"] == "N", "paper"].item() == "114"
    assert "| 114 " in md(t3, numparse=False).data  # not re-parsed into 114.000
    t2 = audit.display(audited, "table2")
    assert list(t2.columns[:2]) == ["statistic", "variable"]


def test_map_names_real_functions():
    """Every analysis function the audit's map names exists (a renamed function fails here)."""
    for table in audit.TABLES:
        chapter, func = audit.made_where(table)
        module, name = func.split("(")[0].rsplit(".", 1)
        assert callable(getattr(importlib.import_module(f"analysis.{module}"), name)), func
        assert chapter.startswith("@sec-")
    assert set(audit.TITLES) == set(audit.TABLES)


def test_table_map_says_which_estimates_are_saved():
    frame = audit.table_map({"table2", "table6"}).set_index("the paper's table")
    assert (
        frame.loc["Table 6 (表6)", "estimates saved"] == "yes" and frame.loc["Table 7 (表7)", "estimates saved"] == "no"
    )
    assert frame.loc["Table 7 (表7)", "chapter"] == "@sec-heterogeneity"
