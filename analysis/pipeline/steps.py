"""Declared inputs and outputs of each pipeline step, with content hashes (for audit and caching)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from analysis.data.fetch import sha256_of


def digest(paths, extra: str = "") -> str:
    """One sha256 over the contents of `paths` (files, or every file under a directory) and `extra`."""
    h = hashlib.sha256(extra.encode())
    for p in sorted(Path(p) for p in paths):
        files = sorted(f for f in p.rglob("*") if f.is_file() and "__pycache__" not in f.parts) if p.is_dir() else [p]
        for f in files:
            h.update(str(f.name).encode())
            h.update(sha256_of(f).encode())
    return h.hexdigest()


class StepLog:
    """steps.json in the build directory: for each step, its inputs and outputs with sha256."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.steps = json.loads(self.path.read_text()) if self.path.is_file() else {}

    def record(self, name: str, inputs, outputs, key: str | None = None) -> None:
        self.steps[name] = {
            "key": key,
            "inputs": {str(p): sha256_of(Path(p)) for p in inputs if Path(p).is_file()},
            "outputs": {str(p): sha256_of(Path(p)) for p in outputs if Path(p).is_file()},
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.steps, indent=1, sort_keys=True))

    def fresh(self, name: str, key: str) -> bool:
        """True when `name` last ran with the same key and its outputs are still there, unchanged."""
        step = self.steps.get(name)
        if not step or step.get("key") != key:
            return False
        return all(Path(p).is_file() and sha256_of(Path(p)) == h for p, h in step["outputs"].items())
