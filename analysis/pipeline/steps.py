"""Declared inputs and outputs of each pipeline step, with content hashes (for audit and caching)."""

from __future__ import annotations

import hashlib
import json
import sys
import threading
from pathlib import Path

from analysis.data.fetch import sha256_of

SKIP = ("__pycache__", ".ipynb_checkpoints")


def files_under(path: Path) -> list[tuple[str, Path]]:
    """(name relative to `path`'s parent, file) for a file, or for every file under a directory."""
    path = Path(path)
    if path.is_dir():
        return [
            (f.relative_to(path.parent).as_posix(), f)
            for f in sorted(path.rglob("*"))
            if f.is_file() and not any(part in SKIP for part in f.parts) and f.suffix != ".pyc"
        ]
    return [(path.name, path)] if path.is_file() else []


def digest(paths, extra: str = "") -> str:
    """One sha256 over the contents of `paths` (files, or every file under a directory) and `extra`.

    Files are named relative to the folder given, never by absolute path, so the same project in
    another place (a clone, a worktree, a CI runner) has the same digests."""
    h = hashlib.sha256(extra.encode())
    for p in sorted(Path(p) for p in paths):
        for name, f in files_under(p):
            h.update(name.encode())
            h.update(sha256_of(f).encode())
    return h.hexdigest()


def environment_key(project: Path) -> str:
    """What every cached step depends on besides its own inputs: the Python version and the lock file."""
    lock = Path(project) / "requirements.lock"
    return f"python {sys.version_info[:3]}; lock {sha256_of(lock) if lock.is_file() else 'none'}"


class StepLog:
    """steps.json in the build directory: for each step, its inputs and outputs with sha256."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.lock = threading.Lock()  # chapters run in parallel threads
        try:
            self.steps = json.loads(self.path.read_text()) if self.path.is_file() else {}
        except ValueError:  # a log truncated by a killed build: start afresh
            self.steps = {}

    def record(self, name: str, inputs, outputs, key: str | None = None, **extra) -> None:
        entry = {
            "key": key,
            "inputs": {self.name(p): sha256_of(Path(p)) for p in inputs if Path(p).is_file()},
            "outputs": {self.name(p): sha256_of(Path(p)) for p in outputs if Path(p).is_file()},
            **extra,
        }
        with self.lock:
            self.steps[name] = entry
            self.save()

    def name(self, path) -> str:
        """A path as recorded: relative to the build directory when inside it (a moved build stays valid)."""
        path = Path(path)
        try:
            return path.resolve().relative_to(self.path.parent.resolve()).as_posix()
        except ValueError:
            return str(path)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.steps, indent=1, sort_keys=True))
        tmp.replace(self.path)

    def fresh(self, name: str, key: str) -> bool:
        """True when `name` last ran with the same key and its outputs are still there, unchanged."""
        step = self.steps.get(name)
        if not step or step.get("key") != key:
            return False
        paths = {self.path.parent / p: h for p, h in step["outputs"].items()}  # absolute names stay absolute
        return all(p.is_file() and sha256_of(p) == h for p, h in paths.items())
