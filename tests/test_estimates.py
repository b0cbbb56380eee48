"""The tidy estimates store: save validates, load and gather read back what was saved."""

import pandas as pd
import pytest

from analysis.core.errors import ReplicationError
from analysis.estimation import estimates
from analysis.estimation.simulate import simulate_panel
from analysis.estimation.twfe import fit_twfe


def test_save_load_gather_and_value(tmp_path):
    with pytest.raises(ReplicationError, match="no estimates"):
        estimates.load(tmp_path)
    assert estimates.load(tmp_path, missing_ok=True).empty
    panel = simulate_panel(effect=0.5, seed=2)
    results = {"(1)": fit_twfe(panel, "y", ["DID"]), "(2)": fit_twfe(panel, "y", ["DID", "X"])}
    estimates.save(estimates.tidy(results, "table3"), tmp_path, "table3")
    got = estimates.load(tmp_path, "table3")
    assert list(got["column"].unique()) == ["(1)", "(2)"]
    assert estimates.value(got, "table3", "(2)", "DID") == pytest.approx(results["(2)"].term("DID")["estimate"])
    gathered = pd.read_csv(estimates.gather(tmp_path))
    assert len(gathered) == len(got) and set(gathered.columns) == set(estimates.COLUMNS)
    with pytest.raises(KeyError, match="term=EPU"):
        estimates.value(got, "table3", "(1)", "EPU")


def test_save_refuses_rows_of_another_table_or_missing_columns(tmp_path):
    rows = estimates.tidy({"(1)": fit_twfe(simulate_panel(), "y", ["DID"])}, "table3")
    with pytest.raises(ValueError, match="rows carry table"):
        estimates.save(rows, tmp_path, "table5")
    with pytest.raises(ValueError, match="missing column"):
        estimates.save(rows.drop(columns="se"), tmp_path, "table3")
