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
    echo: bool = True  # execute.echo: the default of every format
    html_echo: bool = True  # format.html.echo (else execute.echo), as Quarto merges them
    pdf_echo: bool = True  # format.typst.echo (else execute.echo)
    code_fold: bool = False  # format.html.code-fold
    code_summary: str = "Code"
    lang: str = "en"
    mainfont: str = DEFAULT_MAINFONT
    papersize: str = "a4"
    appendices: list[str] = field(default_factory=list)
    abstract: str = ""
    description: str = ""  # PDF subject
    keywords: list[str] = field(default_factory=list)
    citation: dict = field(default_factory=dict)
    license: str = ""

    def chapter_stem(self, chapter: str) -> str:
        """Page name of a chapter: `chapters/03-data.ipynb` -> `03-data`."""
        return Path(chapter).stem

    @property
    def all_chapters(self) -> list[str]:
        """Chapters then appendices, in book order."""
        return [*self.chapters, *self.appendices]


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _author_names(value) -> list[str]:
    return [a.get("name", "") if isinstance(a, dict) else str(a) for a in _as_list(value)]


def _chapter_files(value) -> list[str]:
    """Files of a chapter list; a Quarto `part:` entry contributes its own file and its chapters."""
    files: list[str] = []
    for item in _as_list(value):
        if isinstance(item, dict):
            files += [str(item["part"])] if str(item.get("part", "")).endswith((".qmd", ".md")) else []
            files += _chapter_files(item.get("chapters"))
        else:
            files.append(str(item))
    return files


def _echo(section: dict, default: bool) -> bool:
    value = section.get("echo", default)
    return value is not False


def load_config(project_root: Path) -> BookConfig:
    """Parse `<project_root>/_quarto.yml`; RenderError if it is missing or has no chapters."""
    path = Path(project_root) / "_quarto.yml"
    if not path.is_file():
        raise RenderError(f"_quarto.yml not found in {project_root}")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    book = data.get("book") or {}
    chapters = _chapter_files(book.get("chapters"))
    if not chapters:
        raise RenderError(f"{path}: book.chapters is empty")
    formats = data.get("format") or {}
    typst = formats.get("typst") or {}
    html = formats.get("html") or {}
    echo = _echo(data.get("execute") or {}, True)
    return BookConfig(
        root=Path(project_root),
        title=str(book.get("title", "")),
        subtitle=str(book.get("subtitle", "") or ""),
        authors=_author_names(book.get("author")),
        chapters=chapters,
        appendices=_chapter_files(book.get("appendices")),
        output_file=str(book.get("output-file") or "book"),
        bibliography=[str(b) for b in _as_list(data.get("bibliography"))],
        echo=echo,
        html_echo=_echo(html, echo),
        pdf_echo=_echo(typst, echo),
        code_fold=bool(html.get("code-fold", False)),
        code_summary=str(html.get("code-summary") or "Code"),
        lang=str(data.get("lang") or "en"),
        mainfont=str(typst.get("mainfont") or DEFAULT_MAINFONT),
        papersize=str(typst.get("papersize") or "a4"),
        abstract=" ".join(str(book.get("abstract") or data.get("abstract") or "").split()),
        description=" ".join(str(book.get("description") or data.get("description") or "").split()),
        keywords=[str(k) for k in _as_list(data.get("keywords") or book.get("keywords"))],
        citation=data.get("citation") if isinstance(data.get("citation"), dict) else {},
        license=str(data.get("license") or ""),
    )
