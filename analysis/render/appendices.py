"""Appendix pages written at render time from the project's files and the build: data sources
(`data/sources.yaml`), modelling assumptions about the paper (`data/paper/README.md`), colophon
(versions from `requirements.lock`, commit, date, build time) and the list of downloads."""

from __future__ import annotations

import os
import platform
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import yaml

from .errors import RenderError

SOURCES = Path("data") / "sources.yaml"
PAPER_README = Path("data") / "paper" / "README.md"
LOCK = Path("requirements.lock")
PAGES = {
    "data-sources": "appendices/data-sources.qmd",
    "assumptions": "appendices/assumptions.qmd",
    "colophon": "appendices/colophon.qmd",
}
ASSUMPTION_SECTIONS = ("Ambiguities resolved", "Points left open")
KEY_PACKAGES = (
    "pandas",
    "numpy",
    "statsmodels",
    "matplotlib",
    "papermill",
    "nbformat",
    "pooch",
    "pandera",
    "PyYAML",
    "pypandoc-binary",
    "pypandoc_binary",
    "typst",
    "pagefind-bin",
    "pagefind_bin",
    "pytest",
)


@dataclass(frozen=True)
class BuildInfo:
    """Facts about this build that the colophon prints."""

    commit: str
    started: datetime = field(default_factory=lambda: build_date())
    seconds: float | None = None  # data + chapters, measured by the pipeline before rendering
    python: str = field(default_factory=platform.python_version)
    machine: str = field(default_factory=lambda: f"{platform.system()} {platform.machine()}")


MARKDOWN_SPECIAL = re.compile(r"([\\`*_<>\[\]$@|#~^])")


def build_date() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when the build sets it (reproducible output: the last commit's time)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    return datetime.fromtimestamp(int(epoch), timezone.utc) if epoch.isdigit() else datetime.now(timezone.utc)


def _cell(value) -> str:
    """Plain text as one markdown table cell: no line breaks, markdown characters escaped."""
    text = " ".join(str(value if value is not None else "").split())
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _url(value) -> str:
    text = " ".join(str(value or "").split())
    return f"<{text}>" if text.startswith("http") and " " not in text else (_cell(text) or "—")


def data_sources_page(project_root: Path) -> str:
    """Markdown of every input declared in `data/sources.yaml`: one subsection each."""
    path = Path(project_root) / SOURCES
    if not path.is_file():
        raise RenderError(f"{SOURCES}: not found (the data-sources appendix is rendered from it)")
    inputs = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("inputs") or []
    out = [
        "# Data sources {#sec-app-data-sources}",
        "",
        f"Every raw input of the book, as declared in `{SOURCES}`. Each file is downloaded from its pinned "
        "URL (or copied from the offline mirror) and refused unless its sha256 matches. The pinned URL is a "
        "byte-identical public copy of the file at a fixed commit, most often in a third party's repository "
        "(the *hosting repository* below). "
        "Third-party data keep their own terms, listed here under *licence*.",
        "",
        "| input | publisher | licence |",
        "|:--|:--|:--|",
    ]
    out += [
        # the id as text, unbroken: the PDF's column widths then give it its longest word (code font would
        # keep a fixed width and spill into the next column); it copies as the id
        f"| [{_cell(i['id'])}](#sec-src-{i['id']}) | {_cell(i.get('publisher'))} | {_cell(i.get('licence'))} |"
        for i in inputs
    ]
    for i in inputs:
        series = i.get("series") or {}
        units = sorted({_cell(s.get("unit")) for s in series.values() if isinstance(s, dict) and s.get("unit")})
        rows = [
            ("title", _cell(i.get("title"))),
            ("publisher", _cell(i.get("publisher"))),
            ("pinned URL", _url(i.get("url")) if i.get("url") else "none (mirror only)"),
            ("publisher URL", _cell(i.get("publisher_url"))),
            ("licence", _cell(i.get("licence"))),
            ("sha256", f"`{i.get('sha256', '')}`"),
            ("vintage", _cell(i.get("vintage"))),
            ("frequency", _cell(i.get("frequency"))),
            ("used for", _cell("; ".join(map(str, i.get("variables") or [])))),
            ("units", "; ".join(units) or "—"),
            ("why this source", _cell(i.get("choice"))),
            ("caveats", _cell(i.get("caveats"))),
        ]
        out += ["", f"## `{i['id']}` {{#sec-src-{i['id']}}}", "", "| | |", "|:--|:--|"]
        out += [f"| {k} | {v or '—'} |" for k, v in rows]
    return "\n".join(out) + "\n"


def _sections(markdown: str, titles: tuple[str, ...]) -> list[tuple[str, str]]:
    """(title, body) of the level-2 sections of `markdown` whose title is in `titles`."""
    parts = re.split(r"(?m)^## +(.+?)\s*$", markdown)
    found = [(parts[i].strip(), parts[i + 1].strip()) for i in range(1, len(parts) - 1, 2)]
    return [(t, b) for t, b in found if t in titles]


def assumptions_page(project_root: Path) -> str:
    """The modelling assumptions about the paper (A1–A14 and the open points) from `data/paper/README.md`."""
    path = Path(project_root) / PAPER_README
    if not path.is_file():
        raise RenderError(f"{PAPER_README}: not found (the assumptions appendix is rendered from it)")
    sections = _sections(path.read_text(encoding="utf-8"), ASSUMPTION_SECTIONS)
    if not sections:
        raise RenderError(f"{PAPER_README}: no section named {' or '.join(ASSUMPTION_SECTIONS)}")
    out = [
        "# Modelling assumptions about the paper {#sec-app-assumptions}",
        "",
        "The paper's tables leave some readings open: which column a printed row belongs to, what an "
        "unlabelled column is, how a number split across lines is read. These are the readings this book "
        f"takes, numbered as in `{PAPER_README}`, where the paper's values are transcribed.",
    ]
    for title, body in sections:
        out += ["", f"## {title}", "", body]
    return "\n".join(out) + "\n"


def locked_versions(project_root: Path) -> dict[str, str]:
    """Package -> version pinned in `requirements.lock`."""
    path = Path(project_root) / LOCK
    if not path.is_file():
        return {}
    pins = (line.split("==", 1) for line in path.read_text().splitlines() if "==" in line and not line.startswith("#"))
    return {name.strip(): version.strip() for name, version in pins}


def colophon_page(project_root: Path, info: BuildInfo, downloads: list[tuple[str, str]], href_prefix: str = "") -> str:
    """Software, commit, date and build time, then the downloads (`(href, description)`; a folder's
    description is a list of (href, name), written as one row of links)."""
    versions = locked_versions(project_root)
    key = [(p, versions[p]) for p in KEY_PACKAGES if p in versions]
    if os.environ.get("SOURCE_DATE_EPOCH"):  # reproducible output: nothing that changes between builds
        took = (
            "printed by each build (`python -m analysis build`) and measured by "
            "`scripts/benchmark_build.py`; not stored here, so that a rebuild gives the same bytes"
        )
    elif info.seconds is not None:
        took = f"{info.seconds:.0f} s for the data and chapter steps (rendering not included)"
    else:
        took = "not measured (rendered outside `python -m analysis build`)"
    out = [
        "# Colophon {#sec-app-colophon}",
        "",
        "| | |",
        "|:--|:--|",
        f"| commit | `{info.commit}` |",
        f"| {'date (of the last commit)' if os.environ.get('SOURCE_DATE_EPOCH') else 'built'} | "
        f"{info.started.strftime('%Y-%m-%d %H:%M UTC')} |",
        f"| build time | {took} |",
        f"| Python | {info.python} ({info.machine}) |",
        f"| packages | {len(versions)} pinned in `requirements.lock`; the main ones below |",
        "",
        "| package | version |",
        "|:--|:--|",
    ]
    out += [f"| {p} | {v} |" for p, v in key]
    out += [
        "",
        "Fonts: Libertinus Serif (Latin, built into typst) and Noto Serif CJK SC (Chinese, Debian "
        "`fonts-noto-cjk`). Figures are drawn with matplotlib as SVG.",
        "",
        "## Downloads {#sec-app-downloads}",
        "",
        "Everything a referee needs to go from a number to code and data, in this book's `downloads/` folder.",
        "",
        "| file | what |",
        "|:--|:--|",
    ]
    for href, what in downloads:
        if isinstance(what, list):  # a folder: one link per file, by its reader's name
            links = " · ".join(f"[{_cell(name)}]({href_prefix}{h})" for h, name in what)
            first = "executed notebooks" if "notebooks" in href else "each table's data (CSV)"
            out.append(f"| `{href}` | {first}: {links} |")
        else:
            out.append(f"| [`{Path(href).name}`]({href_prefix}{href}) | {_cell(what)} |")
    return "\n".join(out) + "\n"


def generated_pages(config) -> dict[str, str]:
    """Appendix pages whose text is made from project files (only those `_quarto.yml` lists)."""
    makers = {PAGES["data-sources"]: data_sources_page, PAGES["assumptions"]: assumptions_page}
    return {page: make(config.root) for page, make in makers.items() if page in config.all_chapters}
