"""Where things live: project root, build directory, raw-data cache and offline mirror.

Environment variables (all optional):
  REDID_MIRROR  offline mirror of raw files (default: ../shared/data beside the project)
  REDID_CACHE   verified download cache (default: _build/raw)
  REDID_BUILD   build directory (default: _build)
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"


def build_dir() -> Path:
    return Path(os.environ.get("REDID_BUILD", ROOT / "_build")).resolve()


def mirror_dir() -> Path:
    return Path(os.environ.get("REDID_MIRROR", ROOT.parent / "shared" / "data")).resolve()


def cache_dir() -> Path:
    return Path(os.environ.get("REDID_CACHE", build_dir() / "raw")).resolve()
