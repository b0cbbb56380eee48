"""Write the PDF book: all chapters in one pandoc document -> typst -> PDF."""

from __future__ import annotations

import copy
import hashlib
import os
import re
import shutil
from pathlib import Path

from .ast_tools import content_column_widths, iter_nodes, str_inlines
from .book_config import BookConfig
from .callouts import callouts_to_typst
from .chapters import Chapter
from .code_cells import provenance_to_typst, select_code
from .crossref import Target, citation_keys, resolve_crossrefs
from .errors import RenderError
from .fonts import CJK_FALLBACK, require_fonts
from .links import resolve_file_links
from .pandoc import ast_to, memo, memo_store, missing_citations
from .typography import for_typst

TEMPLATE = Path(__file__).parent / "templates" / "book.typ"
CHAPTER_MARK = "// chapter: "
ATTR_POSITION = {
    "Header": 1,
    "CodeBlock": 0,
    "Div": 0,
    "Table": 0,
    "Figure": 0,
    "Span": 0,
    "Code": 0,
    "Link": 0,
    "Image": 0,
}


def pdf_href(target: Target) -> str:
    return f"#{target.label}"


def namespace_ids(blocks: list, prefix: str, keep: set[str]) -> None:
    """In place: prefix ids not in `keep` (and same-page links to them) so they stay unique book-wide."""
    renamed = {}
    for node in iter_nodes(blocks):
        pos = ATTR_POSITION.get(node["t"])
        if pos is not None:
            ident = node["c"][pos][0]
            if ident and ident not in keep:
                renamed[ident] = node["c"][pos][0] = f"{prefix}--{ident}"
    for node in iter_nodes(blocks):
        if node["t"] == "Link" and node["c"][2][0].startswith("#") and node["c"][2][0][1:] in renamed:
            node["c"][2][0] = "#" + renamed[node["c"][2][0][1:]]


def _meta_str(text: str) -> dict:
    return {"t": "MetaInlines", "c": str_inlines(text)}


def book_document(chapters: list[Chapter], targets: dict[str, Target], config: BookConfig, info=None) -> dict:
    """One document of all chapters, each preceded by a typst comment naming its file."""
    blocks: list = []
    keep = set(targets) | {"refs"}
    for chapter in chapters:
        chapter_blocks = copy.deepcopy(chapter.blocks)
        resolve_crossrefs(chapter_blocks, targets, pdf_href, chapter.path)
        resolve_file_links(chapter_blocks, targets, pdf_href, chapter.path)
        namespace_ids(chapter_blocks, chapter.stem, keep)
        select_code(chapter_blocks, config.pdf_echo)
        content_column_widths({"blocks": chapter_blocks})
        provenance_to_typst(chapter_blocks)
        callouts_to_typst(chapter_blocks)
        for_typst(chapter_blocks)
        if chapter.appendix and chapter is next(c for c in chapters if c.appendix):
            blocks.append({"t": "RawBlock", "c": ["typst", "#appendices-start()"]})
        blocks += [{"t": "RawBlock", "c": ["typst", CHAPTER_MARK + chapter.path]}, *chapter_blocks]
    meta = {"title": _meta_str(config.title)}
    if config.subtitle:
        meta["subtitle"] = _meta_str(config.subtitle)
    if config.authors:
        meta["author"] = {"t": "MetaList", "c": [_meta_str(a) for a in config.authors]}
    if config.abstract:
        meta["abstract"] = _meta_str(config.abstract)
    if info is not None:
        meta["date"] = _meta_str(info.started.strftime("%-d %B %Y"))
        meta["version"] = _meta_str(f"commit {info.commit}")
    first = chapters[0].doc if chapters else {"pandoc-api-version": [1, 23, 1, 1]}
    return {"pandoc-api-version": first["pandoc-api-version"], "meta": meta, "blocks": blocks}


def _typst_string(text: str) -> str:
    """Text safe inside a typst string literal."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def add_alt_texts(source: str, alt_texts: dict[str, str]) -> str:
    """Give each `image("href")` of the typst source its alt text (pandoc's typst writer drops it)."""
    for href, alt in alt_texts.items():
        source = source.replace(f'image("{href}")', f'image("{href}", alt: "{_typst_string(alt)}")')
    return source


def chapter_at_line(source: str, line: int) -> str | None:
    """The chapter whose typst source contains `line` (1-based), from the chapter marks."""
    found = None
    for n, text in enumerate(source.splitlines()[:line], start=1):
        if text.startswith(CHAPTER_MARK):
            found = text[len(CHAPTER_MARK) :].strip()
    return found


def _typst_error_chapter(source: str, diagnostic: str) -> str:
    match = re.search(r"\.typ:(\d+):\d+", diagnostic)
    chapter = chapter_at_line(source, int(match.group(1))) if match else None
    return chapter or "PDF"


def write_pdf_book(
    chapters: list[Chapter], targets: dict[str, Target], config: BookConfig, out_dir: Path, info=None
) -> Path:
    """Render `out_dir/<output-file>.pdf`; RenderError on missing fonts, citations or typst errors."""
    import typst  # optional heavy tool: imported only when a PDF is written

    font_dirs = require_fonts(list(dict.fromkeys([config.mainfont, CJK_FALLBACK])))
    doc = book_document(chapters, targets, config, info)
    args = [
        "--citeproc",
        f"--template={TEMPLATE}",
        "-V",
        f"papersize={config.papersize}",
        "-V",
        f"lang={config.lang}",
        "-V",
        "toc-depth=2",
        *[f"--bibliography={config.root / b}" for b in config.bibliography],
    ]
    for key, value in (
        ("title-meta", config.title),
        ("author-meta", ", ".join(config.authors)),
        ("description-meta", config.description or config.abstract),
        ("keywords-meta", ", ".join(config.keywords)),
    ):
        args += ["-V", f"{key}={_typst_string(value)}"]
    for font in dict.fromkeys([config.mainfont, CJK_FALLBACK]):
        args += ["-V", f"mainfont={font}"]
    source, stderr = ast_to(doc, "typst", args, what="PDF book")
    missing = missing_citations(stderr)
    if missing:
        where = {k: c.path for c in reversed(chapters) for k in citation_keys(c.blocks)}
        raise RenderError(
            "; ".join(f"{where.get(k, 'PDF book')}: citation key {k} not found in the bibliography" for k in missing)
        )
    typ = out_dir / f".{config.output_file}.typ"
    pdf = out_dir / f"{config.output_file}.pdf"
    source = add_alt_texts(source, {k: v for c in chapters for k, v in c.alt_texts.items()})
    typ.write_text(source, encoding="utf-8")
    stamp = os.environ.get("SOURCE_DATE_EPOCH", "")
    timestamp = int(stamp) if stamp.isdigit() else None  # fixed: byte-identical PDFs (build pipeline sets it)
    images = b"".join(
        f.relative_to(out_dir).as_posix().encode() + f.read_bytes()
        for f in sorted(out_dir.rglob("*"))
        if f.is_file() and f.suffix.lower() in (".png", ".svg", ".jpg")
    )
    hit, slot = memo(
        "typst " + typst.__version__,
        [str(timestamp), *map(str, font_dirs)],
        source.encode() + hashlib.sha256(images).digest(),
    )
    if hit is not None:  # the same typst source was typeset before: the same PDF
        shutil.copyfile(hit, pdf)
        typ.unlink()
        return pdf
    try:
        typst.compile(
            str(typ), output=str(pdf), root=str(out_dir), font_paths=[str(d) for d in font_dirs], timestamp=timestamp
        )
    except Exception as exc:  # typst.TypstError carries a diagnostic with file:line
        diagnostic = getattr(exc, "diagnostic", "") or str(exc)
        raise RenderError(
            f"{_typst_error_chapter(source, diagnostic)}: typst failed: {diagnostic} (typst source kept at {typ})"
        ) from exc
    typ.unlink()
    memo_store(slot, pdf.read_bytes())
    return pdf
