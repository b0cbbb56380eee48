"""Executed notebook -> pandoc markdown, following Quarto's cell options."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .cell_options import split_cell_options
from .errors import RenderError
from .provenance import provenance_markdown

DROP_TAGS = {"injected-parameters", "remove-cell"}
CROSSREF_LABEL = re.compile(r"^(tbl|fig)-")
IMAGE_TYPES = {"image/svg+xml": "svg", "image/png": "png"}  # vector first, as Quarto prefers it
ECHO_ATTR = "echo"  # on code blocks: "default" (the format's echo decides) or "true" (the cell says so)


@dataclass
class ChapterMarkdown:
    """Markdown of one chapter plus the cross-reference labels its cells declare."""

    markdown: str
    cell_labels: dict[str, int] = field(default_factory=dict)  # label -> cell index
    figures: list[Path] = field(default_factory=list)
    alt_texts: dict[str, str] = field(default_factory=dict)  # image href -> alt text


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def fenced(text: str, classes: str) -> str:
    """A fenced code block whose fence is longer than any backtick run in `text`."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{classes}\n{text.rstrip()}\n{fence}"


def _one_line(value) -> str:
    return " ".join(_text(value).split())


def code_block(code: str, options: dict, language: str) -> str:
    """The fenced source of a cell as Quarto shows it; its `echo` attribute says who decided to show it."""
    echo = options.get("echo")
    shown = code
    if echo == "fenced":
        lines = [f"#| {k}: {v}" for k, v in options.items() if k != "echo"]
        shown = "\n".join([*lines, code])
    attrs = f'{ECHO_ATTR}="{"default" if echo is None else "true"}"'
    fold = options.get("code-fold")
    if fold is not None:
        attrs += f' code-fold="{str(fold).lower()}"'
    return fenced(shown, f" {{.{language} .cell-code {attrs}}}")


class _ChapterWriter:
    def __init__(
        self,
        chapter: str,
        figures_dir: Path,
        figures_href: str,
        language: str,
        provenance=None,
        registry: dict | None = None,
    ):
        self.chapter = chapter
        self.stem = Path(chapter).stem
        self.figures_dir = figures_dir
        self.figures_href = figures_href.rstrip("/")
        self.language = language
        self.provenance = provenance
        self.registry = registry or {}
        self.result = ChapterMarkdown(markdown="")

    def where(self, index: int) -> str:
        return f"{self.chapter}: cell {index}"

    def write_image(self, mime: str, data) -> str:
        n = len(self.result.figures) + 1
        name = f"{self.stem}-{n}.{IMAGE_TYPES[mime]}"
        path = self.figures_dir / name
        self.figures_dir.mkdir(parents=True, exist_ok=True)
        if mime == "image/png":
            path.write_bytes(base64.b64decode(_text(data)))
        else:
            path.write_text(_text(data), encoding="utf-8")
        self.result.figures.append(path)
        return f"{self.figures_href}/{name}"

    def display(self, data: dict, options: dict, state: dict) -> str | None:
        """Markdown for one display_data/execute_result output (Quarto's mime preference)."""
        label = str(options.get("label", ""))
        if "text/markdown" in data:
            md = _text(data["text/markdown"]).strip()
            if "tbl-cap" in options and not state.get("table_done"):
                state["table_done"] = True
                ident = f" {{#{label}}}" if label.startswith("tbl-") else ""
                md += f"\n\n: {_one_line(options['tbl-cap'])}{ident}"
            return md
        for mime in IMAGE_TYPES:
            if mime in data:
                href = self.write_image(mime, data[mime])
                cap = _one_line(options.get("fig-cap", ""))
                alt = figure_alt(options, self.registry.get(label, {}))
                if alt:
                    self.result.alt_texts[href] = alt
                alt_attr = ' alt="{}"'.format(alt.replace('"', "&quot;")) if alt else ""
                if cap and not state.get("figure_done"):
                    state["figure_done"] = True
                    ident = f"#{label}" if label.startswith("fig-") else ""
                    return f"![{cap}]({href}){{{ident}{alt_attr}}}"
                # a trailing backslash-space keeps pandoc from making an uncaptioned figure
                return f"![{alt}]({href})\\ "
        if "text/plain" in data:
            text = _text(data["text/plain"])
            return text if options.get("output") == "asis" else fenced(text, " {.cell-output}")
        return None

    def code_cell(self, index: int, cell) -> list[str]:
        try:
            options, code = split_cell_options(cell.source)
        except ValueError as exc:
            raise RenderError(f"{self.where(index)}: invalid `#|` options: {exc}") from exc
        tags = set(cell.get("metadata", {}).get("tags", []))
        if options.get("include") is False or tags & DROP_TAGS:
            return []
        label = str(options.get("label", ""))
        if CROSSREF_LABEL.match(label):
            self.result.cell_labels[label] = index
        parts = []
        if options.get("echo") is not False and "remove-input" not in tags and code.strip():
            parts.append(code_block(code, options, self.language))
        show_output = options.get("output", True) is not False and "remove-output" not in tags
        state: dict = {}
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error":
                raise RenderError(
                    f"{self.where(index)}: the executed notebook holds an error output: "
                    f"{output.get('ename', '')}: {output.get('evalue', '')}"
                )
            if not show_output:
                continue
            if kind == "stream" and output.get("name") == "stdout":
                parts.append(fenced(_text(output.get("text", "")), " {.cell-output .cell-output-stdout}"))
            elif kind in ("display_data", "execute_result"):
                md = self.display(output.get("data", {}), options, state)
                if md:
                    parts.append(md)
        if self.provenance is not None and (state.get("table_done") or state.get("figure_done")):
            exhibit = self.provenance.exhibit(self.chapter, label, index, code)
            parts.append(provenance_markdown(exhibit))
        return parts


def figure_alt(options: dict, record: dict) -> str:
    """Alt text of a figure: the cell's `fig-alt`, else the exhibit registry's `alt`."""
    return _one_line(options.get("fig-alt") or record.get("alt") or record.get("fig-alt") or "")


def notebook_to_markdown(
    notebook: Path, chapter: str, figures_dir: Path, figures_href: str = "figures", provenance=None
) -> ChapterMarkdown:
    """Convert an executed notebook to pandoc markdown.

    Every code cell not marked `echo: false` keeps its source as a `.cell-code` block; the writers
    drop or fold those blocks per format (see `ECHO_ATTR`). Images are written to
    `figures_dir/<chapter-stem>-<n>.<ext>` and linked as `<figures_href>/<name>`. With a
    `provenance.Provenance`, each captioned table or figure is followed by its provenance line.
    Raises RenderError (naming chapter and cell) on error outputs.
    """
    try:
        nb = nbformat.read(str(notebook), as_version=4)
    except Exception as exc:  # unreadable / not JSON
        raise RenderError(f"{chapter}: cannot read notebook {notebook}: {exc}") from exc
    language = (nb.metadata.get("kernelspec", {}) or {}).get("language") or "python"
    registry = provenance.registry if provenance is not None else {}
    writer = _ChapterWriter(chapter, Path(figures_dir), figures_href, language, provenance, registry)
    blocks: list[str] = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type in ("markdown", "raw"):
            blocks.append(cell.source)
        elif cell.cell_type == "code":
            blocks.extend(writer.code_cell(index, cell))
    writer.result.markdown = "\n\n".join(b.strip("\n") for b in blocks if b.strip()) + "\n"
    return writer.result
