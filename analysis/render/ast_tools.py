"""Small helpers for pandoc's JSON AST (plain dicts and lists)."""

from __future__ import annotations

import unicodedata
from typing import Callable, Iterator

Node = dict


def str_inlines(text: str) -> list[Node]:
    """Inlines for plain text: words as `Str`, separated by `Space`."""
    out: list[Node] = []
    for i, word in enumerate(text.split(" ")):
        if i:
            out.append({"t": "Space"})
        if word:
            out.append({"t": "Str", "c": word})
    return out


def attr(identifier: str = "", classes: list[str] | None = None) -> list:
    """A pandoc Attr triple."""
    return [identifier, list(classes or []), []]


def iter_nodes(node) -> Iterator[Node]:
    """Every dict node under `node` (depth first, parents before children)."""
    if isinstance(node, dict):
        if "t" in node:
            yield node
        for value in node.values():
            yield from iter_nodes(value)
    elif isinstance(node, list):
        for item in node:
            yield from iter_nodes(item)


def splice_lists(node, fn: Callable[[Node], list | None]) -> None:
    """In place: replace each element `x` of every list under `node` by `fn(x)` when not None.

    Replacements are not visited again; unchanged elements are descended into.
    """
    if isinstance(node, dict):
        for value in node.values():
            splice_lists(value, fn)
    elif isinstance(node, list):
        i = 0
        while i < len(node):
            item = node[i]
            new = fn(item) if isinstance(item, dict) and "t" in item else None
            if new is None:
                splice_lists(item, fn)
                i += 1
            else:
                node[i : i + 1] = new
                i += len(new)


def stringify(node) -> str:
    """Plain text of inlines/blocks (like pandoc's `stringify`)."""
    if isinstance(node, list):
        return "".join(stringify(n) for n in node)
    if not isinstance(node, dict):
        return ""
    t, c = node.get("t"), node.get("c")
    if t == "Str":
        return c
    if t in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if t in ("Code", "Math"):
        return c[1]
    if t in ("Emph", "Strong", "Underline", "Strikeout", "SmallCaps", "Superscript", "Subscript", "Plain", "Para"):
        return stringify(c)
    if t in ("Span", "Link", "Image", "Quoted", "Cite"):
        return stringify(c[1] if t != "Quoted" else c[1])
    return stringify(c) if isinstance(c, list) else ""


def auto_column_widths(doc: dict) -> None:
    """In place: drop the relative column widths pandoc derives from a pipe table's dashes.

    Tables printed from pandas have separator lines as long as their longest cell, so a table with
    one long column gets near-zero widths for the others (text wrapped a character per line in the
    PDF). Default widths let HTML and typst size columns from their content.
    """
    for node in iter_nodes(doc["blocks"]):
        if node["t"] == "Table":
            for spec in node["c"][2]:
                spec[1] = {"t": "ColWidthDefault"}


def _cell_text(cell) -> str:
    return stringify(cell[4]).strip()


def display_width(text: str) -> int:
    """Width of `text` in Latin character cells (a CJK character takes two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _longest_unbreakable(text: str) -> int:
    """Width of the longest run that cannot wrap (a Latin word; CJK text wraps between characters)."""
    return max((display_width(w) if w.isascii() else 2 for w in text.split()), default=1)


def content_column_widths(doc: dict, wrap_at: int = 95) -> None:
    """In place (PDF): give each wide table relative column widths from its content.

    A table whose longest cells add up to more than `wrap_at` character cells (about a text line)
    must wrap. Each column first gets its longest word (so nothing overflows), then the rest of the
    line is shared by how much text each column holds beyond that, so short columns stay narrow and
    rows are fewer lines high than with equal shares.
    """
    for node in iter_nodes(doc["blocks"]):
        if node["t"] != "Table":
            continue
        specs, head, bodies = node["c"][2], node["c"][3], node["c"][4]
        rows = [r[1] for r in head[1]] + [r[1] for b in bodies for r in b[2] + b[3]]
        n = len(specs)
        if not rows or any(len(r) != n for r in rows):
            continue
        texts = [[_cell_text(r[j]) for r in rows] for j in range(n)]
        if sum(max(display_width(t) for t in col) for col in texts) <= wrap_at:
            continue
        floor = [min(max(_longest_unbreakable(t) for t in col), 20) + 2 for col in texts]
        mean = [sum(display_width(t) for t in col) / len(col) for col in texts]
        extra = [max(m - f, 0.0) for m, f in zip(mean, floor)]
        room = max(wrap_at - sum(floor), 0)
        widths = [f + (room * e / sum(extra) if sum(extra) else 0) for f, e in zip(floor, extra)]
        for spec, width in zip(specs, widths):
            spec[1] = {"t": "ColWidth", "c": width / sum(widths)}
