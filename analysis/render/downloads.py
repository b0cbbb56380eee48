"""The book's downloads: panel, its provenance, estimates, one CSV per table, executed notebooks,
the exhibits' provenance and the build's step log, copied into `<book>/downloads/`."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from .ast_tools import iter_nodes, stringify
from .provenance import TABLES_DIR

DOWNLOADS = "downloads"
# (file under the build directory, name in downloads/, description)
BUILD_FILES = (
    ("data/panel.csv", "panel.csv", "the mineral-year panel every chapter estimates on"),
    ("data/panel_provenance.csv", "panel_provenance.csv", "where each cell of the panel comes from"),
    ("data/data_dictionary.csv", "data_dictionary.csv", "the panel's columns and units"),
    ("data/inputs.csv", "inputs.csv", "each raw input with its sha256 as verified by this build"),
    ("estimates.csv", "estimates.csv", "every estimate the chapters print (tidy: table, column, term, ...)"),
    ("steps.json", "steps.json", "each build step's inputs and outputs with their sha256"),
)


def short_caption(text: str, limit: int = 56) -> str:
    """A table's caption as a link name: up to its first colon, cut at a word near `limit` characters."""
    text = " ".join(text.split()).split(": ")[0].rstrip(".")
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;") + "…"


def table_name(label: str, table: dict | None) -> str:
    """The reader's name of a labelled table: its shortened caption, else the label."""
    caption = stringify(table["c"][1][1]) if table else ""
    return short_caption(caption) if caption.strip() else label


def planned_downloads(
    build_dir: Path | None, executed: dict, tables: dict[str, dict] | list[str], pdf_name: str | None
) -> list[tuple[str, str | list[tuple[str, str]]]]:
    """(book-relative href, description) of every download this build will hold; the executed
    notebooks and the tables' CSVs as one row each, whose description is a list of (href, name):
    notebooks named by file, tables by their shortened caption (`tables`: label -> pandoc Table)."""
    out: list = []
    if pdf_name:
        out.append((pdf_name, "the whole book as PDF"))
    if build_dir is not None:
        out += [(f"{DOWNLOADS}/{name}", what) for src, name, what in BUILD_FILES if (Path(build_dir) / src).is_file()]
    out.append((f"{DOWNLOADS}/exhibits.csv", "provenance of every table and figure: function, commit, inputs' sha256"))
    if executed:
        notebooks = [(f"{DOWNLOADS}/notebooks/{Path(c).name}", Path(c).stem) for c in executed]
        out.append((f"{DOWNLOADS}/notebooks/", notebooks))
    nodes = tables if isinstance(tables, dict) else dict.fromkeys(tables)
    if nodes:
        out.append((f"{TABLES_DIR}/", [(f"{TABLES_DIR}/{k}.csv", table_name(k, t)) for k, t in nodes.items()]))
    return out


def table_rows(table: dict) -> list[list[str]]:
    """Header and body rows of a pandoc Table node as plain text."""
    _, _, _, head, bodies, foot = table["c"]

    def cells(row):
        return [stringify(cell[4]) for cell in row[1]]

    rows = [cells(r) for r in head[1]]
    for body in bodies:
        rows += [cells(r) for r in body[2]] + [cells(r) for r in body[3]]
    rows += [cells(r) for r in foot[1]]
    return rows


def labelled_tables(blocks: list) -> dict[str, dict]:
    """Label -> Table node of every `tbl-` table in `blocks`."""
    return {n["c"][0][0]: n for n in iter_nodes(blocks) if n["t"] == "Table" and n["c"][0][0].startswith("tbl-")}


def write_downloads(
    out_dir: Path, build_dir: Path | None, executed: dict, tables: dict[str, dict], exhibits: list[dict]
) -> list[Path]:
    """Write every download into `out_dir/downloads`; return the files written."""
    root = Path(out_dir) / DOWNLOADS
    (root / "notebooks").mkdir(parents=True, exist_ok=True)
    (Path(out_dir) / TABLES_DIR).mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if build_dir is not None:
        for src, name, _ in BUILD_FILES:
            if (Path(build_dir) / src).is_file():
                written.append(Path(shutil.copyfile(Path(build_dir) / src, root / name)))
    for chapter, path in executed.items():
        written.append(Path(shutil.copyfile(path, root / "notebooks" / Path(chapter).name)))
    for label, table in tables.items():
        target = Path(out_dir) / TABLES_DIR / f"{label}.csv"
        with target.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(table_rows(table))
        written.append(target)
    target = root / "exhibits.csv"
    fields = ["label", "chapter", "cell", "function", "commit", "inputs"]
    with target.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(exhibits)
    written.append(target)
    return written
