"""Read the parts of `_quarto.yml` the renderer needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import RenderError

DEFAULT_MAINFONT = "Noto Serif CJK SC"


@dataclass(frozen=True)
class BookConfig:
    """Book settings taken from `_quarto.yml` (Quarto's defaults where a key is absent)."""

    root: Path
    title: str
    chapters: list[str]
    subtitle: str = ""
    authors: list[str] = field(default_factory=list)
    output_file: str = "book"
    bibliography: list[str] = field(default_factory=list)
    echo: bool = True
    lang: str = "en"
    mainfont: str = DEFAULT_MAINFONT
    papersize: str = "a4"

    def chapter_stem(self, chapter: str) -> str:
        """Page name of a chapter: `chapters/03-data.ipynb` -> `03-data`."""
        return Path(chapter).stem


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _author_names(value) -> list[str]:
    return [a.get("name", "") if isinstance(a, dict) else str(a) for a in _as_list(value)]


def load_config(project_root: Path) -> BookConfig:
    """Parse `<project_root>/_quarto.yml`; RenderError if it is missing or has no chapters."""
    path = Path(project_root) / "_quarto.yml"
    if not path.is_file():
        raise RenderError(f"_quarto.yml not found in {project_root}")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    book = data.get("book") or {}
    chapters = [str(c) for c in _as_list(book.get("chapters"))]
    if not chapters:
        raise RenderError(f"{path}: book.chapters is empty")
    typst = ((data.get("format") or {}).get("typst")) or {}
    return BookConfig(
        root=Path(project_root),
        title=str(book.get("title", "")),
        subtitle=str(book.get("subtitle", "") or ""),
        authors=_author_names(book.get("author")),
        chapters=chapters,
        output_file=str(book.get("output-file") or "book"),
        bibliography=[str(b) for b in _as_list(data.get("bibliography"))],
        echo=bool((data.get("execute") or {}).get("echo", True)),
        lang=str(data.get("lang") or "en"),
        mainfont=str(typst.get("mainfont") or DEFAULT_MAINFONT),
        papersize=str(typst.get("papersize") or "a4"),
    )
