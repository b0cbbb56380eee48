"""End to end: the README build on the mirrored data (HTML + PDF, Table 2, cross-references, CJK font),
the content cache, a user-supplied panel, and failures that exit non-zero and leave the old book intact."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from synthetic import user_panel

from analysis.core.paths import ROOT
from analysis.pipeline import build as pipeline
from analysis.pipeline.publish import MARKER

pytestmark = pytest.mark.e2e
CHAPTERS = yaml.safe_load((ROOT / "_quarto.yml").read_text())["book"]["chapters"]


def run_build(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "REDID_BUILD": str(tmp / "build")}
    return subprocess.run(
        [sys.executable, "-m", "analysis", "build", "--out", str(tmp / "book"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )


def text_of_html(path: Path) -> str:
    """Visible text of a page (tags stripped), for checks on what a reader sees."""
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", "", path.read_text(encoding="utf-8"))
    return re.sub(r"<[^>]+>", " ", body)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    proc = run_build(tmp)  # as README's command does: pinned URLs first (unreachable here), then the mirror
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return tmp, proc


def test_every_chapter_is_executed_with_progress_and_published(built):
    tmp, proc = built
    assert proc.stderr == "", proc.stderr  # a successful build prints no kernel log, warning or error
    n = sum(c.endswith(".ipynb") for c in CHAPTERS)
    for i, chapter in enumerate(c for c in CHAPTERS if c.endswith(".ipynb")):
        assert f"[{i + 1}/{n}] {chapter} ok" in proc.stdout
        assert (tmp / "book" / f"{Path(chapter).stem}.html").is_file()
    assert (tmp / "book" / "index.html").is_file() and (tmp / "book" / "book.pdf").is_file()
    steps = json.loads((tmp / "build" / "steps.json").read_text())
    assert steps["panel"]["outputs"] and all(len(h) == 64 for h in steps["panel"]["inputs"].values())
    assert (tmp / "build" / "estimates.csv").is_file()
    executed = nbformat.read(str(tmp / "build" / "executed" / "chapters" / "04-baseline.ipynb"), as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and injected[0].source.startswith("#| include: false")  # hidden by quarto too


def test_table2_is_in_html_with_paper_and_ours(built):
    page = text_of_html(built[0] / "book" / "03-data.html")
    assert re.search(r"Table\s+\d+\.\d+:\s+Table 2, descriptive statistics", page)
    assert "11.401" in page  # the paper's LNGDP mean, printed beside ours


def test_no_unresolved_crossref_or_citation_in_html(built):
    for page in sorted((built[0] / "book").glob("*.html")):
        text = text_of_html(page)
        assert "??" not in text, page.name
        assert not re.search(r"@(tbl|fig|sec)-", text), page.name
        assert not re.search(r"\((tbl|fig|sec)-[\w-]+\?\)", text), page.name


def test_pdf_has_table2_chinese_text_and_embedded_cjk_font(built):
    pdf = built[0] / "book" / "book.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Table 2, descriptive statistics" in text
    assert "描述性统计" in text and "稀土" in text
    assert "??" not in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"NotoSerifCJK|NotoSansCJK", fonts), fonts


def test_every_exhibit_of_the_book_has_provenance_alt_text_vector_and_downloads(built):
    """Issue 12: a provenance line under every table and figure (HTML and PDF), alt text on every
    figure, no raster image in the PDF, the downloads in the book and linked from it."""
    book = built[0] / "book"
    n_html = 0
    for page in sorted(book.glob("*.html")):
        html = page.read_text(encoding="utf-8")
        floats = len(re.findall(r"<caption|<figcaption", html))  # the book's tables and figures (captioned)
        assert len(re.findall(r'<div class="provenance">', html)) == floats, page.name
        assert all(re.search(r'alt="[^"]{20,}"', img) for img in re.findall(r"<img [^>]*>", html)), page.name
        n_html += floats
    pdf = book / "book.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert text.count("Provenance:") == n_html > 50
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert len(images.strip().splitlines()) == 2, images  # the header only: every figure is vector
    for name in (
        "panel.csv",
        "panel_provenance.csv",
        "estimates.csv",
        "exhibits.csv",
        "tables/tbl-table2.csv",
        "notebooks/04-baseline.ipynb",
    ):
        assert (book / "downloads" / name).is_file(), name
    assert 'href="downloads/tables/tbl-table2.csv"' in (book / "03-data.html").read_text(encoding="utf-8")
    assert (book / "pagefind" / "pagefind-ui.js").is_file()


def test_second_build_reuses_every_chapter(built):
    tmp, _ = built
    proc = run_build(tmp, "--html-only")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(re.findall(r"\] \S+\.ipynb unchanged, cached", proc.stdout)) == sum(
        c.endswith(".ipynb") for c in CHAPTERS
    )


def digests(folder: Path, pattern: str = "*") -> dict[str, str]:
    return {
        f.relative_to(folder).as_posix(): hashlib.sha256(f.read_bytes()).hexdigest()
        for f in sorted(folder.rglob(pattern))
        if f.is_file() and not f.name.startswith(".")
    }


def test_outputs_are_byte_identical_when_built_again(built, tmp_path, monkeypatch):
    """Panel, estimates, executed notebook, every HTML page, figure and the PDF: the same bytes again."""
    from analysis.data import build as build_data
    from analysis.render.book import render_project

    tmp, _ = built
    monkeypatch.setenv("REDID_CACHE", str(tmp / "build" / "raw"))  # the verified inputs of the first build
    again, _ = build_data.write_panel(tmp_path / "build", use_url=False)
    first = build_data.panel_paths(tmp / "build")
    for key in ("panel", "provenance", "dictionary"):
        assert again[key].read_bytes() == first[key].read_bytes(), key
    executed = tmp / "build" / "executed" / "chapters" / "04-baseline.ipynb"
    before = {"nb": executed.read_bytes(), **digests(tmp / "build" / "estimates")}
    proc = run_build(tmp, "--html-only", "--chapter", "04")
    assert proc.returncode == 0 and "04-baseline.ipynb executing" in proc.stdout, proc.stderr
    assert {"nb": executed.read_bytes(), **digests(tmp / "build" / "estimates")} == before
    monkeypatch.setenv("SOURCE_DATE_EPOCH", pipeline.source_date_epoch(ROOT))
    monkeypatch.delenv("REDID_RENDER_CACHE", raising=False)  # no memo: pandoc and typst run again
    notebooks = {c: tmp / "build" / "executed" / c for c in CHAPTERS if c.endswith(".ipynb")}
    render_project(ROOT, notebooks, tmp_path / "book", build_dir=tmp / "build")  # as the build calls it
    published = digests(tmp / "book")
    assert "book.pdf" in published and any(name.startswith("figures/") for name in published)
    assert digests(tmp_path / "book") == published


def test_chapters_declaring_estimates_rerun_when_an_estimate_changes(built):
    tmp, _ = built
    table3 = tmp / "build" / "estimates" / "table3.csv"
    table3.write_text(table3.read_text() + table3.read_text().splitlines()[-1] + "\n")
    proc = run_build(tmp, "--html-only")
    assert proc.returncode == 0, proc.stderr[-2000:]
    notebooks = [c for c in CHAPTERS if c.endswith(".ipynb")]
    for i, chapter in enumerate(notebooks, 1):
        declared = "estimates" in json.loads((ROOT / chapter).read_text()).get("metadata", {}).get("redid", {}).get(
            "inputs", []
        )
        verb = "executing" if declared else "unchanged, cached"
        assert f"[{i}/{len(notebooks)}] {chapter} {verb}" in proc.stdout, (chapter, proc.stdout)
    assert "chapters/11-conclusions.ipynb executing" in proc.stdout


def test_bad_user_panel_fails_cleanly_and_keeps_the_old_book(built, tmp_path):
    tmp, _ = built
    before = (tmp / "book" / "03-data.html").read_bytes()
    bad = tmp_path / "their_panel.csv"
    user_panel().drop(columns="EPU").to_csv(bad, index=False)
    proc = run_build(tmp, "--panel", str(bad))
    assert proc.returncode == 1
    assert "their_panel.csv" in proc.stderr and "EPU" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (tmp / "book" / "03-data.html").read_bytes() == before


def test_whole_book_renders_on_a_user_panel(tmp_path):
    path = tmp_path / "original_series.csv"
    user_panel(optional=True).to_csv(path, index=False)
    proc = run_build(tmp_path, "--panel", str(path), "--html-only")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "user panel" in text_of_html(tmp_path / "book" / "03-data.html")


def test_failing_chapter_names_chapter_and_cell_and_keeps_the_old_book(tmp_path, monkeypatch, capsys):
    project = tmp_path / "project"
    (project / "chapters").mkdir(parents=True)
    (project / "analysis").mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Broken {#sec-broken}"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("raise ValueError('planted failure')"),
    ]
    nbformat.write(nb, project / "chapters" / "99-broken.ipynb")
    panel = tmp_path / "panel.csv"
    user_panel().to_csv(panel, index=False)
    out = tmp_path / "book"
    out.mkdir()
    (out / "index.html").write_text("previous book")
    (out / MARKER).write_text("a book this build published")
    monkeypatch.setattr(pipeline, "ROOT", project)
    monkeypatch.setattr(pipeline, "book_chapters", lambda *a: ["chapters/99-broken.ipynb"])
    opts = pipeline.BuildOptions(build_dir=tmp_path / "build", out=out, user_panel=panel, use_url=False)
    assert pipeline.build(opts) == 1
    assert (out / "index.html").read_text() == "previous book"
    assert not list(tmp_path.glob("book.tmp-*"))
    printed = capsys.readouterr().err
    assert re.search(r"chapter chapters/99-broken\.ipynb, cell 2: ValueError: planted failure", printed), printed
