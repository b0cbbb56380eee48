"""Quarto callouts (`::: {.callout-tip collapse="true" title="Solution"}`) in the fallback renderer.

Quarto draws a callout as a titled box; `collapse="true"` folds it in HTML, and its PDF shows it open.
The same here: in HTML a collapsed callout becomes `<details>` (a folded exercise solution a reader
unfolds), any other a titled `<div>`; in the PDF every callout is an open titled box (the template's
`callout` function). The title is the `title` attribute, else the callout's first heading (which is
then not a section of the book), else the kind ("Tip", "Note", ...).
"""

from __future__ import annotations

import html

from .ast_tools import splice_lists, str_inlines, stringify

PREFIX = "callout-"


def _callout(node: dict) -> tuple[str, str, bool, list] | None:
    """(kind, title, collapsed, body blocks) of a callout Div, else None."""
    if node.get("t") != "Div":
        return None
    (_, classes, attrs), body = node["c"]
    kind = next((c[len(PREFIX) :] for c in classes if c.startswith(PREFIX)), None)
    if kind is None:
        return None
    attrs = dict(attrs)
    title = attrs.get("title")
    if title is None and body and body[0].get("t") == "Header":
        title, body = stringify(body[0]["c"][2]), body[1:]
    return kind, title or kind.capitalize(), attrs.get("collapse") == "true", body


def callouts_to_html(blocks: list) -> None:
    """In place (HTML): collapsed callouts become `<details>`, the others titled `<div>`s."""

    def wrap(node: dict) -> list | None:
        found = _callout(node)
        if found is None:
            return None
        kind, title, collapsed, body = found
        callouts_to_html(body)
        tag, head = ("details", "summary") if collapsed else ("div", "div")
        opening = (
            f'<{tag} class="callout callout-{html.escape(kind)}">'
            f'<{head} class="callout-title">{html.escape(title)}</{head}>'
        )
        return [{"t": "RawBlock", "c": ["html", opening]}, *body, {"t": "RawBlock", "c": ["html", f"</{tag}>"]}]

    splice_lists(blocks, wrap)


def callouts_to_typst(blocks: list) -> None:
    """In place (PDF): every callout, collapsed or not, becomes an open box `#callout[...]` whose first
    line is its title in bold (pandoc escapes the title's text)."""

    def wrap(node: dict) -> list | None:
        found = _callout(node)
        if found is None:
            return None
        _, title, _, body = found
        callouts_to_typst(body)
        heading = {"t": "Para", "c": [{"t": "Strong", "c": str_inlines(title)}]}
        return [{"t": "RawBlock", "c": ["typst", "#callout["]}, heading, *body, {"t": "RawBlock", "c": ["typst", "]"]}]

    splice_lists(blocks, wrap)
