"""The reader-facing parts of the renderer: code folding per format, provenance lines under every
table and figure, alt text, downloads, appendices, citation metadata and the Quarto path."""

from __future__ import annotations

import json
import os
import re
import subprocess
import textwrap
from pathlib import Path

import nbformat
import pytest
import yaml

from analysis.render.appendices import assumptions_page, data_sources_page, locked_versions
from analysis.render.book import render_book, render_project
from analysis.render.provenance import Provenance, function_in_code, provenance_markdown
from tests.test_render import QUARTO_YML, make_book

ROOT = Path(__file__).resolve().parents[1]
PANEL_SHA = "ab" * 32

READER_YML = QUARTO_YML.replace(
    """format:
  typst:""",
    """format:
  html:
    code-fold: true
  typst:
    echo: false""",
)


def build_dir_for(root: Path) -> Path:
    """A build directory whose steps.json records the panel as an input of both chapters."""
    build = root / "_build"
    (build / "data").mkdir(parents=True, exist_ok=True)
    (build / "data" / "panel.csv").write_text("mineral,year\nrare_earths,2006\n", encoding="utf-8")
    (build / "estimates.csv").write_text("table,term\nt,DID\n", encoding="utf-8")
    step = {"inputs": {str(build / "data" / "panel.csv"): PANEL_SHA}, "outputs": {}, "key": "k"}
    steps = {"chapters/01-intro.ipynb": step, "chapters/02-results.ipynb": step}
    (build / "steps.json").write_text(json.dumps(steps), encoding="utf-8")
    return build


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    root = tmp_path_factory.mktemp("readers")
    executed = make_book(root)
    (root / "_quarto.yml").write_text(READER_YML, encoding="utf-8")
    out = root / "_out"
    written = render_book(root, executed, out, build_dir=build_dir_for(root))
    return root, out, written


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_code_is_folded_in_html_hidden_in_pdf_and_echo_false_stays_hidden(book):
    _, out, written = book
    html = (out / "01-intro.html").read_text(encoding="utf-8")
    assert re.search(r'<details class="code-fold"><summary>Code</summary>\s*<div class="sourceCode"', html)
    assert "SHOWN-SOURCE" in html and "HIDDEN-SOURCE" not in html and "NOT-INCLUDED" not in html
    assert (
        "assets/book.js" in html
        and (out / "assets" / "book.js").read_text().count("navigator.clipboard.writeText") == 1
    )
    text = pdf_text(written["pdf"])
    assert "SHOWN-SOURCE" not in text and "visible stdout" in text


def test_every_table_and_figure_has_a_provenance_line_and_every_figure_alt_text(book):
    _, out, written = book
    pages = [p for p in written["html"] if p.suffix == ".html"]
    n_floats = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        floats = re.findall(r"<table|<figure", html)
        lines = re.findall(r'<div class="provenance">\s*<p>Provenance: Made by', html)
        assert len(lines) == len(floats), page.name
        n_floats += len(floats)
        for img in re.findall(r"<img [^>]*>", html):
            assert re.search(r'alt="[^"]+"', img), img
    assert n_floats == 2
    results = (out / "02-results.html").read_text(encoding="utf-8")
    assert f"sha256 <code>{PANEL_SHA[:12]}</code>" in results and "show_table()" in results
    assert 'href="downloads/tables/tbl-prices.csv"' in results
    text = pdf_text(written["pdf"])
    captions = re.findall(r"^(?:Table|Figure) \d+\.\d+:", text, re.M)
    assert len(captions) == 2 and text.count("Provenance: Made by") == len(captions)


def test_downloads_are_written_and_linked(book):
    _, out, written = book
    rows = (out / "downloads" / "tables" / "tbl-prices.csv").read_text().splitlines()
    assert rows == ["year,price", "2019,101.5", "2020,202.75"]
    for name in ("panel.csv", "estimates.csv", "steps.json", "exhibits.csv", "notebooks/02-results.ipynb"):
        assert (out / "downloads" / name).is_file(), name
    exhibits = (out / "downloads" / "exhibits.csv").read_text()
    assert "tbl-prices" in exhibits and "fig-trend" in exhibits and PANEL_SHA in exhibits
    page = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="tiny.pdf"' in page and "pagefind/pagefind-ui.js" in page
    assert (out / "pagefind" / "pagefind-ui.js").is_file()


def test_citation_meta_tags(book):
    _, out, _ = book
    page = (out / "02-results.html").read_text(encoding="utf-8")
    assert '<meta name="citation_title" content="Tiny Book">' in page
    assert '<meta name="citation_author" content="Test Author">' in page
    assert re.search(r'<meta name="citation_publication_date" content="\d{4}/\d\d/\d\d">', page)


def test_function_in_code_skips_display_wrappers():
    assert function_in_code("display(md(narrative.quota_table(quotas)))") == "narrative.quota_table"
    assert function_in_code("fig = diagrams.quota_chart(q)") == "diagrams.quota_chart"
    assert function_in_code("display(md(check, floatfmt='.4g'))") == ""


def test_registry_names_function_and_inputs(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "exhibits.yaml").write_text(
        "exhibits:\n- label: tbl-x\n  function: regtable.regression_table\n  inputs: [estimates.csv]\n"
        "  alt: ignored for tables\n",
        encoding="utf-8",
    )
    steps = {"estimates": {"inputs": {}, "outputs": {"/b/estimates.csv": "cd" * 32}}}
    prov = Provenance(
        "abc1234", steps, __import__("analysis.render.provenance", fromlist=["x"]).load_registry(tmp_path)
    )
    ex = prov.exhibit("chapters/04.ipynb", "tbl-x", 3, "display(md(other.fn(x)))")
    assert ex.function == "regtable.regression_table" and ex.inputs == {"estimates.csv": "cd" * 32}
    line = provenance_markdown(ex, "../")
    assert "`regtable.regression_table()`" in line and "commit `abc1234`" in line
    assert "(../downloads/tables/tbl-x.csv)" in line


def test_appendices_render_the_project_files():
    sources = yaml.safe_load((ROOT / "data" / "sources.yaml").read_text(encoding="utf-8"))["inputs"]
    page = data_sources_page(ROOT)
    for item in sources:
        assert f"`{item['id']}`" in page and item["sha256"] in page
    assumptions = assumptions_page(ROOT)
    for n in range(1, 14):
        assert f"A{n}." in assumptions
    assert locked_versions(ROOT)["pandas"]


def fake_quarto(tmp_path: Path, log: Path) -> Path:
    """A `quarto` that records its arguments and the staged project, warns, and writes a book."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    script = bindir / "quarto"
    script.write_text(
        textwrap.dedent(f"""\
        #!/bin/sh
        echo "ARGS $@" > "{log}"
        cp _quarto.yml "{log}.yml"
        cp chapters/02-results.ipynb "{log}.ipynb"
        echo "WARNING (quarto): a test warning" >&2
        mkdir -p _book && echo '<html>quarto</html>' > _book/index.html
        """)
    )
    script.chmod(0o755)
    return bindir


def test_quarto_path_stages_provenance_warns_and_writes_downloads(tmp_path, monkeypatch, capsys):
    root = tmp_path / "proj"
    executed = make_book(root)
    log = tmp_path / "quarto.log"
    monkeypatch.setenv("PATH", f"{fake_quarto(tmp_path, log)}{os.pathsep}{os.environ['PATH']}")
    out = tmp_path / "out"
    written = render_project(root, executed, out, build_dir=build_dir_for(root))
    assert written["engine"] == "quarto"
    assert log.read_text().split()[:4] == ["ARGS", "render", "--to", "all"]
    assert "quarto: WARNING (quarto): a test warning" in capsys.readouterr().out
    staged = nbformat.read(str(log) + ".ipynb", as_version=4)
    notes = [c.source for c in staged.cells if c.cell_type == "markdown" and "Provenance:" in c.source]
    assert len(notes) == 2 and "(../downloads/tables/tbl-prices.csv)" in notes[0]
    assert (out / "downloads" / "tables" / "tbl-prices.csv").is_file()
    assert (out / "downloads" / "exhibits.csv").read_text().count("\n") == 3


def test_project_quarto_config_matches_the_fallback():
    """What a Quarto 1.10 typst render needs for parity (checked outside: rendering-facts.md)."""
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    typst, html = config["format"]["typst"], config["format"]["html"]
    assert typst["citeproc"] is True and typst["echo"] is False
    assert '("Libertinus Serif", "Noto Serif CJK SC")' in typst["include-in-header"]["text"]
    assert html["code-fold"] is True and html["code-tools"] is True
    assert config["book"]["downloads"] == ["pdf"] and config["citation"]["type"] == "book"
    refs = (ROOT / "references.qmd").read_text(encoding="utf-8")
    assert refs.count("::: {#refs}") == 1 and refs.count("\n# ") == 0
    for page in config["book"]["appendices"]:
        assert (ROOT / page).is_file(), page


def test_every_figure_of_the_registry_has_alt_text():
    records = yaml.safe_load((ROOT / "data" / "exhibits.yaml").read_text(encoding="utf-8"))["exhibits"]
    figures = [r for r in records if r["label"].startswith("fig-")]
    assert figures and all(len(r.get("alt", "")) > 40 for r in figures), [
        r["label"] for r in figures if not r.get("alt")
    ]
