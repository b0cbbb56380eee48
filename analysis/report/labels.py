"""The book's own labels: `{#sec-…}` headings and `#| label:` cell options defined in the sources,
and the `@sec-/@fig-/@tbl-` references used.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from analysis.core.paths import ROOT
from analysis.render.cell_options import split_cell_options

LABEL_DEF = re.compile(r"\{#((?:sec|fig|tbl)-[\w-]*\w)")


REF = re.compile(r"(?<![\w@])@((?:sec|fig|tbl)-[\w-]*\w)")


def book_sources(root: Path = ROOT) -> list[Path]:
    """The book's source files: the Preface (index.ipynb, or index.qmd in older layouts) and the chapter notebooks."""
    return [
        p
        for p in [root / "index.ipynb", root / "index.qmd", *sorted((root / "chapters").glob("*.ipynb"))]
        if p.is_file()
    ]


def _cells(path: Path) -> list[tuple[str, str]]:
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return [
            (c["cell_type"], "".join(c["source"]) if isinstance(c["source"], list) else c["source"])
            for c in nb["cells"]
        ]
    return [("markdown", path.read_text(encoding="utf-8"))]


def defined_labels(paths=None) -> set[str]:
    """Labels defined in the sources: `{#sec-…}` headings and `#| label:` cell options."""
    labels = set()
    for path in paths if paths is not None else book_sources():
        for kind, text in _cells(Path(path)):
            labels.update(LABEL_DEF.findall(text))
            label = split_cell_options(text)[0].get("label") if kind == "code" else None
            if label and LABEL_DEF.match("{#" + str(label)):  # the renderer's own reading of the options
                labels.add(str(label))
    return labels


def used_refs(paths=None) -> dict[str, list[str]]:
    """Every `@sec-/@fig-/@tbl-` reference in the sources → the files that use it."""
    used: dict[str, list[str]] = {}
    for path in paths if paths is not None else book_sources():
        for _, text in _cells(Path(path)):
            for label in REF.findall(text):
                used.setdefault(label, []).append(Path(path).name)
    return used
