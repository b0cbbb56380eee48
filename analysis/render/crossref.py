"""Quarto-style cross-references as pure passes over pandoc's JSON AST.

Chapters are numbered 1..N in book order (the `index` page and chapters whose H1 is
`.unnumbered` get no number); sections, tables and figures are numbered per chapter
("3.2", "Table 3.1"); citations whose key is a known `sec-`/`tbl-`/`fig-` label become links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from .ast_tools import attr, iter_nodes, splice_lists, str_inlines, stringify
from .errors import RenderError

CROSSREF_KEY = re.compile(r"^(sec|tbl|fig)-")
CAPTION_NAMES = {"tbl": "Table", "fig": "Figure"}
UNNUMBERED = {"unnumbered", "-"}
NUMBER_CLASS = "header-section-number"


@dataclass(frozen=True)
class Target:
    """A labelled heading, table or figure, and where it lives."""

    label: str
    chapter: str  # chapter file, e.g. chapters/03-data.ipynb
    page: str  # page stem, e.g. 03-data
    number: str  # "3", "3.2", "3.1"; "" when unnumbered
    title: str = ""  # heading text, used when the target has no number
    is_chapter: bool = False
    is_appendix: bool = False

    @property
    def kind(self) -> str:
        return self.label.split("-", 1)[0]

    def ref_text(self, number_only: bool = False) -> str:
        """Text of a reference to this target: "Table 3.1", "Section 3.2", "Chapter 3", or "3.1"."""
        if not self.number:
            return self.title or self.label
        if number_only:
            return self.number
        chapter_word = "Appendix" if self.is_appendix else "Chapter"
        name = chapter_word if self.is_chapter else CAPTION_NAMES.get(self.kind, "Section")
        return f"{name} {self.number}"


def is_crossref_key(key: str) -> bool:
    """True for keys Quarto treats as cross-references (`sec-`, `tbl-`, `fig-`)."""
    return bool(CROSSREF_KEY.match(key))


def first_h1(blocks: list) -> dict | None:
    """The first level-1 Header block, if any."""
    return next((b for b in blocks if b.get("t") == "Header" and b["c"][0] == 1), None)


def is_unnumbered(a: list) -> bool:
    return bool(UNNUMBERED & set(a[1]))


def chapter_numbers(
    chapters: list[tuple[str, list]], index_stem: str = "index", appendices: frozenset[str] | set[str] = frozenset()
) -> dict[str, int | str | None]:
    """Map chapter file -> chapter number (None for the index page and `.unnumbered` chapters).

    Chapters in `appendices` are lettered A, B, ... as Quarto letters a book's appendices.
    """
    numbers: dict[str, int | str | None] = {}
    n = letters = 0
    for chapter, blocks in chapters:
        h1 = first_h1(blocks)
        stem = chapter.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        if stem == index_stem or (h1 is not None and is_unnumbered(h1["c"][1])):
            numbers[chapter] = None
        elif chapter in appendices:
            numbers[chapter] = chr(ord("A") + letters)
            letters += 1
        else:
            n += 1
            numbers[chapter] = n
    return numbers


def _prefix_caption(blocks: list, prefix: str) -> None:
    """In place: start the first caption paragraph with `prefix` ("Table 3.1: ...")."""
    if not blocks or blocks[0].get("t") not in ("Plain", "Para"):
        blocks.insert(0, {"t": "Plain", "c": []})
    inlines = blocks[0]["c"]
    head = str_inlines(prefix + (":" if inlines else ""))
    blocks[0]["c"] = head + ([{"t": "Space"}] if inlines else []) + inlines


def _float_caption_blocks(node: dict) -> list | None:
    """Caption blocks of a Table/Figure, or the last paragraph of a Quarto `::: {#fig-x}` div."""
    if node["t"] in ("Table", "Figure"):
        return node["c"][1][1]
    if node["t"] == "Div" and node["c"][1] and node["c"][1][-1].get("t") in ("Para", "Plain"):
        return node["c"][1][-1:]
    return None


def number_chapter(blocks: list, chapter: str, page: str, number: int | str | None) -> list[Target]:
    """In place: number headings, prefix table/figure captions; return the chapter's targets."""
    targets: list[Target] = []
    counters = [0] * 6
    floats = {"tbl": 0, "fig": 0}
    seen_h1 = False
    for node in iter_nodes(blocks):
        t = node["t"]
        if t == "Header":
            level, a, inlines = node["c"]
            is_chapter_h1 = level == 1 and not seen_h1
            seen_h1 = seen_h1 or level == 1
            num = ""
            if number is not None and not is_unnumbered(a) and (level > 1 or is_chapter_h1):
                if level > 1:
                    counters[level - 2] += 1
                    counters[level - 1 :] = [0] * (6 - level + 1)
                num = ".".join([str(number), *map(str, counters[: level - 1])])
                node["c"][2] = [
                    {"t": "Span", "c": [attr("", [NUMBER_CLASS]), [{"t": "Str", "c": num}]]},
                    {"t": "Space"},
                    *inlines,
                ]
            if a[0].startswith("sec-"):
                targets.append(
                    Target(
                        a[0], chapter, page, num, stringify(inlines), is_chapter_h1, is_appendix=isinstance(number, str)
                    )
                )
        elif t in ("Table", "Figure", "Div") and CROSSREF_KEY.match(node["c"][0][0] or ""):
            label = node["c"][0][0]
            kind = label.split("-", 1)[0]
            caption = _float_caption_blocks(node)
            if kind == "sec" or caption is None:
                continue
            floats[kind] += 1
            num = f"{number}.{floats[kind]}" if number is not None else str(floats[kind])
            _prefix_caption(caption, f"{CAPTION_NAMES[kind]} {num}")
            targets.append(Target(label, chapter, page, num))
    return targets


def index_targets(targets: list[Target]) -> dict[str, Target]:
    """Label -> target; RenderError when a label is defined twice."""
    index: dict[str, Target] = {}
    for target in targets:
        if target.label in index:
            raise RenderError(
                f"{target.chapter}: label {target.label} is already defined in {index[target.label].chapter}"
            )
        index[target.label] = target
    return index


def _ref_link(target: Target, citation: dict, href: Callable[[Target], str]) -> list:
    number_only = citation["citationMode"]["t"] == "SuppressAuthor"
    link = {
        "t": "Link",
        "c": [attr("", ["quarto-xref"]), str_inlines(target.ref_text(number_only)), [href(target), ""]],
    }
    prefix = citation["citationPrefix"]
    return [*prefix, *([{"t": "Space"}] if prefix else []), link, *citation["citationSuffix"]]


def _bib_cite(citations: list) -> dict:
    literal = str_inlines(" ".join("@" + c["citationId"] for c in citations))
    return {"t": "Cite", "c": [citations, literal]}


def resolve_crossrefs(blocks: list, targets: dict[str, Target], href: Callable[[Target], str], chapter: str) -> None:
    """In place: replace cross-reference citations by links to `href(target)`.

    Other citations stay for citeproc. RenderError names the chapter and an unknown key.
    """

    def rewrite(node: dict) -> list | None:
        if node["t"] != "Cite" or not any(is_crossref_key(c["citationId"]) for c in node["c"][0]):
            return None
        pieces: list[list] = []
        pending: list = []
        for citation in node["c"][0]:
            key = citation["citationId"]
            if not is_crossref_key(key):
                pending.append(citation)
                continue
            if key not in targets:
                raise RenderError(
                    f"{chapter}: unresolved cross-reference @{key} (no heading, table or figure has this label)"
                )
            if pending:
                pieces.append([_bib_cite(pending)])
                pending = []
            pieces.append(_ref_link(targets[key], citation, href))
        if pending:
            pieces.append([_bib_cite(pending)])
        out: list = []
        for i, piece in enumerate(pieces):
            out += ([{"t": "Str", "c": ";"}, {"t": "Space"}] if i else []) + piece
        return out

    splice_lists(blocks, rewrite)


def citation_keys(blocks: list) -> list[str]:
    """Bibliography cite keys (not cross-references) in order of first use."""
    keys: dict[str, None] = {}
    for node in iter_nodes(blocks):
        if node["t"] == "Cite":
            for c in node["c"][0]:
                if not is_crossref_key(c["citationId"]):
                    keys.setdefault(c["citationId"], None)
    return list(keys)
