"""Per-format handling of code-cell sources (`.cell-code` blocks) and provenance divs."""

from __future__ import annotations

import html

from .ast_tools import splice_lists
from .notebook_markdown import ECHO_ATTR
from .provenance import PROVENANCE_CLASS

CODE_CLASS = "cell-code"


def _is_code(node: dict) -> bool:
    return node.get("t") == "CodeBlock" and CODE_CLASS in node["c"][0][1]


def _attr(node: dict, key: str) -> str | None:
    return dict(node["c"][0][2]).get(key)


def select_code(blocks: list, echo: bool) -> None:
    """In place: drop the cell sources the format does not show (`echo` of the format, unless the
    cell itself said `echo: true`), as Quarto merges cell, format and project options."""

    def keep(node: dict) -> list | None:
        if _is_code(node) and not echo and _attr(node, ECHO_ATTR) != "true":
            return []
        return None

    splice_lists(blocks, keep)


def fold_code(blocks: list, fold: bool, summary: str = "Code") -> None:
    """In place (HTML): wrap each cell source in `<details>` as Quarto's `code-fold` does.

    A cell's own `code-fold` ("true", "false", "show") overrides the format's setting.
    """

    def wrap(node: dict) -> list | None:
        if not _is_code(node):
            return None
        cell_fold = _attr(node, "code-fold")
        folded = fold if cell_fold is None else cell_fold in ("true", "show")
        if not folded:
            return [{"t": "Div", "c": [["", ["code-cell"], []], [node]]}]
        opened = " open" if cell_fold == "show" else ""
        return [
            {
                "t": "RawBlock",
                "c": ["html", f'<details class="code-fold"{opened}><summary>{html.escape(summary)}</summary>'],
            },
            node,
            {"t": "RawBlock", "c": ["html", "</details>"]},
        ]

    splice_lists(blocks, wrap)


def provenance_to_typst(blocks: list) -> None:
    """In place (PDF): a provenance div becomes a call of the template's `provenance` function."""

    def wrap(node: dict) -> list | None:
        if node.get("t") == "Div" and PROVENANCE_CLASS in node["c"][0][1]:
            return [
                {"t": "RawBlock", "c": ["typst", "#provenance["]},
                *node["c"][1],
                {"t": "RawBlock", "c": ["typst", "]"]},
            ]
        return None

    splice_lists(blocks, wrap)
