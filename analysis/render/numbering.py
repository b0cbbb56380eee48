"""Apply the cross-reference numbering to a whole book."""

from __future__ import annotations

from .chapters import Chapter
from .crossref import Target, chapter_numbers, index_targets, number_chapter
from .errors import RenderError


def number_book(chapters: list[Chapter]) -> dict[str, Target]:
    """In place: number chapters, sections, tables, figures; return label -> target.

    RenderError when a cell declares a `tbl-`/`fig-` label that no table/figure received
    (e.g. a `tbl-` cell whose output is not a markdown table).
    """
    numbers = chapter_numbers(
        [(c.path, c.blocks) for c in chapters], appendices={c.path for c in chapters if c.appendix}
    )
    found = []
    for chapter in chapters:
        chapter.number = numbers[chapter.path]
        found += number_chapter(chapter.blocks, chapter.path, chapter.stem, chapter.number)
    targets = index_targets(found)
    for chapter in chapters:
        for label, cell in chapter.cell_labels.items():
            if label not in targets:
                kind = (
                    "markdown table (text/markdown) with tbl-cap" if label.startswith("tbl-") else "image with fig-cap"
                )
                raise RenderError(
                    f"{chapter.path}: cell {cell}: label {label} is declared but the "
                    f"cell has no {kind} output to attach it to"
                )
    return targets
