"""The exhibit registry (data/exhibits.yaml) against the book: every labelled table and figure has one
record and every record one cell; named functions, specs and inputs exist; README's map is generated
from it; a broken registry is rejected with a message naming the record."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from analysis.core.errors import DataError
from analysis.core.paths import DATA, ROOT
from analysis.data import exhibits
from analysis.estimation import specs
from analysis.render.cell_options import split_cell_options

README = (ROOT / "README.md").read_text(encoding="utf-8")


def book_chapters() -> list[str]:
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    return [c for c in config["book"]["chapters"] if c.endswith(".ipynb")]


def labelled_cells() -> dict[str, str]:
    """tbl-/fig- label -> the chapter whose code cell defines it."""
    found = {}
    for chapter in book_chapters():
        for cell in json.loads((ROOT / chapter).read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            label = str(split_cell_options("".join(cell["source"]))[0].get("label", ""))
            if label.startswith(("tbl-", "fig-")):
                assert label not in found, f"{label} defined twice"
                found[label] = chapter
    return found


def test_every_exhibit_has_one_record_in_its_chapter():
    registry = exhibits.load()
    cells = labelled_cells()
    assert sorted(set(cells) - set(registry)) == [], "labelled cells with no record in data/exhibits.yaml"
    assert sorted(set(registry) - set(cells)) == [], "records in data/exhibits.yaml with no labelled cell"
    assert {k: e.chapter for k, e in registry.items()} == cells


def test_every_chapter_has_its_section():
    sections = exhibits.load_chapters()
    for chapter in book_chapters():
        assert chapter in sections, chapter
        text = (ROOT / chapter).read_text(encoding="utf-8")  # the label may carry classes: {#sec-preface .unnumbered}
        assert f"{{#{sections[chapter]}}}" in text or f"{{#{sections[chapter]} " in text, chapter


def test_named_functions_specs_and_inputs_exist():
    for e in exhibits.load().values():
        for dotted in e.made_by:
            assert exhibits.resolve(dotted) is not None, (e.label, dotted)
        assert not e.spec or e.spec in specs.SPECS, (e.label, e.spec)
        for item in e.inputs:
            assert item in exhibits.BUILD_PRODUCTS or (ROOT / item).exists(), (e.label, item)


def test_the_paper_tables_are_all_reproduced():
    for n in range(2, 8):
        assert exhibits.paper_exhibit(n).paper == f"表{n}"


def test_readme_map_is_generated_from_the_registry():
    start, end = "<!-- exhibit-map:start -->\n", "<!-- exhibit-map:end -->"
    block = README[README.index(start) + len(start) : README.index(end)]
    assert block == exhibits.readme_map(), "README's map is stale: run `python -m analysis exhibits` and paste it"


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["exhibits"].append(dict(d["exhibits"][0])), "appears twice"),
        (lambda d: d["exhibits"][0].update(colour="red"), "unknown field"),
        (lambda d: d["exhibits"][0].update(evidence_for=["conclusion 1"]), "evidence_for"),
        (lambda d: d["exhibits"][0].update(chapter="chapters/99-x.ipynb"), "chapter"),
        (lambda d: d["exhibits"][0].update(made_by=[]), "made_by"),
        (lambda d: d["exhibits"][0].update(label="table-x"), "label"),
    ],
)
def test_a_broken_registry_is_rejected_naming_the_record(change, message):
    doc = yaml.safe_load((DATA / "exhibits.yaml").read_text(encoding="utf-8"))
    change(doc)
    with pytest.raises(DataError, match=re.escape(message)) as err:
        exhibits.parse(doc)
    assert "exhibit registry" in str(err.value) and re.search(r"exhibit \d+", str(err.value))
