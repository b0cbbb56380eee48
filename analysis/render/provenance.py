"""Provenance lines under tables and figures: the function that made each, the commit, and the
sha256 of its inputs (from the exhibit registry `data/exhibits.yaml` and the build's `steps.json`)."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import RenderError

REGISTRY = Path("data") / "exhibits.yaml"
PROVENANCE_CLASS = "provenance"
SHORT_SHA = 12
# `module.function(` calls in a cell; wrappers that only display a result are skipped
CALL = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*\(")
WRAPPERS = {"display", "md", "Markdown", "pd", "np", "plt", "Path", "len", "list", "dict", "str"}
TABLES_DIR = "downloads/tables"


@dataclass(frozen=True)
class Exhibit:
    """Where one labelled table or figure comes from."""

    label: str
    chapter: str
    cell: int
    function: str  # e.g. "descriptives.table1"; "" when neither the registry nor the code names one
    commit: str
    inputs: dict[str, str] = field(default_factory=dict)  # file name -> sha256

    @property
    def kind(self) -> str:
        return self.label.split("-", 1)[0]

    def csv_href(self) -> str:
        """Book-relative link of a table's CSV download ("" for figures)."""
        return f"{TABLES_DIR}/{self.label}.csv" if self.kind == "tbl" else ""

    def as_row(self) -> dict:
        return {
            "label": self.label,
            "chapter": self.chapter,
            "cell": self.cell,
            "function": self.function,
            "commit": self.commit,
            "inputs": "; ".join(f"{k} sha256:{v}" for k, v in self.inputs.items()),
        }


def git_commit(root: Path) -> str:
    """Short commit of `root` ("+dirty" when tracked files changed; "unknown" outside git)."""

    def git(*args):
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)

    head = git("rev-parse", "--short=10", "HEAD")
    if head.returncode != 0:
        return "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no").stdout.strip()
    return head.stdout.strip() + ("+dirty" if dirty else "")


def function_in_code(code: str) -> str:
    """The first `module.function(...)` call of a cell that is not a display wrapper."""
    for match in CALL.finditer(code):
        name = match.group(1)
        if name.split(".", 1)[0] not in WRAPPERS and not name.startswith(("self.", "fig.", "ax.")):
            return name
    return ""


def load_registry(project_root: Path) -> dict[str, dict]:
    """Label -> record of `data/exhibits.yaml` ({} when the file does not exist).

    Accepts a mapping keyed by label or a list of records with a `label` (or `id`) field, either at
    the top level or under `exhibits:`.
    """
    path = Path(project_root) / REGISTRY
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if isinstance(data, dict) and "exhibits" in data:
        data = data["exhibits"]
    if isinstance(data, dict):
        return {str(k): (v if isinstance(v, dict) else {"function": str(v)}) for k, v in data.items()}
    if isinstance(data, list):
        out = {}
        for i, rec in enumerate(data):
            label = rec.get("label") or rec.get("id") if isinstance(rec, dict) else None
            if not label:
                raise RenderError(f"{path}: record {i} has no label")
            out[str(label)] = rec
        return out
    raise RenderError(f"{path}: expected a mapping or a list of exhibit records")


def _as_names(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [str(k) for k in value]
    return [str(v) for v in value]


# the registry's names of build products -> the file the build writes
BUILD_PRODUCTS = {"panel": "panel.csv", "oxides": "oxide_series.csv", "estimates": "estimates.csv"}


def sha256_file(path: Path) -> str:
    """The sha256 of a file's bytes, in hex."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def sha256_tree(path: Path) -> str:
    """One sha256 over the names and contents of every file under `path` (sorted)."""
    h = hashlib.sha256()
    for f in sorted(p for p in Path(path).rglob("*") if p.is_file()):
        h.update(str(f.relative_to(path)).encode())
        h.update(sha256_file(f).encode())
    return h.hexdigest()


class Provenance:
    """Provenance of every labelled exhibit of one build."""

    def __init__(
        self,
        commit: str,
        steps: dict | None = None,
        registry: dict[str, dict] | None = None,
        project_root: Path | None = None,
        build_dir: Path | None = None,
    ):
        self.commit = commit
        self.steps = steps or {}
        self.registry = registry or {}
        self.root = Path(project_root) if project_root else None
        self.build_dir = Path(build_dir) if build_dir else None
        self.exhibits: dict[str, Exhibit] = {}
        self._hashes: dict[str, str] = {}
        for step in self.steps.values():
            for group in ("inputs", "outputs"):
                for path, sha in (step.get(group) or {}).items():
                    self._hashes[Path(path).name] = sha

    @classmethod
    def for_build(cls, project_root: Path, build_dir: Path | None) -> "Provenance":
        steps_file = Path(build_dir) / "steps.json" if build_dir else None
        steps = json.loads(steps_file.read_text()) if steps_file and steps_file.is_file() else {}
        return cls(git_commit(Path(project_root)), steps, load_registry(project_root), project_root, build_dir)

    def _chapter_inputs(self, chapter: str) -> dict[str, str]:
        step = self.steps.get(chapter) or {}
        return {Path(p).name: sha for p, sha in (step.get("inputs") or {}).items() if not p.endswith(".ipynb")}

    def input_hash(self, name: str) -> tuple[str, str] | None:
        """(shown name, sha256) of one registry input: a build product or a file/folder of the project,
        hashed as it is now (the same bytes give the same line), else as steps.json recorded it."""
        file = BUILD_PRODUCTS.get(name, name)
        bases = [b for b in (self.build_dir, self.build_dir / "data" if self.build_dir else None, self.root) if b]
        for base in bases:
            path = base / file
            if path.is_file():
                return Path(file).name, sha256_file(path)
            if path.is_dir() and base == self.root:
                return f"{file}/", sha256_tree(path)
        if Path(file).name in self._hashes:
            return Path(file).name, self._hashes[Path(file).name]
        return None

    def exhibit(self, chapter: str, label: str, cell: int, code: str) -> Exhibit:
        """The record of a labelled cell (registry first, then the cell's code and the chapter's step)."""
        record = self.registry.get(label, {})
        made_by = _as_names(record.get("made_by") or record.get("functions") or record.get("function"))
        function = ", ".join(made_by) or function_in_code(code)
        found = [self.input_hash(n) for n in _as_names(record.get("inputs"))]
        inputs = dict(f for f in found if f) or self._chapter_inputs(chapter)
        exhibit = Exhibit(label, chapter, cell, function, self.commit, inputs)
        self.exhibits[label] = exhibit
        return exhibit


def provenance_markdown(exhibit: Exhibit, href_prefix: str = "") -> str:
    """A fenced div with the provenance line of `exhibit` (pandoc and Quarto markdown)."""
    where = f"{exhibit.chapter}, cell {exhibit.cell}"
    calls = " → ".join(f"`{f.strip()}()`" for f in exhibit.function.split(","))
    made = f"{calls} ({where})" if exhibit.function else f"the code of {where}"
    inputs = ", ".join(f"`{name}` sha256 `{sha[:SHORT_SHA]}`" for name, sha in exhibit.inputs.items())
    parts = [f"Made by {made}", f"commit `{exhibit.commit}`"]
    if inputs:
        parts.append(f"inputs {inputs}")
    if exhibit.csv_href():
        parts.append(f"[data (CSV)]({href_prefix}{exhibit.csv_href()})")
    return f"::: {{.{PROVENANCE_CLASS}}}\nProvenance: " + " · ".join(parts) + "\n:::"
