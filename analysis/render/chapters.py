"""Load every chapter of the book as a pandoc AST document."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .ast_tools import attr, auto_column_widths, stringify
from .book_config import BookConfig
from .crossref import first_h1
from .errors import RenderError
from .notebook_markdown import notebook_to_markdown
from .pandoc import markdown_to_ast, parallel_map
from .typography import typeset

FIGURES_DIR = "figures"


@dataclass
class Chapter:
    """One chapter: its file as listed in `_quarto.yml`, page stem and pandoc AST."""

    path: str
    doc: dict
    cell_labels: dict[str, int] = field(default_factory=dict)
    figures: list[Path] = field(default_factory=list)
    number: int | str | None = None
    title: str = ""
    appendix: bool = False
    alt_texts: dict[str, str] = field(default_factory=dict)  # image href -> alt text

    @property
    def stem(self) -> str:
        return Path(self.path).stem

    @property
    def blocks(self) -> list:
        return self.doc["blocks"]


def _title_heading(doc: dict) -> None:
    """In place: a chapter with a YAML `title` and no H1 gets the title as its H1 (as Quarto does)."""
    title = doc.get("meta", {}).get("title")
    if title and first_h1(doc["blocks"]) is None:
        inlines = title["c"] if title["t"] == "MetaInlines" else [{"t": "Str", "c": str(title["c"])}]
        doc["blocks"].insert(0, {"t": "Header", "c": [1, attr(), inlines]})


def _executed_path(chapter: str, executed: dict) -> Path:
    lookup = {str(Path(k)): Path(v) for k, v in executed.items()}
    path = lookup.get(str(Path(chapter)))
    if path is None:
        raise RenderError(f"{chapter}: no executed notebook was given for this chapter")
    if not path.is_file():
        raise RenderError(f"{chapter}: executed notebook {path} does not exist")
    return path


def load_chapter(
    config: BookConfig,
    chapter: str,
    executed: dict,
    out_dir: Path,
    provenance=None,
    generated: dict[str, str] | None = None,
) -> Chapter:
    """Read a `.qmd` from the project (or its generated text) or convert the executed copy of an
    `.ipynb` chapter (with provenance lines when `provenance` is given)."""
    alt_texts: dict[str, str] = {}
    if chapter.endswith(".ipynb"):
        converted = notebook_to_markdown(
            _executed_path(chapter, executed), chapter, out_dir / FIGURES_DIR, FIGURES_DIR, provenance=provenance
        )
        markdown, labels, figures = converted.markdown, converted.cell_labels, converted.figures
        alt_texts = converted.alt_texts
    elif generated and chapter in generated:
        markdown, labels, figures = generated[chapter], {}, []
    else:
        source = config.root / chapter
        if not source.is_file():
            raise RenderError(f"{chapter}: chapter file not found in {config.root}")
        markdown, labels, figures = source.read_text(encoding="utf-8"), {}, []
    doc = markdown_to_ast(markdown, what=chapter)
    auto_column_widths(doc)
    typeset(doc)
    _title_heading(doc)
    h1 = first_h1(doc["blocks"])
    return Chapter(
        chapter,
        doc,
        labels,
        figures,
        title=stringify(h1["c"][2]) if h1 else Path(chapter).stem,
        appendix=chapter in config.appendices,
        alt_texts=alt_texts,
    )


def load_chapters(
    config: BookConfig, executed: dict, out_dir: Path, provenance=None, generated: dict[str, str] | None = None
) -> list[Chapter]:
    """All chapters then appendices, in book order (converted in parallel)."""
    return parallel_map(
        lambda chapter: load_chapter(config, chapter, executed, out_dir, provenance, generated), config.all_chapters
    )
