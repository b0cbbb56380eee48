"""Small helpers for pandoc's JSON AST (plain dicts and lists)."""

from __future__ import annotations

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
                node[i:i + 1] = new
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
    if t in ("Emph", "Strong", "Underline", "Strikeout", "SmallCaps", "Superscript", "Subscript",
             "Plain", "Para"):
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
