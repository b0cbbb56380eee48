"""The build's pure parts, fast: chapter cache keys, the chapter time limit, the user panel's columns."""

from __future__ import annotations

import pandas as pd
import pytest
from synthetic import user_panel

from analysis.core.errors import ReplicationError
from analysis.core.paths import ROOT
from analysis.data.schemas import USER_OPTIONAL, USER_REQUIRED, check_user_panel, load_user_panel, user_panel_columns
from analysis.pipeline import build as pipeline
from analysis.pipeline.execute import (
    ChapterClock,
    Plan,
    chapter_key,
    coalesce_streams,
    needs_build_data,
    read_notebook,
)


def plan_for(build_dir, seed: int = 1) -> Plan:
    panel = build_dir / "data" / "panel.csv"
    return Plan(
        project=ROOT,
        build_dir=build_dir,
        params={"build_dir": str(build_dir), "panel_path": str(panel), "seed": seed, "n_placebo": 500},
        shared_key="shared",
        data_key=pipeline.data_products_key(panel),
        oxide_key="",
        timeout=None,
        force=set(),
    )


@pytest.mark.parametrize("name", ["panel_variants.csv", "variants.csv"])
def test_panel_variants_are_in_the_sensitivity_chapters_key(tmp_path, name):
    """06b reads `_build/data/panel_variants.csv` and `variants.csv`: a change to either re-runs it, and
    does not touch a chapter that reads no build data (the policy history)."""
    data = tmp_path / "data"
    data.mkdir()
    for f in ("panel.csv", "panel_variants.csv", "variants.csv"):
        (data / f).write_text("variant,x\nbaseline,1\n")
    sensitivity = read_notebook(ROOT / "chapters" / "06b-sensitivity.ipynb")
    history = read_notebook(ROOT / "chapters" / "01-policy-history.ipynb")
    before = [chapter_key(plan_for(tmp_path), nb, []) for nb in (sensitivity, history)]
    (data / name).write_text("variant,x\nbaseline,2\n")
    after = [chapter_key(plan_for(tmp_path), nb, []) for nb in (sensitivity, history)]
    assert after[0] != before[0] and after[1] == before[1]


def test_seed_enters_only_chapters_that_declare_it(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "panel.csv").write_text("x\n1\n")
    placebo = read_notebook(ROOT / "chapters" / "06-robustness-placebo.ipynb")
    event = read_notebook(ROOT / "chapters" / "05-event-study.ipynb")
    assert chapter_key(plan_for(tmp_path, 1), placebo, []) != chapter_key(plan_for(tmp_path, 2), placebo, [])
    assert chapter_key(plan_for(tmp_path, 1), event, []) == chapter_key(plan_for(tmp_path, 2), event, [])


def test_chapter_clock_is_one_budget_from_the_first_cell(monkeypatch):
    now = [100.0]
    monkeypatch.setattr("analysis.pipeline.execute.time.monotonic", lambda: now[0])
    clock = ChapterClock(10)
    assert clock(None) == 10  # first cell: the whole budget
    now[0] += 4
    assert clock(None) == 6  # the next cell gets what is left
    now[0] += 7
    assert 0 < clock(None) <= 0.001  # spent: a tiny limit (0 would mean none to nbclient)
    assert ChapterClock(None)(None) is None


def test_every_documented_user_column_is_read(tmp_path):
    """USER_REQUIRED + USER_OPTIONAL is the bring-your-own schema printed in the data chapter: each of
    its columns is read and checked, and kept in the panel the chapters see (price_nominal included)."""
    assert set(USER_REQUIRED + USER_OPTIONAL) <= set(user_panel_columns())
    frame = user_panel(optional=True)
    frame["price_nominal"] = 10.0
    path = tmp_path / "panel.csv"
    frame.to_csv(path, index=False)
    loaded = load_user_panel(path)
    assert set(USER_OPTIONAL) <= set(loaded.columns)
    pd.testing.assert_series_equal(loaded["price_nominal"], frame["price_nominal"], check_names=False)


def test_bad_nominal_price_names_row_and_column(tmp_path):
    frame = user_panel().assign(price_nominal=10.0)
    frame.loc[3, "price_nominal"] = -1.0
    path = tmp_path / "panel.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(ReplicationError) as err:
        check_user_panel(path)
    assert "row 5, column 'price_nominal', value '-1.0': out of range (must be > 0)" in str(err.value)


def test_chapters_that_read_no_build_data_are_the_narrative_ones():
    """They run while the data step runs: the policy history and the strategy case (hand-typed facts only)."""
    notebooks = [ROOT / "index.ipynb", *sorted((ROOT / "chapters").glob("*.ipynb"))]
    early = [p.name for p in notebooks if not needs_build_data(read_notebook(p))]
    assert early == ["01-policy-history.ipynb", "09-strategy-case.ipynb"]


def test_prints_split_by_flush_timing_give_the_same_outputs():
    """A loaded machine flushes a cell's stdout between two prints; the executed notebook must not differ."""
    split = [
        {"output_type": "stream", "name": "stdout", "text": "a\n"},
        {"output_type": "stream", "name": "stdout", "text": "b\n"},
        {"output_type": "stream", "name": "stderr", "text": "w\n"},
        {"output_type": "display_data", "data": {}},
        {"output_type": "stream", "name": "stdout", "text": "c\n"},
    ]
    assert coalesce_streams(split) == [
        {"output_type": "stream", "name": "stdout", "text": "a\nb\n"},
        {"output_type": "stream", "name": "stderr", "text": "w\n"},
        {"output_type": "display_data", "data": {}},
        {"output_type": "stream", "name": "stdout", "text": "c\n"},
    ]
