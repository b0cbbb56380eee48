"""Run the pandoc binary shipped by `pypandoc_binary` (JSON AST in, text out)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

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


def memo_key(kind: str, args: list[str], payload: bytes) -> str:
    """sha256 of a call: its arguments, the contents of files they name (bibliography, template), input."""
    h = hashlib.sha256(kind.encode() + b"\0" + payload)
    for arg in args:
        h.update(arg.encode() + b"\0")
        value = Path(arg.split("=", 1)[-1])
        if value.is_file():
            h.update(hashlib.sha256(value.read_bytes()).digest())
    return h.hexdigest()


def memo(kind: str, args: list[str], payload: bytes):
    """(cached result path or None, key) in the memo folder REDID_RENDER_CACHE (set by the build
    pipeline: unchanged pages are not converted again). No folder set: no caching."""
    folder = os.environ.get("REDID_RENDER_CACHE")
    if not folder:
        return None, None
    key = memo_key(kind, args, payload)
    path = Path(folder) / key[:2] / key
    if path.is_file():
        os.utime(path)  # mark as used by this build (the pipeline prunes unused entries)
        return path, key
    return None, path


def memo_store(path, data: bytes) -> None:
    if path is None:
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")  # pages are converted in parallel
    tmp.write_bytes(data)
    tmp.replace(path)


def run_pandoc(args: list[str], stdin: str, *, what: str) -> tuple[str, str]:
    """Run pandoc with `args` on `stdin`; return (stdout, stderr). `what` names the chapter for errors."""
    hit, slot = memo("pandoc " + pandoc_version(), args, stdin.encode())
    if hit is not None:
        out, err = json.loads(hit.read_text(encoding="utf-8"))
        return out, err
    out, err = _run_pandoc(args, stdin, what=what)
    memo_store(slot, json.dumps([out, err]).encode())
    return out, err


@lru_cache(maxsize=1)
def pandoc_version() -> str:
    try:
        import pypandoc

        return pypandoc.get_pandoc_version()
    except (ImportError, OSError):
        return "?"


def _run_pandoc(args: list[str], stdin: str, *, what: str) -> tuple[str, str]:
    proc = subprocess.run([pandoc_path(), *args], input=stdin, capture_output=True, text=True, encoding="utf-8")
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


def jobs() -> int:
    """Conversions run at once: REDID_JOBS, else the cores this process may use."""
    env = os.environ.get("REDID_JOBS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def parallel_map(fn, items) -> list:
    """[fn(x) for x in items], on threads (each call mostly waits for a pandoc process); results and
    the first error in the order of `items`."""
    items = list(items)
    if jobs() == 1 or len(items) < 2:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(max_workers=jobs()) as pool:
        return list(pool.map(fn, items))
