"""Run the pandoc binary shipped by `pypandoc_binary` (JSON AST in, text out)."""

from __future__ import annotations

import json
import re
import subprocess
from functools import lru_cache

from .errors import RenderError

CITEPROC_MISSING = re.compile(r"\[WARNING\] Citeproc: citation (\S+) not found")


@lru_cache(maxsize=1)
def pandoc_path() -> str:
    """Path of the pandoc executable bundled with pypandoc_binary."""
    try:
        import pypandoc  # optional heavy tool: imported only when the fallback renderer runs
        return pypandoc.get_pandoc_path()
    except (ImportError, OSError) as exc:
        raise RenderError(f"pandoc not available (install pypandoc_binary): {exc}") from exc


def run_pandoc(args: list[str], stdin: str, *, what: str) -> tuple[str, str]:
    """Run pandoc with `args` on `stdin`; return (stdout, stderr). `what` names the chapter for errors."""
    proc = subprocess.run([pandoc_path(), *args], input=stdin, capture_output=True, text=True,
                          encoding="utf-8")
    if proc.returncode != 0:
        raise RenderError(f"{what}: pandoc {' '.join(args[:4])} failed: {proc.stderr.strip()}")
    return proc.stdout, proc.stderr


def markdown_to_ast(markdown: str, *, what: str) -> dict:
    """Parse pandoc markdown into the JSON AST."""
    out, _ = run_pandoc(["-f", "markdown", "-t", "json"], markdown, what=what)
    return json.loads(out)


def ast_to(doc: dict, to: str, args: list[str], *, what: str) -> tuple[str, str]:
    """Write a JSON AST document to format `to`; return (text, stderr)."""
    return run_pandoc(["-f", "json", "-t", to, *args], json.dumps(doc), what=what)


def missing_citations(stderr: str) -> list[str]:
    """Cite keys that citeproc reported as not found in the bibliography."""
    return CITEPROC_MISSING.findall(stderr)

