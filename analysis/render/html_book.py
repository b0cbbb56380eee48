"""Write the multi-page HTML book: one page per chapter, sidebar, prev/next, on-page TOC."""

from __future__ import annotations

import copy
import html
import shutil
from pathlib import Path
from string import Template

from .ast_tools import attr, iter_nodes, str_inlines, stringify
from .book_config import BookConfig
from .callouts import callouts_to_html
from .chapters import Chapter
from .code_cells import fold_code, select_code
from .crossref import Target, citation_keys, resolve_crossrefs
from .errors import RenderError
from .links import resolve_file_links
from .pandoc import ast_to, missing_citations, parallel_map
from .search import index_site
from .typography import drop_break_hints

TEMPLATES = Path(__file__).parent / "templates"
CSS_NAME = "assets/book.css"
# after citeproc, drops from a page's reference list the entries the page does not cite itself (they
# are there only through the book-wide `nocite`); the keys it keeps are in this metadata field
KEEP_FILTER = TEMPLATES / "keep_cited.lua"
KEEP_CITED = "redid-cited"
ASSETS = ("book.css", "book.js")


def citation_meta(config: BookConfig, info, page_title: str) -> str:
    """`citation_*` meta tags (Google Scholar / Zotero), as Quarto writes them from `citation:`."""
    cite = config.citation or {}
    tags = [
        ("citation_title", str(cite.get("title") or config.title)),
        *[("citation_author", a) for a in config.authors],
        ("citation_publication_date", info.started.strftime("%Y/%m/%d") if info else ""),
        ("citation_online_date", info.started.strftime("%Y/%m/%d") if info else ""),
        ("citation_publisher", str(cite.get("publisher") or "")),
        ("citation_pdf_url", f"{config.output_file}.pdf"),
        ("citation_language", config.lang),
        ("citation_technical_report_number", info.commit if info else ""),
        ("citation_abstract", config.abstract),
        ("description", config.abstract or config.description),
        ("dc.rights", config.license),
    ]
    return "\n".join(f'<meta name="{k}" content="{html.escape(v, quote=True)}">' for k, v in tags if v)


def tools_list(config: BookConfig) -> str:
    """Sidebar links to the PDF and the downloads."""
    return "\n".join(
        [
            f'<li><a href="{config.output_file}.pdf" download>PDF of the book</a></li>',
            '<li><a href="colophon.html#sec-app-downloads">Downloads: data, tables, notebooks</a></li>',
        ]
    )


def html_href(target: Target) -> str:
    """URL of a cross-reference target in the HTML book."""
    return f"{target.page}.html#{target.label}"


def has_refs_div(blocks: list) -> bool:
    return any(n["t"] == "Div" and n["c"][0][0] == "refs" for n in iter_nodes(blocks))


def nocite_meta(keys: list[str]) -> dict:
    """A `nocite` metadata value citing `keys` (puts them in the bibliography)."""
    citations = [
        {
            "citationId": k,
            "citationPrefix": [],
            "citationSuffix": [],
            "citationMode": {"t": "NormalCitation"},
            "citationNoteNum": 0,
            "citationHash": 0,
        }
        for k in keys
    ]
    return {"t": "MetaInlines", "c": [{"t": "Cite", "c": [citations, str_inlines("@" + " @".join(keys))]}]}


def page_toc(blocks: list, max_level: int = 3) -> str:
    """Nested list of links to the page's level-2.. headings."""
    items = [
        (b["c"][0], b["c"][1][0], stringify(b["c"][2]))
        for b in blocks
        if b.get("t") == "Header" and 2 <= b["c"][0] <= max_level and b["c"][1][0]
    ]
    if not items:
        return ""
    out, depth = ["<h2>On this page</h2>"], 1
    out.append("<ul>")
    for level, ident, text in items:
        want = level - 1
        while depth < want:
            out.append("<ul>")
            depth += 1
        while depth > want:
            out.append("</ul>")
            depth -= 1
        out.append(f'<li><a href="#{html.escape(ident)}">{html.escape(text)}</a></li>')
    out.append("</ul>" * depth)
    return "\n".join(out)


def _chapter_label(chapter: Chapter) -> str:
    num = f'<span class="chapter-number">{chapter.number}</span> ' if chapter.number else ""
    return num + html.escape(chapter.title)


def chapter_list(chapters: list[Chapter], current: Chapter) -> str:
    active = ' class="active" aria-current="page"'
    return "\n".join(
        f'<li><a href="{c.stem}.html"{active if c is current else ""}>{_chapter_label(c)}</a></li>' for c in chapters
    )


def prev_next(chapters: list[Chapter], i: int) -> str:
    prev = (
        f'<a class="prev" rel="prev" href="{chapters[i - 1].stem}.html">← {_chapter_label(chapters[i - 1])}</a>'
        if i > 0
        else "<span></span>"
    )
    nxt = (
        f'<a class="next" rel="next" href="{chapters[i + 1].stem}.html">{_chapter_label(chapters[i + 1])} →</a>'
        if i + 1 < len(chapters)
        else "<span></span>"
    )
    return prev + "\n" + nxt


def chapter_body(chapter: Chapter, targets: dict[str, Target], all_keys: list[str]) -> dict:
    """The chapter's document ready for citeproc: cross-refs linked, reference list placed, and every
    citation of the book in `nocite`, so that labels (e.g. "2009a"/"2009b") are the same on every page."""
    doc = copy.deepcopy(chapter.doc)
    resolve_crossrefs(doc["blocks"], targets, html_href, chapter.path)
    resolve_file_links(doc["blocks"], targets, html_href, chapter.path)
    if all_keys:
        doc["meta"]["nocite"] = nocite_meta(all_keys)
    if not has_refs_div(doc["blocks"]) and citation_keys(doc["blocks"]):
        doc["blocks"] += [
            {"t": "Header", "c": [2, attr("references", ["unnumbered"]), str_inlines("References")]},
            {"t": "Div", "c": [attr("refs", ["references", "csl-bib-body"]), []]},
        ]
    return doc


def meta_string(text: str) -> dict:
    return {"t": "MetaString", "c": text}


def write_html_book(
    chapters: list[Chapter], targets: dict[str, Target], config: BookConfig, out_dir: Path, info=None
) -> list[Path]:
    """Write `<stem>.html` for every chapter (index.qmd -> index.html), the assets and the search
    index; return paths."""
    template = Template((TEMPLATES / "page.html").read_text(encoding="utf-8"))
    css = out_dir / CSS_NAME
    css.parent.mkdir(parents=True, exist_ok=True)
    for name in ASSETS:
        shutil.copyfile(TEMPLATES / name, css.parent / name)
    all_keys = list(dict.fromkeys(k for c in chapters for k in citation_keys(c.blocks)))
    bib_args = [f"--bibliography={config.root / b}" for b in config.bibliography]
    meta_tags = citation_meta(config, info, "")

    def write_page(i: int) -> Path:
        chapter = chapters[i]
        doc = chapter_body(chapter, targets, all_keys)
        select_code(doc["blocks"], config.html_echo)
        drop_break_hints(doc["blocks"])
        fold_code(doc["blocks"], config.code_fold, config.code_summary)
        callouts_to_html(doc["blocks"])
        if not has_refs_div(chapter.blocks):  # the references page lists the whole book
            doc["meta"][KEEP_CITED] = {"t": "MetaList", "c": [meta_string(k) for k in citation_keys(chapter.blocks)]}
        # one pandoc run: citeproc, then the filter that keeps the page's own references, then HTML
        args = ["--citeproc", "-M", "link-citations=true", *bib_args, f"--lua-filter={KEEP_FILTER}"]
        body, stderr = ast_to(doc, "html5", [*args, "--mathml", "--wrap=none"], what=chapter.path)
        missing = missing_citations(stderr)
        if missing:
            raise RenderError(f"{chapter.path}: citation key(s) not found in the bibliography: " + ", ".join(missing))
        page = template.substitute(
            lang=html.escape(config.lang),
            book_title=html.escape(config.title),
            page_title=html.escape(chapter.title),
            chapter_list=chapter_list(chapters, chapter),
            body=body,
            prev_next=prev_next(chapters, i),
            page_toc=page_toc(doc["blocks"]),
            meta_tags=meta_tags,
            tools=tools_list(config),
        )
        path = out_dir / f"{chapter.stem}.html"
        path.write_text(page, encoding="utf-8")
        return path

    written = [css, *parallel_map(write_page, range(len(chapters)))]
    index_site(out_dir)
    return written
