"""Links to a heading in another page of the book, written as Quarto writes them:
`[fixed effects](../appendices/glossary.qmd#sec-gl-fixed-effects)` (the source file, then the
heading's id). Quarto resolves them itself; the fallback renderer rewrites each to the page of the
HTML book (`glossary.html#sec-...`) or to the label in the one-document PDF (`#sec-...`).
"""

from __future__ import annotations

import re
from typing import Callable

from .ast_tools import iter_nodes
from .crossref import Target
from .errors import RenderError

FILE_LINK = re.compile(r"^(?!\w+://)(?:[^#]*/)?[^/#]+\.(?:qmd|ipynb|md)#(?P<label>sec-[\w-]+)$")


def resolve_file_links(blocks: list, targets: dict[str, Target], href: Callable[[Target], str], chapter: str) -> None:
    """In place: point every `file.qmd#sec-label` link at `href(target)`; RenderError naming the
    chapter and the label when no heading has it."""
    for node in iter_nodes(blocks):
        if node["t"] != "Link":
            continue
        match = FILE_LINK.match(node["c"][2][0])
        if match is None:
            continue
        label = match.group("label")
        if label not in targets:
            raise RenderError(f"{chapter}: link to #{label}, which no heading of the book has")
        node["c"][2][0] = href(targets[label])
