"""analysis.paper: the cached reader of the reported values and the one-cell lookup."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from analysis.data import paper

ROWS = pd.DataFrame(
    {
        "table": ["table3", "table3", "table3", "table5", "table5"],
        "column": ["(1)", "(1)", "(2)", "(1)", "(1)"],
        "row": ["DID", "DID", "DID", "DID", "GDPG"],
        "statistic": ["coef", "se", "coef", "coef", "coef"],
        "value": [0.5, 0.1, 0.7, 0.9, np.nan],
    }
)


def write(path, frame, mtime):
    frame.to_csv(path, index=False)
    os.utime(path, ns=(mtime, mtime))


def test_reported_reads_once_returns_copies_and_sees_a_changed_file(tmp_path):
    path = tmp_path / "reported.csv"
    write(path, ROWS, 1_000_000_000)
    first = paper.reported(path=path)
    first.loc[0, "value"] = -99.0  # a caller mutating its frame
    assert paper.reported(path=path).loc[0, "value"] == 0.5
    assert paper.reported_value("table3", "DID", "coef", "(2)", path=path) == 0.7
    write(path, ROWS.assign(value=ROWS["value"] * 2), 2_000_000_000)  # the file is edited
    assert paper.reported_value("table3", "DID", "coef", "(2)", path=path) == 1.4
    assert list(paper.reported("table5", path=path)["row"]) == ["DID", "GDPG"]


def test_lookup_returns_one_value_or_the_default(tmp_path):
    assert paper.lookup(ROWS, "table3", "(2)", "DID") == 0.7
    assert paper.lookup(ROWS, "table3", "(1)", "DID", "se") == 0.1
    assert paper.lookup(ROWS, "table5", "(1)", "DID") == 0.9  # the table filter matters
    assert paper.lookup(ROWS, "table3", "(3)", "DID") is None  # absent
    assert paper.lookup(ROWS, "table5", "(1)", "GDPG", default=-1.0) == -1.0  # empty value
    assert paper.lookup(ROWS, None, "(1)", "DID") is None  # ambiguous across tables
    assert paper.lookup(None, "table3", "(2)", "DID", default=0.0) == 0.0
    path = tmp_path / "reported.csv"
    write(path, ROWS, 1_000_000_000)
    with pytest.raises(KeyError, match="table3 row=DID statistic=coef column=None: 2 matches"):
        paper.reported_value("table3", "DID", "coef", path=path)
