"""README.md stays true to the code: the table/figure map names functions that exist, and the test
command CI runs is the one README gives."""

import re

from analysis.core.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command():
    command = re.search(r"^(bash scripts/test\.sh)\s", README, re.M).group(1)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert [line for line in ci.splitlines() if line and not line.startswith("#")][-1] == command
