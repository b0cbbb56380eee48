"""Use a real Quarto installation when one is on PATH."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from .appendices import PAGES, BuildInfo, colophon_page, generated_pages
from .book_config import BookConfig, load_config
from .cell_options import split_cell_options
from .chapters import load_chapters
from .downloads import labelled_tables, planned_downloads, write_downloads
from .errors import RenderError
from .notebook_markdown import CROSSREF_LABEL, figure_alt
from .provenance import Provenance, provenance_markdown

STAGED_FILES = ("_quarto.yml", "index.qmd", "references.qmd", "references.bib")
FLOAT_OUTPUTS = ("text/markdown", "image/svg+xml", "image/png")


def quarto_available() -> bool:
    """True when a `quarto` executable is on PATH."""
    return shutil.which("quarto") is not None


def href_prefix(chapter: str) -> str:
    """Relative path from a chapter's page to the book root (Quarto keeps the chapter's folders)."""
    return "../" * (len(Path(chapter).parts) - 1)


def _has_float_output(cell) -> bool:
    return any(mime in out.get("data", {}) for out in cell.get("outputs", []) for mime in FLOAT_OUTPUTS)


def annotate_notebook(path: Path, chapter: str, provenance=None) -> None:
    """In place: after each labelled table/figure cell, a markdown cell with its provenance line; a
    figure without `fig-alt` gets the registry's alt text as a cell option (what the fallback does)."""
    nb = nbformat.read(str(path), as_version=4)
    cells = []
    for index, cell in enumerate(nb.cells):
        cells.append(cell)
        if cell.cell_type != "code":
            continue
        options, code = split_cell_options(cell.source)
        label = str(options.get("label", ""))
        if not CROSSREF_LABEL.match(label) or not _has_float_output(cell):
            continue
        record = provenance.registry.get(label, {}) if provenance is not None else {}
        alt = figure_alt(options, record)
        if label.startswith("fig-") and alt and "fig-alt" not in options:
            cell.source = f"#| fig-alt: {json.dumps(alt, ensure_ascii=False)}\n" + cell.source
        if provenance is not None:
            exhibit = provenance.exhibit(chapter, label, index, code)
            cells.append(nbformat.v4.new_markdown_cell(provenance_markdown(exhibit, href_prefix(chapter))))
    nb.cells = cells
    nbformat.write(nb, str(path))


def stage_project(
    project_root: Path, executed: dict, stage: Path, provenance=None, generated: dict[str, str] | None = None
) -> None:
    """Copy the book's sources into `stage`, with executed notebooks at their chapter paths (annotated
    with provenance lines) and the generated appendix pages in place of their placeholders."""
    project_root = Path(project_root)
    config = load_config(project_root)
    names = dict.fromkeys(
        [*STAGED_FILES, *config.bibliography, *(c for c in config.all_chapters if not c.endswith(".ipynb"))]
    )
    for name in names:
        if (project_root / name).is_file():
            (stage / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(project_root / name, stage / name)
    for name, text in (generated or {}).items():
        (stage / name).parent.mkdir(parents=True, exist_ok=True)
        (stage / name).write_text(text, encoding="utf-8")
    lookup = {str(Path(k)): Path(v) for k, v in executed.items()}
    for chapter in config.all_chapters:
        if chapter.endswith(".ipynb"):
            source = lookup.get(str(Path(chapter)))
            if source is None or not source.is_file():
                raise RenderError(f"{chapter}: no executed notebook to stage for quarto")
            (stage / chapter).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, stage / chapter)
            annotate_notebook(stage / chapter, chapter, provenance)


def show_warnings(stderr: str) -> None:
    """Print Quarto's warnings (and other diagnostics) into the build's output."""
    for line in stderr.splitlines():
        if line.strip():
            print(f"quarto: {line}", flush=True)


def _book_pages(config: BookConfig, executed: dict, scratch: Path, provenance, build_dir, build_seconds):
    """Generated appendix pages (links relative to their folder) and the tables, read as the fallback reads them."""
    chapters = load_chapters(config, executed, scratch, None, generated_pages(config))
    tables = {k: v for c in chapters for k, v in labelled_tables(c.blocks).items()}
    generated = generated_pages(config)
    if PAGES["colophon"] in config.all_chapters:
        downloads = planned_downloads(build_dir, executed, tables, f"{config.output_file}.pdf")
        info = BuildInfo(commit=provenance.commit, seconds=build_seconds)
        generated[PAGES["colophon"]] = colophon_page(config.root, info, downloads, href_prefix(PAGES["colophon"]))
    return generated, tables


def render_with_quarto(
    project_root: Path, executed: dict, out_dir: Path, build_dir: Path | None = None, build_seconds: float | None = None
) -> Path:
    """Stage the project in a temporary directory, run `quarto render --to all`, copy `_book` to
    out_dir, then add the downloads."""
    quarto = shutil.which("quarto")
    if quarto is None:
        raise RenderError("quarto is not on PATH")
    config = load_config(Path(project_root))
    provenance = Provenance.for_build(config.root, build_dir)
    with tempfile.TemporaryDirectory(prefix="quarto-book-") as tmp:
        stage, scratch = Path(tmp) / "book", Path(tmp) / "scratch"
        stage.mkdir()
        generated, tables = _book_pages(config, executed, scratch, provenance, build_dir, build_seconds)
        stage_project(project_root, executed, stage, provenance, generated)
        proc = subprocess.run([quarto, "render", "--to", "all"], cwd=stage, capture_output=True, text=True)
        show_warnings(proc.stderr)
        if proc.returncode != 0:
            raise RenderError(f"quarto render failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
        book = stage / "_book"
        if not book.is_dir():
            raise RenderError("quarto render finished but wrote no _book directory")
        shutil.copytree(book, out_dir, dirs_exist_ok=True)
    write_downloads(Path(out_dir), build_dir, executed, tables, [e.as_row() for e in provenance.exhibits.values()])
    sys.stdout.flush()
    return Path(out_dir)
