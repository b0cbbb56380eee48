"""Full-text search for the HTML book: a pagefind index (PyPI `pagefind-bin`) in `<book>/pagefind/`."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from .errors import RenderError


def index_site(site: Path) -> Path | None:
    """Index the HTML pages of `site`; None (no search box) when pagefind is not installed."""
    if importlib.util.find_spec("pagefind_bin") is None:
        return None
    proc = subprocess.run(
        [sys.executable, "-m", "pagefind_bin", "--site", str(site), "--output-subdir", "pagefind"],
        capture_output=True,
        text=True,
        cwd=site,
    )
    if proc.returncode != 0:
        raise RenderError(f"HTML search index: pagefind failed: {proc.stderr.strip() or proc.stdout.strip()}")
    return Path(site) / "pagefind"
