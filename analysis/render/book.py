"""Render a Quarto book (chapters already executed) to multi-page HTML and one PDF."""

from __future__ import annotations

from pathlib import Path

from .book_config import load_config
from .chapters import load_chapters
from .html_book import write_html_book
from .numbering import number_book
from .pdf_book import write_pdf_book

FORMATS = ("html", "pdf")


def render_book(project_root: Path, executed: dict[str, Path], out_dir: Path,
                formats=FORMATS) -> dict:
    """Render the book in `project_root` into `out_dir`.

    `executed` maps each `.ipynb` chapter path (as in `_quarto.yml`) to its executed copy.
    Returns {"html": [pages and CSS], "figures": [images], "pdf": path} for the formats asked.
    Raises RenderError naming the chapter (and label/cell) on any problem.
    """
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown formats: {sorted(unknown)}")
    config = load_config(Path(project_root))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    chapters = load_chapters(config, executed, out_dir)
    targets = number_book(chapters)
    written: dict = {"figures": [f for c in chapters for f in c.figures]}
    if "html" in formats:
        written["html"] = write_html_book(chapters, targets, config, out_dir)
    if "pdf" in formats:
        written["pdf"] = write_pdf_book(chapters, targets, config, out_dir)
    return written


def render_project(project_root: Path, executed: dict[str, Path], out_dir: Path,
                   formats=FORMATS) -> dict:
    """Render with Quarto when it is on PATH (all formats), else with pandoc + typst.

    Returns the `render_book` dict (or {"out_dir": ...} for Quarto) plus "engine": "quarto"|"pandoc".
    """
    from . import quarto

    if quarto.quarto_available():
        return {"engine": "quarto", "out_dir": quarto.render_with_quarto(project_root, executed, out_dir)}
    return {"engine": "pandoc", **render_book(project_root, executed, out_dir, formats)}
