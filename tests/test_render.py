"""Tests of analysis.render: a tiny Quarto book rendered to HTML and PDF without Quarto."""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
import textwrap
from pathlib import Path

import nbformat
import pytest

from analysis.render import crossref, quarto
from analysis.render.ast_tools import stringify
from analysis.render.book import render_book, render_project
from analysis.render.cell_options import split_cell_options
from analysis.render.errors import RenderError
from analysis.render.notebook_markdown import notebook_to_markdown
from analysis.render.pandoc import markdown_to_ast

QUARTO_YML = """\
project:
  type: book
book:
  title: "Tiny Book"
  subtitle: "A fixture 小书"
  author: "Test Author"
  output-file: tiny
  chapters:
    - index.qmd
    - chapters/01-intro.ipynb
    - chapters/02-results.ipynb
    - references.qmd
bibliography: references.bib
lang: en
execute:
  enabled: false
  echo: true
crossref:
  chapters: true
format:
  typst:
    mainfont: "Noto Serif CJK SC"
"""

BIB = """\
@article{li2020,
  author = {Li, Wei},
  title = {稀土开采总量控制政策的价格效应},
  journal = {Economic Research Journal},
  year = {2020}
}
@book{unused2001,
  author = {Nobody, Ann},
  title = {Never Cited},
  year = {2001},
  publisher = {Press}
}
"""

TABLE_MD = "| year | price |\n|---:|---:|\n| 2019 | 101.5 |\n| 2020 | 202.75 |\n"
CHINESE = "本章介绍稀土配额政策"


def png_bytes() -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 2.5))
    ax.plot([2019, 2020, 2021], [1, 3, 2])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60)
    plt.close(fig)
    return buf.getvalue()


def code(source: str, outputs=(), tags=()) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source, outputs=list(outputs))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def write_nb(path: Path, cells) -> Path:
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def intro_cells(extra_text: str = "") -> list:
    md = nbformat.v4.new_markdown_cell
    return [
        md(
            f"# Introduction {{#sec-intro}}\n\n{CHINESE}。 As argued by @li2020, quotas matter "
            f"[@li2020, p. 3]. See @tbl-prices, @fig-trend and @sec-results-data. {extra_text}"
        ),
        code("year = 2021  # INJECTED-MARKER", tags=["injected-parameters"]),
        code(
            "#| echo: false\nprint('visible stdout')  # HIDDEN-SOURCE",
            [
                nbformat.v4.new_output("stream", name="stdout", text="visible stdout\n"),
                nbformat.v4.new_output("stream", name="stderr", text="WARNING-NOISE\n"),
            ],
        ),
        code("shown = 1 + 1  # SHOWN-SOURCE"),
        code("#| include: false\nsecret = 2  # NOT-INCLUDED"),
    ]


def results_cells(png: bytes) -> list:
    md = nbformat.v4.new_markdown_cell
    table_out = nbformat.v4.new_output(
        "display_data", data={"text/markdown": TABLE_MD, "text/plain": "PLAIN-REPR-OF-TABLE"}
    )
    image_out = nbformat.v4.new_output(
        "display_data", data={"image/png": base64.b64encode(png).decode(), "text/plain": "<Figure size 400x250>"}
    )
    return [
        md("# Results {#sec-results}\n\n## Data sources {#sec-results-data}\n\nPrices come from a fixture."),
        code('#| label: tbl-prices\n#| tbl-cap: "Prices by year"\nshow_table()', [table_out]),
        code('#| label: fig-trend\n#| fig-cap: "Price trend"\n#| echo: false\nplot()', [image_out]),
        md("## Discussion\n\nThe trend in [-@fig-trend] matches [see @tbl-prices]. Back to @sec-intro."),
    ]


def make_book(root: Path, intro_text: str = "", results=None) -> dict:
    """Write the fixture project into `root`; return the chapter -> executed notebook mapping."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "_quarto.yml").write_text(QUARTO_YML, encoding="utf-8")
    (root / "references.bib").write_text(BIB, encoding="utf-8")
    (root / "index.qmd").write_text("# Preface {.unnumbered}\n\nThis is the preface 前言.\n", encoding="utf-8")
    (root / "references.qmd").write_text("# References {.unnumbered}\n\n::: {#refs}\n:::\n", encoding="utf-8")
    build = root / "_build"
    return {
        "chapters/01-intro.ipynb": write_nb(build / "01-intro.ipynb", intro_cells(intro_text)),
        "chapters/02-results.ipynb": write_nb(
            build / "02-results.ipynb", results if results is not None else results_cells(png_bytes())
        ),
    }


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("book")
    executed = make_book(root)
    out = root / "_out"
    written = render_book(root, executed, out)
    return out, written


def page(out: Path, stem: str) -> str:
    return (out / f"{stem}.html").read_text(encoding="utf-8")


# --- whole book --------------------------------------------------------------------------


def test_html_pages_exist_and_nothing_is_left_unresolved(rendered):
    out, written = rendered
    stems = ["index", "01-intro", "02-results", "references"]
    assert [p.name for p in written["html"] if p.suffix == ".html"] == [f"{s}.html" for s in stems]
    for stem in stems:
        html = page(out, stem)
        assert '<html lang="en">' in html and '<meta charset="utf-8">' in html
        for bad in ("??", "@tbl-", "@fig-", "@sec-", "(tbl-", "(fig-", "(sec-"):
            assert bad not in html, (stem, bad)


def test_crossref_links_read_numbers_and_point_at_pages(rendered):
    html = page(rendered[0], "01-intro")
    assert re.search(r'<a href="02-results.html#tbl-prices"[^>]*>Table 2.1</a>', html)
    assert re.search(r'<a href="02-results.html#fig-trend"[^>]*>Figure 2.1</a>', html)
    assert re.search(r'<a href="02-results.html#sec-results-data"[^>]*>Section 2.1</a>', html)
    results = page(rendered[0], "02-results")
    assert re.search(r'<a href="02-results.html#fig-trend"[^>]*>2.1</a>', results)  # [-@fig-trend]
    assert re.search(r'see <a href="02-results.html#tbl-prices"[^>]*>Table 2.1</a>', results)
    assert re.search(r'<a href="01-intro.html#sec-intro"[^>]*>Chapter 1</a>', results)


def test_headings_captions_and_outputs(rendered):
    html = page(rendered[0], "02-results")
    assert re.search(r'<h1 id="sec-results"><span class="header-section-number">2</span> Results</h1>', html)
    assert '<span class="header-section-number">2.1</span> Data sources' in html
    assert '<span class="header-section-number">2.2</span> Discussion' in html
    assert re.search(r'<table[^>]*id="tbl-prices"|id="tbl-prices"[^>]*>\s*<table', html) or 'id="tbl-prices"' in html
    assert re.search(r"<caption>\s*Table 2.1: Prices by year\s*</caption>", html)
    assert "<td" in html and "202.75" in html and "PLAIN-REPR-OF-TABLE" not in html
    assert re.search(r'<figure id="fig-trend">', html) and "Figure 2.1: Price trend" in html
    assert re.search(r'<img src="figures/02-results-1.png"', html)
    assert (rendered[0] / "figures" / "02-results-1.png").read_bytes()[:4] == b"\x89PNG"
    assert "plot()" not in html  # echo: false on the figure cell


def test_cells_follow_quarto_options(rendered):
    html = page(rendered[0], "01-intro")
    assert "INJECTED-MARKER" not in html and "year = 2021" not in html
    assert "HIDDEN-SOURCE" not in html and "visible stdout" in html
    assert "WARNING-NOISE" not in html and "NOT-INCLUDED" not in html
    assert "SHOWN-SOURCE" in html


def test_citations_resolved_and_reference_pages(rendered):
    out = rendered[0]
    intro = page(out, "01-intro")
    assert "Li 2020" in intro or "Li (2020)" in intro
    assert "稀土开采总量控制政策的价格效应" in intro  # chapter reference list
    refs = page(out, "references")
    assert "稀土开采总量控制政策的价格效应" in refs and "Never Cited" not in refs
    index = page(out, "index")
    assert 'class="active"' in index and '<span class="chapter-number">2</span> Results' in index
    assert 'href="01-intro.html"' in index  # next link / sidebar


def test_pdf_has_tables_chinese_and_crossrefs(rendered):
    pdf = rendered[1]["pdf"]
    assert pdf.name == "tiny.pdf" and pdf.stat().st_size > 1000
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for needle in (
        "Tiny Book",
        "Test Author",
        "Contents",
        "202.75",
        "2019",
        "Table 2.1: Prices by year",
        "Table 2.1",
        "Figure 2.1",
        "Section 2.1",
        CHINESE,
        "稀土开采总量控制政策的价格效应",
    ):
        assert needle in text, needle
    assert "@tbl-" not in text and "??" not in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"NotoSerifCJK", fonts)


# --- errors ------------------------------------------------------------------------------


def test_unresolved_crossref_names_chapter_and_key(tmp_path):
    executed = make_book(tmp_path, intro_text="Compare @tbl-nope.")
    with pytest.raises(RenderError, match=r"chapters/01-intro\.ipynb.*tbl-nope"):
        render_book(tmp_path, executed, tmp_path / "out", formats=("html",))


def test_error_output_names_chapter_and_cell(tmp_path):
    err = nbformat.v4.new_output("error", ename="ValueError", evalue="boom", traceback=[])
    cells = [nbformat.v4.new_markdown_cell("# Results {#sec-results-data}"), code("1/0", [err])]
    executed = make_book(tmp_path, results=cells)
    with pytest.raises(RenderError, match=r"chapters/02-results\.ipynb: cell 1.*ValueError: boom"):
        render_book(tmp_path, executed, tmp_path / "out", formats=("html",))


def test_missing_citation_names_chapter_and_key(tmp_path):
    executed = make_book(tmp_path, intro_text="Also [@ghost1999].")
    with pytest.raises(RenderError, match=r"chapters/01-intro\.ipynb.*ghost1999"):
        render_book(tmp_path, executed, tmp_path / "out", formats=("html",))
    with pytest.raises(RenderError, match=r"chapters/01-intro\.ipynb.*ghost1999"):
        render_book(tmp_path, executed, tmp_path / "out", formats=("pdf",))


def test_missing_chapter_and_missing_font(tmp_path, monkeypatch):
    executed = make_book(tmp_path)
    (tmp_path / "index.qmd").unlink()
    with pytest.raises(RenderError, match=r"index\.qmd"):
        render_book(tmp_path, executed, tmp_path / "out")
    executed = make_book(tmp_path)
    yml = tmp_path / "_quarto.yml"
    yml.write_text(QUARTO_YML.replace("Noto Serif CJK SC", "No Such Font XYZ"), encoding="utf-8")
    with pytest.raises(RenderError, match=r"No Such Font XYZ"):
        render_book(tmp_path, executed, tmp_path / "out", formats=("pdf",))


# --- quarto path -------------------------------------------------------------------------


def test_quarto_on_path_is_used(tmp_path, monkeypatch):
    executed = make_book(tmp_path / "proj")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    marker = tmp_path / "marker.txt"
    script = bindir / "quarto"
    script.write_text(
        textwrap.dedent(f"""\
        #!/bin/sh
        echo "$@" > "{marker}"
        ls chapters >> "{marker}"
        mkdir -p _book && echo '<html>quarto</html>' > _book/index.html
        """)
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    assert quarto.quarto_available()
    out = tmp_path / "out"
    written = render_project(tmp_path / "proj", executed, out)
    assert written["engine"] == "quarto"
    assert (out / "index.html").read_text() == "<html>quarto</html>\n"
    lines = marker.read_text().split()
    assert lines[:3] == ["render", "--to", "all"] and {"01-intro.ipynb", "02-results.ipynb"} <= set(lines)


def test_without_quarto_pandoc_is_used(tmp_path, monkeypatch):
    monkeypatch.setattr(quarto.shutil, "which", lambda name: None)
    assert not quarto.quarto_available()
    executed = make_book(tmp_path)
    written = render_project(tmp_path, executed, tmp_path / "out", formats=("html",))
    assert written["engine"] == "pandoc" and (tmp_path / "out" / "02-results.html").is_file()


# --- pure functions ------------------------------------------------------------------------


def test_split_cell_options():
    opts, src = split_cell_options('#| label: tbl-a\n#| tbl-cap: "A: b"\n#|echo: false\nx = 1\n#| not: option')
    assert opts == {"label": "tbl-a", "tbl-cap": "A: b", "echo": False}
    assert src == "x = 1\n#| not: option"
    assert split_cell_options("x = 1") == ({}, "x = 1")


def ast(markdown: str) -> list:
    return markdown_to_ast(markdown, what="test")["blocks"]


def test_numbering_of_chapters_sections_and_floats():
    index = ast("# Preface {.unnumbered}\n")
    one = ast("# One {#sec-one}\n\n## A {#sec-a}\n\n## Skip {.unnumbered}\n\n## B\n\n### B1 {#sec-b1}\n")
    refs = ast("# References {.unnumbered}\n")
    two = ast("# Two\n\n|x|\n|-|\n|1|\n\n: Cap {#tbl-t}\n\n![Pic](p.png){#fig-p}\n")
    chapters = [("index.qmd", index), ("c/01-one.ipynb", one), ("references.qmd", refs), ("c/02-two.ipynb", two)]
    numbers = crossref.chapter_numbers(chapters)
    assert numbers == {"index.qmd": None, "c/01-one.ipynb": 1, "references.qmd": None, "c/02-two.ipynb": 2}
    t1 = {t.label: t for t in crossref.number_chapter(one, "c/01-one.ipynb", "01-one", 1)}
    assert t1["sec-one"].ref_text() == "Chapter 1" and t1["sec-a"].ref_text() == "Section 1.1"
    assert t1["sec-b1"].ref_text() == "Section 1.2.1"
    assert [stringify(b["c"][2]) for b in one] == ["1 One", "1.1 A", "Skip", "1.2 B", "1.2.1 B1"]
    t2 = {t.label: t for t in crossref.number_chapter(two, "c/02-two.ipynb", "02-two", 2)}
    assert t2["tbl-t"].ref_text() == "Table 2.1" and t2["fig-p"].ref_text(number_only=True) == "2.1"
    assert stringify(two[1]["c"][1][1]) == "Table 2.1: Cap"
    assert stringify(two[2]["c"][1][1]) == "Figure 2.1: Pic"
    crossref.number_chapter(index, "index.qmd", "index", None)
    assert stringify(index) == "Preface"


def test_resolve_crossrefs_rewrites_only_crossref_citations():
    blocks = ast("See @tbl-t, [-@fig-p] and [see @tbl-t; @smith2020, p. 2].")
    targets = {
        "tbl-t": crossref.Target("tbl-t", "c/02.ipynb", "02", "2.1"),
        "fig-p": crossref.Target("fig-p", "c/02.ipynb", "02", "2.2"),
    }
    crossref.resolve_crossrefs(blocks, targets, lambda t: f"{t.page}.html#{t.label}", "c/01.ipynb")
    links = [n for n in crossref.iter_nodes(blocks) if n["t"] == "Link"]
    assert [(stringify(n["c"][1]), n["c"][2][0]) for n in links] == [
        ("Table 2.1", "02.html#tbl-t"),
        ("2.2", "02.html#fig-p"),
        ("Table 2.1", "02.html#tbl-t"),
    ]
    assert crossref.citation_keys(blocks) == ["smith2020"]
    assert "see Table 2.1; " in stringify(blocks)
    with pytest.raises(RenderError, match=r"c/01\.ipynb.*@fig-missing"):
        crossref.resolve_crossrefs(ast("As @fig-missing."), targets, str, "c/01.ipynb")


def test_duplicate_label_is_an_error():
    a = crossref.Target("tbl-x", "a.ipynb", "a", "1.1")
    b = crossref.Target("tbl-x", "b.ipynb", "b", "2.1")
    with pytest.raises(RenderError, match=r"b\.ipynb.*tbl-x.*a\.ipynb"):
        crossref.index_targets([a, b])


def test_notebook_markdown_table_caption_and_labels(tmp_path):
    cells = results_cells(b"\x89PNG fake")
    nb = write_nb(tmp_path / "n.ipynb", cells)
    md = notebook_to_markdown(nb, "chapters/02-results.ipynb", tmp_path / "fig", "fig")
    assert TABLE_MD.strip() + "\n\n: Prices by year {#tbl-prices}" in md.markdown
    assert "![Price trend](fig/02-results-1.png){#fig-trend}" in md.markdown
    assert '``` {.python .cell-code echo="default"}\nshow_table()\n```' in md.markdown
    assert md.cell_labels == {"tbl-prices": 1, "fig-trend": 2}
    assert (tmp_path / "fig" / "02-results-1.png").read_bytes() == b"\x89PNG fake"


def test_label_without_matching_output_is_an_error(tmp_path):
    cells = [
        nbformat.v4.new_markdown_cell("# Results {#sec-results-data}"),
        code(
            '#| label: tbl-prices\n#| tbl-cap: "P"\nx',
            [nbformat.v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=1)],
        ),
        nbformat.v4.new_markdown_cell("See @fig-trend."),
        code('#| label: fig-trend\n#| fig-cap: "T"\nx'),
    ]
    executed = make_book(tmp_path, results=cells)
    with pytest.raises(RenderError, match=r"chapters/02-results\.ipynb: cell 1: label tbl-prices"):
        render_book(tmp_path, executed, tmp_path / "out", formats=("html",))


def test_citation_labels_are_book_wide_and_each_page_lists_its_own(tmp_path):
    """Two works by one author in one year: every page says 2020a/2020b as the references page does,
    although each chapter cites only one of them; a chapter's list holds only what it cites."""
    root = tmp_path / "book"
    md = nbformat.v4.new_markdown_cell
    executed = make_book(root, results=results_cells(png_bytes()) + [md("See also @li2020b.")])
    (root / "references.bib").write_text(
        BIB + "@article{li2020b,\n  author = {Li, Wei},\n  title = {Second},\n  journal = {J},\n  year = {2020}\n}\n",
        encoding="utf-8",
    )
    out = root / "_out"
    render_book(root, executed, out, formats=("html",))
    intro, results, refs = (page(out, s) for s in ("01-intro", "02-results", "references"))

    def label(html, key):
        return re.search(rf'href="#ref-{key}" role="doc-biblioref">(?:Li )?(2020[ab])', html).group(1)

    def entry(html, key):
        return re.search(rf'(?s)id="ref-{key}".*?(2020[ab])', html).group(1)

    assert {label(intro, "li2020"), label(results, "li2020b")} == {"2020a", "2020b"}  # disambiguated book-wide
    assert label(intro, "li2020") == entry(refs, "li2020") == entry(intro, "li2020")
    assert label(results, "li2020b") == entry(refs, "li2020b") == entry(results, "li2020b")
    assert 'id="ref-li2020b"' not in intro and 'id="ref-li2020"' not in results
    assert 'id="ref-unused2001"' not in refs


def test_apostrophes_and_break_hints_for_typst():
    from analysis.render.typography import fix_text, for_typst

    assert fix_text("Column (1)‘s, Table 3′s, CR4's, CeO2′s") == "Column (1)’s, Table 3’s, CR4’s, CeO2’s"
    assert fix_text("‘robust’ and f′(x)") == "‘robust’ and f′(x)"  # an opening quote and a prime stay
    blocks = [{"t": "Para", "c": [{"t": "Str", "c": "(1)’s"}, {"t": "Space"}, {"t": "Str", "c": "imf_\u200bpcps"}]}]
    for_typst(blocks)
    raw = [n["c"][1] for n in blocks[0]["c"] if n["t"] == "RawInline"]
    text = "".join(n["c"] for n in blocks[0]["c"] if n["t"] == "Str")
    assert raw == ["’", "#box();"] and text == "(1)simf_pcps"
    quoted = [{"t": "Str", "c": "’**’,"}]  # pandoc's reading of "printed '**'": typst quotes it itself
    for_typst(quoted)
    assert [n["t"] for n in quoted] == ["Str"]


def test_downloads_list_tables_by_caption_in_one_row():
    from analysis.render.downloads import planned_downloads, short_caption

    assert short_caption("The paper's Table 3 (表 3), columns (1)–(3): its estimates and ours.") == (
        "The paper's Table 3 (表 3), columns (1)–(3)"
    )
    assert short_caption("word " * 30).endswith("…") and len(short_caption("word " * 30)) <= 57
    table = {"t": "Table", "c": [["tbl-a", [], []], [None, [{"t": "Plain", "c": [{"t": "Str", "c": "Means: x"}]}]]]}
    rows = planned_downloads(None, {"chapters/04-x.ipynb": None}, {"tbl-a": table, "tbl-b": None}, None)
    assert rows[-2] == ("downloads/notebooks/", [("downloads/notebooks/04-x.ipynb", "04-x")])
    assert rows[-1] == (
        "downloads/tables/",
        [("downloads/tables/tbl-a.csv", "Means"), ("downloads/tables/tbl-b.csv", "tbl-b")],
    )
