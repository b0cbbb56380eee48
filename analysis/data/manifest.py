"""The declared raw inputs (data/sources.yaml): what each file is, where it comes from, its sha256."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis.core.errors import DataError
from analysis.core.paths import DATA

MANIFEST = DATA / "sources.yaml"
REQUIRED = ("id", "file", "sha256", "publisher", "licence", "reader", "series", "choice")


@dataclass(frozen=True)
class Source:
    """One raw input as declared in the manifest."""

    id: str
    file: str
    sha256: str
    reader: str
    series: dict
    url: str | None = None
    mirror_path: str | None = None
    meta: dict = field(default_factory=dict, compare=False, repr=False)

    def years(self, series: str) -> tuple[int, int]:
        """Declared first and last year that `series` must cover."""
        lo, hi = self.series[series]["years"]
        return int(lo), int(hi)

    def unit(self, series: str) -> str:
        return self.series[series]["unit"]


def load_manifest(path: Path = MANIFEST, roles: tuple[str, ...] = ("book",)) -> dict[str, Source]:
    """Read and check the manifest; returns the sources of the given `roles` by id. An entry's `role`
    is `book` (default: an input of the book) or `test_reference` (a published reference case the
    tests check an estimator against; never read by the build)."""
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataError("manifest", f"cannot read: {exc}", path) from exc
    sources = {}
    for i, entry in enumerate(doc.get("inputs") or []):
        missing = [k for k in REQUIRED if not entry.get(k)]
        if missing:
            raise DataError(entry.get("id", f"#{i}"), f"manifest entry lacks {', '.join(missing)}", path)
        if len(entry["sha256"]) != 64:
            raise DataError(entry["id"], "manifest sha256 must be 64 hex digits", path)
        if entry["id"] in sources:
            raise DataError(entry["id"], "declared twice in the manifest", path)
        if entry.get("role", "book") not in roles:
            continue
        sources[entry["id"]] = Source(
            id=entry["id"],
            file=entry["file"],
            sha256=entry["sha256"].lower(),
            reader=entry["reader"],
            series=entry["series"],
            url=entry.get("url"),
            mirror_path=entry.get("mirror_path"),
            meta=entry,
        )
    if not sources:
        raise DataError("manifest", "declares no inputs", path)
    return sources
