"""Render a Quarto book (chapters already executed) to multi-page HTML and one PDF."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import quarto
from .appendices import PAGES, BuildInfo, colophon_page, generated_pages
from .book_config import BookConfig, load_config
from .chapters import Chapter, load_chapter, load_chapters
from .downloads import labelled_tables, planned_downloads, write_downloads
from .html_book import write_html_book
from .numbering import number_book
from .pdf_book import write_pdf_book
from .provenance import Provenance

FORMATS = ("html", "pdf")


def _with_colophon(
    config: BookConfig,
    chapters: list[Chapter],
    executed: dict,
    out_dir: Path,
    info: BuildInfo,
    downloads: list[tuple[str, str]],
) -> list[Chapter]:
    page = PAGES["colophon"]
    if page not in config.all_chapters:
        return chapters
    text = {page: colophon_page(config.root, info, downloads)}
    return [load_chapter(config, page, executed, out_dir, generated=text) if c.path == page else c for c in chapters]


def render_book(
    project_root: Path,
    executed: dict[str, Path],
    out_dir: Path,
    formats=FORMATS,
    build_dir: Path | None = None,
    build_seconds: float | None = None,
) -> dict:
    """Render the book in `project_root` into `out_dir`.

    `executed` maps each `.ipynb` chapter path (as in `_quarto.yml`) to its executed copy;
    `build_dir` holds the build's `steps.json`, panel and estimates (provenance lines and downloads).
    Returns {"html": [pages and CSS], "figures": [images], "pdf": path, "downloads": [files]}.
    Raises RenderError naming the chapter (and label/cell) on any problem.
    """
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown formats: {sorted(unknown)}")
    config = load_config(Path(project_root))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    provenance = Provenance.for_build(config.root, build_dir)
    chapters = load_chapters(config, executed, out_dir, provenance, generated_pages(config))
    tables = {k: v for c in chapters for k, v in labelled_tables(c.blocks).items()}
    pdf_name = f"{config.output_file}.pdf"  # listed with --html-only too: the build keeps the last PDF
    downloads = planned_downloads(build_dir, executed, tables, pdf_name)
    info = BuildInfo(commit=provenance.commit, seconds=build_seconds)
    chapters = _with_colophon(config, chapters, executed, out_dir, info, downloads)
    targets = number_book(chapters)
    written: dict = {"figures": [f for c in chapters for f in c.figures]}
    order = {c: i for i, c in enumerate(config.all_chapters)}  # chapters were converted in parallel
    exhibits = sorted(provenance.exhibits.values(), key=lambda e: order.get(e.chapter, len(order)))
    written["downloads"] = write_downloads(out_dir, build_dir, executed, tables, [e.as_row() for e in exhibits])
    # the PDF (one pandoc run, then typst) is typeset while the HTML pages are written: both only read
    # the chapters, and each waits for its own processes much of the time
    with ThreadPoolExecutor(max_workers=1) as pool:
        pdf = pool.submit(write_pdf_book, chapters, targets, config, out_dir, info) if "pdf" in formats else None
        if "html" in formats:
            written["html"] = write_html_book(chapters, targets, config, out_dir, info)
        if pdf is not None:
            written["pdf"] = pdf.result()
    return written


def render_project(
    project_root: Path,
    executed: dict[str, Path],
    out_dir: Path,
    formats=FORMATS,
    build_dir: Path | None = None,
    build_seconds: float | None = None,
) -> dict:
    """Render with Quarto when it is on PATH (all formats), else with pandoc + typst.

    Returns the `render_book` dict (or {"out_dir": ...} for Quarto) plus "engine": "quarto"|"pandoc".
    """
    if quarto.quarto_available():
        return {
            "engine": "quarto",
            "out_dir": quarto.render_with_quarto(project_root, executed, out_dir, build_dir, build_seconds),
        }
    return {"engine": "pandoc", **render_book(project_root, executed, out_dir, formats, build_dir, build_seconds)}
