"""Use a real Quarto installation when one is on PATH."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .book_config import load_config
from .errors import RenderError

STAGED_FILES = ("_quarto.yml", "index.qmd", "references.qmd", "references.bib")


def quarto_available() -> bool:
    """True when a `quarto` executable is on PATH."""
    return shutil.which("quarto") is not None


def stage_project(project_root: Path, executed: dict, stage: Path) -> None:
    """Copy the book's sources into `stage`, with executed notebooks at their chapter paths."""
    project_root = Path(project_root)
    config = load_config(project_root)
    names = dict.fromkeys([*STAGED_FILES, *config.bibliography,
                           *(c for c in config.chapters if not c.endswith(".ipynb"))])
    for name in names:
        if (project_root / name).is_file():
            (stage / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(project_root / name, stage / name)
    lookup = {str(Path(k)): Path(v) for k, v in executed.items()}
    for chapter in config.chapters:
        if chapter.endswith(".ipynb"):
            source = lookup.get(str(Path(chapter)))
            if source is None or not source.is_file():
                raise RenderError(f"{chapter}: no executed notebook to stage for quarto")
            (stage / chapter).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, stage / chapter)


def render_with_quarto(project_root: Path, executed: dict, out_dir: Path) -> Path:
    """Stage the project in a temporary directory, run `quarto render --to all`, copy `_book` to out_dir."""
    quarto = shutil.which("quarto")
    if quarto is None:
        raise RenderError("quarto is not on PATH")
    with tempfile.TemporaryDirectory(prefix="quarto-book-") as tmp:
        stage = Path(tmp)
        stage_project(project_root, executed, stage)
        proc = subprocess.run([quarto, "render", "--to", "all"], cwd=stage, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RenderError(f"quarto render failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
        book = stage / "_book"
        if not book.is_dir():
            raise RenderError("quarto render finished but wrote no _book directory")
        shutil.copytree(book, out_dir, dirs_exist_ok=True)
    return Path(out_dir)
