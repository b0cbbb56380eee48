"""README.md stays true to the code: the table/figure map names functions that exist, and the test
command CI runs is the one README gives."""
import importlib
import re

from analysis.core.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_table_figure_map_names_real_functions():
    section = README[README.index("## Tables and figures"):README.index("## Data availability")]
    names = set(re.findall(r"`([a-z_]+\.[a-z_]+)\.([a-z_0-9]+)`", section))
    assert len(names) >= 10
    missing = [f"{m}.{f}" for m, f in names if not hasattr(importlib.import_module(f"analysis.{m}"), f)]
    assert not missing, f"README map names functions that do not exist: {missing}"


def test_ci_runs_the_readme_test_command():
    command = re.search(r"^(bash scripts/test\.sh)\s", README, re.M).group(1)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert [line for line in ci.splitlines() if line and not line.startswith("#")][-1] == command
