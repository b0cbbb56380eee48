"""The exhibit registry (data/exhibits.yaml): one record per table and figure of the book.

Each record says which chapter makes the exhibit, which of the paper's tables or figures it
reproduces (表N / 图N), which specification it fits, which table of the estimates store holds its
numbers, the functions that make it, what it reads, and which of the paper's conclusions and
hypotheses it is evidence for. The audit, the verdicts, the README's map and the provenance lines
read it from here.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from analysis.core.errors import DataError
from analysis.core.paths import DATA

EXHIBITS = DATA / "exhibits.yaml"
FIELDS = ("label", "chapter", "paper", "spec", "estimates", "made_by", "inputs", "evidence_for", "alt")
CLAIM = re.compile(r"^[CH]\d+$")
BUILD_PRODUCTS = ("panel", "oxides", "estimates")


@dataclass(frozen=True)
class Exhibit:
    """One table or figure of the book (see data/exhibits.yaml for the meaning of each field)."""

    label: str
    chapter: str
    section: str
    made_by: tuple[str, ...]
    inputs: tuple[str, ...] = ()
    paper: str = ""
    spec: str = ""
    estimates: str = ""
    evidence_for: tuple[str, ...] = ()
    alt: str = ""  # a figure's alt text (what it shows, for a reader who cannot see it)

    @property
    def kind(self) -> str:
        return "table" if self.label.startswith("tbl-") else "figure"


def _fail(message: str, where: str = "") -> DataError:
    return DataError("exhibit registry", f"{where}: {message}" if where else message, EXHIBITS)


def parse(doc: dict) -> dict[str, Exhibit]:
    """Validate the registry's parsed YAML; label -> Exhibit, in the file's order."""
    if (
        not isinstance(doc, dict)
        or not isinstance(doc.get("chapters"), dict)
        or not isinstance(doc.get("exhibits"), list)
    ):
        raise _fail("expected top-level keys 'chapters' (chapter -> section label) and 'exhibits' (a list)")
    chapters, out = doc["chapters"], {}
    for i, rec in enumerate(doc["exhibits"], start=1):
        where = f"exhibit {i} ({rec.get('label', 'no label')})" if isinstance(rec, dict) else f"exhibit {i}"
        if not isinstance(rec, dict):
            raise _fail("not a mapping", where)
        unknown = sorted(set(rec) - set(FIELDS))
        if unknown:
            raise _fail(f"unknown field(s) {unknown}; known: {list(FIELDS)}", where)
        label = str(rec.get("label", ""))
        if not re.match(r"^(tbl|fig)-[\w-]*\w$", label):
            raise _fail("field 'label' must look like tbl-… or fig-…", where)
        if label in out:
            raise _fail(f"label {label!r} appears twice", where)
        if rec.get("chapter") not in chapters:
            raise _fail(f"field 'chapter' {rec.get('chapter')!r} is not one of the registry's chapters", where)
        made_by = tuple(rec.get("made_by") or ())
        if not made_by:
            raise _fail("field 'made_by' must name at least one function", where)
        claims = tuple(rec.get("evidence_for") or ())
        if any(not CLAIM.match(str(c)) for c in claims):
            raise _fail(f"field 'evidence_for' holds ids like C1 or H2, not {list(claims)}", where)
        out[label] = Exhibit(
            label=label,
            chapter=rec["chapter"],
            section=str(chapters[rec["chapter"]]),
            made_by=made_by,
            inputs=tuple(rec.get("inputs") or ()),
            paper=str(rec.get("paper", "")),
            spec=str(rec.get("spec", "")),
            estimates=str(rec.get("estimates", "")),
            evidence_for=claims,
            alt=" ".join(str(rec.get("alt", "")).split()),
        )
    return out


@lru_cache(maxsize=4)
def _load(path: Path, mtime_ns: int) -> dict[str, Exhibit]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise _fail(f"cannot read ({type(exc).__name__}: {exc})") from None
    return parse(doc)


def load(path: Path = EXHIBITS) -> dict[str, Exhibit]:
    """The registry, label -> Exhibit (cached per file version)."""
    path = Path(path)
    return _load(path, path.stat().st_mtime_ns if path.exists() else 0)


def load_chapters(path: Path = EXHIBITS) -> dict[str, str]:
    """Chapter notebook -> the label of its first-level section (the registry's `chapters`)."""
    return dict(yaml.safe_load(Path(path).read_text(encoding="utf-8"))["chapters"])


def for_estimates(table: str, path: Path = EXHIBITS) -> list[Exhibit]:
    """The exhibits that show one table of the estimates store, tables before figures."""
    hits = [e for e in load(path).values() if e.estimates == table]
    return sorted(hits, key=lambda e: e.kind != "table")


def evidence(claim: str, path: Path = EXHIBITS) -> list[Exhibit]:
    """The exhibits that are evidence for one conclusion (C1-C4) or hypothesis (H1-H4)."""
    return [e for e in load(path).values() if claim in e.evidence_for]


def paper_exhibit(number: int, path: Path = EXHIBITS) -> Exhibit:
    """The book's main exhibit for the paper's Table `number` (表N): the first record outside the audit."""
    hits = [e for e in load(path).values() if e.paper == f"表{number}" and "audit" not in e.label]
    if not hits:
        raise _fail(f"no exhibit reproduces the paper's Table {number} (表{number})")
    return hits[0]


def resolve(dotted: str):
    """The object a `made_by` entry names ('estimation.specs.fit_table' -> the function)."""
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(f"analysis.{module}"), name)


def readme_map(path: Path = EXHIBITS) -> str:
    """The README's exhibit → program map (Markdown), one row per exhibit in book order."""
    rows = ["| exhibit | the paper's | chapter notebook | made by (under `analysis.`) |", "|---|---|---|---|"]
    for e in load(path).values():
        made = ", ".join(f"`{f}`" for f in e.made_by)
        rows.append(f"| `{e.label}` | {e.paper or '—'} | `{e.chapter}` | {made} |")
    return "\n".join(rows) + "\n"
