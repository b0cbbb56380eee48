"""Checks on the hand transcription of the paper's reported numbers (data/paper/).

Shape checks always run; checks against the seed text (the PDF extraction of the
paper) are skipped when the seed is not available next to the repository.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
PAPER = REPO / "data" / "paper"

REQUIRED_COLUMNS = [
    "table",
    "column",
    "row",
    "statistic",
    "value",
    "value_text",
    "dependent_variable",
    "unit_note",
    "source",
    "note",
]
ALLOWED_STATS = {"coef", "se", "stars", "n", "mean", "sd", "min", "max", "r2", "fe_included", "value"}
KEY = ["table", "column", "row", "statistic"]
EXPECTED_ROWS = {
    "table2": 35,  # 7 variables x 5 statistics
    "table3": 68,  # 16 coefficients x (coef, stars, se) + 5 columns x (n, r2, 2 FE rows)
    "table4": 25,  # 7 coefficients x 3 + (n, r2, 2 FE rows)
    "table5": 70,  # 18 coefficients x 3 + 4 columns x 4
    "table6": 33,  # 6 coefficients x 3 + 3 columns x (n, r2, 2 FE rows, controls)
    "table7": 102,  # 24 coefficients x 3 + 6 columns x 5
    "text": 50,
}
REGRESSION_COLUMNS = {
    "table3": ["(1)", "(2)", "(3)", "(4)", "(5)"],
    "table4": ["(1)"],
    "table5": ["(1)", "(2)", "(3)", "(4)"],
    "table6": ["(1)", "(2)", "(3)"],
    "table7": ["(1) Nd2O3", "(2) CeO2", "(3) La2O3", "(4) PrNd oxide", "(5) Dy2O3", "(6) Tb4O7"],
}


@pytest.fixture(scope="module")
def rv() -> pd.DataFrame:
    return pd.read_csv(
        PAPER / "reported_values.csv", dtype={"value_text": str}, keep_default_na=False, na_values={"value": [""]}
    )


@pytest.fixture(scope="module")
def seed_text(seed000) -> str:
    return seed000


def get(rv, table, column, row, statistic):
    hit = rv[(rv.table == table) & (rv.column == column) & (rv.row == row) & (rv.statistic == statistic)]
    assert len(hit) == 1, (table, column, row, statistic, len(hit))
    return hit.iloc[0]


# ---------------------------------------------------------------- shape


def test_required_columns(rv):
    assert list(rv.columns) == REQUIRED_COLUMNS


def test_key_unique(rv):
    dup = rv[rv.duplicated(KEY, keep=False)]
    assert dup.empty, dup[KEY]


def test_statistic_allowed(rv):
    assert set(rv.statistic) <= ALLOWED_STATS


def test_value_numeric(rv):
    assert pd.api.types.is_float_dtype(rv["value"])
    # every table value (Tables 2-7) was readable; only a few text facts are empty on purpose
    assert rv.loc[rv.table != "text", "value"].notna().all()
    empty_text = rv[(rv.table == "text") & rv["value"].isna()]
    assert set(empty_text.row) == {"usgs_mcs_editions", "did_significance_level_pct_La2O3"}
    assert (empty_text.note.str.len() > 0).all()


def test_tables_present_and_row_counts(rv):
    counts = rv.groupby("table").size().to_dict()
    assert counts == EXPECTED_ROWS


def test_stars_and_fe_ranges(rv):
    stars = rv[rv.statistic == "stars"]["value"]
    assert stars.isin([0, 1, 2, 3]).all()
    fe = rv[rv.statistic == "fe_included"]["value"]
    assert fe.isin([0, 1]).all()
    # every coef has a stars and a se row
    coefs = rv[rv.statistic == "coef"][["table", "column", "row"]]
    for stat in ("stars", "se"):
        other = rv[rv.statistic == stat][["table", "column", "row"]]
        merged = coefs.merge(other, how="left", indicator=True)
        assert (merged["_merge"] == "both").all(), stat


@pytest.mark.parametrize("table", sorted(REGRESSION_COLUMNS))
def test_each_regression_column_complete(rv, table):
    sub = rv[rv.table == table]
    assert sorted(sub.column.unique()) == sorted(REGRESSION_COLUMNS[table])
    for col in REGRESSION_COLUMNS[table]:
        c = sub[sub.column == col]
        for row, stat in [("DID", "coef"), ("Observations", "n"), ("R-squared", "r2")]:
            if table == "table4" and row == "DID":
                # the event-study table has no DID row; it reports pre_/current/post_ dummies instead
                row = "post_3"
            assert ((c.row == row) & (c.statistic == stat)).sum() == 1, (table, col, row, stat)


def test_table2_statistics(rv):
    t2 = rv[rv.table == "table2"]
    assert set(t2.row) == {"id", "year", "DID", "LNPRI", "LNGDP", "CR4", "EPU"}
    for var in t2.row.unique():
        assert set(t2[t2.row == var].statistic) == {"n", "mean", "sd", "min", "max"}


def test_column_assignment_of_shifted_rows(rv):
    """Rows whose values the PDF extraction printed left-aligned (see data/paper/README.md)."""

    def cols(table, row):
        return sorted(rv[(rv.table == table) & (rv.row == row) & (rv.statistic == "coef")].column)

    assert cols("table3", "LNGDP") == ["(3)", "(4)", "(5)"]
    assert cols("table3", "CR4") == ["(4)", "(5)"]
    assert cols("table3", "EPU") == ["(5)"]
    assert cols("table5", "BDI") == ["(2)", "(3)", "(4)"]
    assert cols("table5", "WUI") == ["(3)", "(4)"]
    assert cols("table5", "CR4") == ["(4)"]


def test_internal_consistency(rv):
    # text repeats of table values agree with the tables
    assert (
        get(rv, "text", "§四(三)4", "placebo_true_coef", "value").value == get(rv, "table3", "(2)", "DID", "coef").value
    )
    did_fe = rv[(rv.table == "table3") & (rv.row == "DID") & (rv.statistic == "coef") & (rv.column != "(1)")]["value"]
    assert did_fe.min() == get(rv, "text", "§四(三)1", "did_coef_min_with_fe", "value").value
    assert did_fe.max() == get(rv, "text", "§四(三)1", "did_coef_max_with_fe", "value").value
    for col in REGRESSION_COLUMNS["table7"]:
        ox = col.split(" ", 1)[1]
        t = get(rv, "table7", col, "DID", "coef").value
        x = get(rv, "text", "§五(二)", f"did_coef_{ox.replace(' ', '_')}", "value").value
        assert t == x, ox


# ---------------------------------------------------------------- against the seed text


@pytest.mark.parametrize(
    "printed",
    [
        "0.648***",
        "(0.182)",
        "5.071**",
        "−89.74**",
        "2.968",
        "0.004***",
        "1.858***",
        "(0.071 7)",
        "2 010.5",
        "1.21×10−5 **",
        "−1 580***",
        "92.76%",
    ],
)
def test_printed_strings_in_seed(seed_text, printed):
    assert printed in seed_text


def test_value_text_occurs_in_seed(rv, seed_text):
    """Every non-empty value_text (other than bare star strings) is a verbatim substring of the seed."""
    missing = [t for t in rv.value_text if t and set(t) - {"*"} and t not in seed_text]
    assert missing == []


@pytest.mark.parametrize(
    "table,column,row,statistic,expected",
    [
        ("table3", "(2)", "DID", "coef", 0.648),
        ("table3", "(2)", "DID", "stars", 3),
        ("table3", "(2)", "DID", "se", 0.182),
        ("table3", "(1)", "DID", "stars", 0),
        ("table3", "(4)", "LNGDP", "coef", 5.071),
        ("table3", "(5)", "Constant", "coef", -89.74),
        ("table3", "(5)", "EPU", "coef", 0.0037),
        ("table3", "(1)", "individual_fe", "fe_included", 0),
        ("table3", "(4)", "Observations", "n", 109),
        ("table7", "(6) Tb4O7", "DID", "coef", 2.968),
        ("table6", "(1)", "DID", "coef", 0.004),
        ("table6", "(3)", "Constant", "coef", -1580),
        ("table2", "样本量", "LNPRI", "n", 114),
        ("table2", "均值", "LNPRI", "mean", 5.429),
        ("table2", "均值", "year", "mean", 2010.5),
        ("table4", "(1)", "post_3", "coef", 1.858),
        ("table4", "(1)", "pre_2", "se", 0.0443),
        ("table5", "(3)", "WUI", "coef", 1.21e-5),
        ("table5", "(4)", "WUI", "se", 5.87e-6),
        ("text", "§六", "rare_earth_cr4_2021_pct", "value", 92.76),
        ("text", "§四(三)4", "placebo_repetitions", "value", 500),
    ],
)
def test_values_match_seed(rv, seed_text, table, column, row, statistic, expected):
    r = get(rv, table, column, row, statistic)
    assert r.value == pytest.approx(expected, rel=1e-12, abs=0)
    if statistic in ("coef", "se", "n", "mean", "value") and r.value_text:
        assert r.value_text in seed_text


def test_table1_variables():
    tv = pd.read_csv(PAPER / "table1_variables.csv", keep_default_na=False)
    for col in ["symbol", "name_zh", "name_en", "definition_paper", "source_paper", "in_paper_table1", "source_row"]:
        assert col in tv.columns
    assert list(tv.symbol) == ["LNPRI", "DID", "treat", "period", "LNGDP", "CR4", "EPU", "GDPG", "BDI", "WUI"]
    assert set(tv.loc[tv.in_paper_table1 == 1, "symbol"]) == {"LNGDP", "CR4", "EPU"}
    assert (tv.definition_paper.str.len() > 0).all() and (tv.source_paper.str.len() > 0).all()


def test_table1_names_in_seed(seed_text):
    tv = pd.read_csv(PAPER / "table1_variables.csv", keep_default_na=False)
    tv = tv.set_index("symbol")
    for sym, zh in [
        ("LNGDP", "全球生产总值"),
        ("CR4", "行业集中度指数"),
        ("EPU", "经济政策不确定性指数"),
        ("treat", "分组虚拟变量"),
        ("period", "时间虚拟变量"),
        ("WUI", "世界不确定性指数"),
    ]:
        assert tv.loc[sym, "name_zh"].startswith(zh)
        assert zh in "".join(seed_text.split())  # names may be broken across lines in the extraction
