"""Executing the chapter notebooks: cache keys, Markdown-only refresh, timeout, parallel order.

A chapter's cache key holds only what its code can see: its code cells (not its Markdown), the
analysis code (not the renderer), data/, the data products, the values of the parameters it
declares (the seed enters only chapters with a `seed` parameter), the build products it declares
in its metadata (`"redid": {"inputs": ["estimates"]}`, minus the tables it writes itself), the
Python version and the lock file; never an absolute path. When only the Markdown of a chapter
changed, its cached outputs are kept and the new Markdown is put around them (as jupyter-cache
does). Chapters that declare no build product run in parallel; then the audit (reads and saves
estimates); then the chapters that only read estimates, in parallel. Each chapter gets a fresh
kernel, forked from a warm process when possible (`kernels`).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from concurrent.futures import CancelledError, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from analysis.core.errors import ChapterError
from analysis.pipeline import kernels
from analysis.pipeline.steps import digest

PATH_PARAMETERS = {"build_dir", "panel_path", "data_dir", "oxide_panel_path"}
INJECTED = "injected-parameters"


@dataclass
class Plan:
    """What one chapter run needs: where things are and what its key is made of."""

    project: Path
    build_dir: Path
    params: dict
    shared_key: str  # code, data/, environment
    data_key: str  # the data products (panel, provenance, ...)
    oxide_key: str
    timeout: float | None
    force: set[str]
    kernels: kernels.Pool | None = None  # warm kernels (None: jupyter_client starts each one)


def read_notebook(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def cell_text(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def code_signature(nb: dict) -> str:
    """sha256 of the code cells' sources and tags, and the kernel: what executing the notebook sees."""
    code = [
        (cell_text(c), sorted(c.get("metadata", {}).get("tags", [])))
        for c in nb.get("cells", [])
        if c.get("cell_type") == "code"
    ]
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name", "")
    return hashlib.sha256(json.dumps([kernel, code]).encode()).hexdigest()


def declared_parameters(nb: dict) -> set[str]:
    """Names assigned in the cell tagged `parameters` (papermill's convention)."""
    names = set()
    for cell in nb.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            for line in cell_text(cell).splitlines():
                head = line.split("=", 1)[0].strip()
                if "=" in line and head.isidentifier():
                    names.add(head)
    return names


def declared_inputs(nb: dict) -> list[str]:
    return list(nb.get("metadata", {}).get("redid", {}).get("inputs", []))


def saves_estimates(nb: dict) -> bool:
    """True when the notebook's code saves rows to the estimates store (calls `estimates.save`)."""
    return any("estimates.save(" in cell_text(c) for c in nb.get("cells", []) if c.get("cell_type") == "code")


def chapter_key(plan: Plan, nb: dict, reads: list[Path]) -> str:
    names = declared_parameters(nb)
    values = {k: v for k, v in plan.params.items() if k in names and k not in PATH_PARAMETERS}
    parts = [code_signature(nb), plan.shared_key, json.dumps(values, sort_keys=True)]
    if names & {"build_dir", "panel_path"}:
        parts.append(plan.data_key)
    if "oxide_panel_path" in names:
        parts.append(plan.oxide_key)
    return digest(reads, "\n".join(parts))


def merge_markdown(source: dict, executed: dict) -> dict:
    """The executed notebook with the source's Markdown cells: code cells (and papermill's injected
    cell) keep their outputs. Requires the same code cells in the same order (equal code_signature)."""
    code = [c for c in executed["cells"] if c.get("cell_type") == "code"]
    cells = []
    for cell in source["cells"]:
        if cell.get("cell_type") == "code":
            cells.append(code.pop(0))
            if code and INJECTED in code[0].get("metadata", {}).get("tags", []):
                cells.append(code.pop(0))
        else:
            cells.append(cell)
    return {**executed, "cells": cells}


def execute_chapter(
    project: Path, chapter: str, target: Path, params: dict, timeout: float | None, zygote=None
) -> None:
    """Run one chapter notebook with papermill; any failure becomes ChapterError(chapter, cell)."""
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    source = Path(project) / chapter
    runtime = target.parents[len(Path(chapter).parts)] / "runtime"  # <build>/runtime: cleaned at the next start
    wanted = {k: v for k, v in params.items() if k in declared_parameters(read_notebook(source))}
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".running.ipynb")
    try:
        pm.execute_notebook(
            str(source),
            str(tmp),
            parameters=wanted,
            cwd=str(project),
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            report_mode=False,
            timeout_func=ChapterClock(timeout),  # one budget for the whole chapter, not per cell
            kernel_manager_class=kernel_manager(runtime, zygote),
            # the kernel logs a warning on every start and a KeyboardInterrupt on shutdown
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
    except pm.PapermillExecutionError as exc:
        raise failed(tmp, chapter, f"{exc.ename}: {one_line(exc.evalue)}", exc.cell_index) from None
    except CellTimeoutError:
        raise failed(
            tmp, chapter, f"timed out: the chapter ran past its limit of {timeout:g} s (set --timeout to allow longer)"
        ) from None
    except DeadKernelError:
        raise failed(tmp, chapter, "the Python kernel died (out of memory, or killed)") from None
    except Exception as exc:  # unreadable notebook, kernel that cannot start, ...
        raise failed(tmp, chapter, f"{type(exc).__name__}: {one_line(exc)}") from None
    except BaseException:  # Ctrl-C: no half-executed notebook stays behind
        tmp.unlink(missing_ok=True)
        raise
    finish_notebook(tmp)
    tmp.replace(target)


class ChapterClock:
    """nbclient's `timeout_func`: the seconds left of one chapter's budget, counted from its first cell
    (kernel start-up excluded), so that the cell running when the budget is spent is the one named."""

    def __init__(self, limit: float | None):
        self.limit = limit
        self.start: float | None = None

    def __call__(self, cell) -> float | None:
        if not self.limit:
            return None
        now = time.monotonic()
        if self.start is None:
            self.start = now
        return max(self.limit - (now - self.start), 0.001)  # never 0: nbclient reads 0 as "no limit"


def kernel_manager(runtime: Path, zygote=None):
    """A kernel manager whose connection file lives in `runtime` (jupyter_client's default is a
    temporary file that a killed build would leave behind) and whose kernel is forked by `zygote`
    (kernels.Zygote: imports done once per build) when given."""
    import uuid

    from jupyter_client import AsyncKernelManager

    provisioner = kernels.provisioner_class(zygote) if zygote else None

    class BuildKernelManager(AsyncKernelManager):
        def write_connection_file(self, **kwargs):
            if not self.connection_file:
                runtime.mkdir(parents=True, exist_ok=True)
                self.connection_file = str(runtime / f"kernel-{uuid.uuid4()}.json")
            return super().write_connection_file(**kwargs)

        async def _async_pre_start_kernel(self, **kw):
            if provisioner and self.provisioner is None:
                self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
                self.provisioner = provisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
            return await super()._async_pre_start_kernel(**kw)

    return BuildKernelManager


def one_line(value, limit: int = 300) -> str:
    return " ".join(str(value).split())[:limit]


def failed(tmp: Path, chapter: str, message: str, cell: int | None = None) -> ChapterError:
    """The ChapterError for a failed run (cell from papermill's autosave if not known); removes the
    half-executed copy."""
    if cell is None:
        cell = running_cell(tmp)
    tmp.unlink(missing_ok=True)
    return ChapterError(chapter, message, cell=cell)


def running_cell(path: Path) -> int | None:
    """Index of the last cell papermill started, from its autosaved notebook."""
    try:
        nb = read_notebook(path)
    except (OSError, ValueError):
        return None
    started = [
        i
        for i, cell in enumerate(nb.get("cells", []))
        if cell.get("metadata", {}).get("papermill", {}).get("status", "pending") != "pending"
    ]
    return started[-1] if started else None


VOLATILE = ("start_time", "end_time", "duration")  # papermill's clock readings


def finish_notebook(path: Path) -> None:
    """In place: give papermill's injected-parameters cell `#| include: false`, so that `quarto render`
    hides it as the fallback renderer does (the build's paths are not part of the book), and drop the
    clock readings papermill and nbclient record, so that the same run gives the same bytes."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    for meta in [nb.metadata, *(cell.metadata for cell in nb.cells)]:
        for key in VOLATILE:
            meta.get("papermill", {}).pop(key, None)
        meta.pop("execution", None)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
        if INJECTED in cell.get("metadata", {}).get("tags", []):
            cell.id = INJECTED  # papermill gives it a random id
            if "#| include:" not in cell.source:
                cell.source = "#| include: false\n" + cell.source
    nbformat.write(nb, str(path))


def coalesce_streams(outputs: list) -> list:
    """Consecutive stdout (or stderr) outputs of a cell as one: how a cell's prints are split into
    messages depends on the kernel's flush timing (a loaded machine splits them), the text does not."""
    out = []
    for o in outputs:
        last = out[-1] if out else {}
        if (
            o.get("output_type") == "stream"
            and last.get("output_type") == "stream"
            and last.get("name") == o.get("name")
        ):
            last["text"] = last["text"] + o["text"]
        else:
            out.append(o)
    return out


def workers() -> int:
    """Parallel chapters: REDID_JOBS, else the cores this process may use."""
    env = os.environ.get("REDID_JOBS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def run_one(plan: Plan, chapter: str, tag: str, log, say) -> str:
    """Bring one chapter's executed copy up to date; returns 'executed', 'markdown' or 'cached'."""
    source_path = plan.project / chapter
    target = plan.build_dir / "executed" / chapter
    nb = read_notebook(source_path)
    products = {"estimates": plan.build_dir / "estimates"}
    unknown = [name for name in declared_inputs(nb) if name not in products]
    if unknown:
        raise ChapterError(chapter, f"metadata declares unknown input(s) {unknown}; known: {sorted(products)}")
    own = set(log.steps.get(chapter, {}).get("writes", []))
    reads = [
        f
        for name in declared_inputs(nb)
        if products[name].is_dir()
        for f in sorted(products[name].glob("*.csv"))
        if f.name not in own
    ]
    key = chapter_key(plan, nb, reads)
    whole = hashlib.sha256(source_path.read_bytes()).hexdigest()
    step = log.steps.get(chapter, {})
    if chapter not in plan.force and target.is_file() and log.fresh(chapter, key):
        if step.get("source") == whole:
            say(f"{tag} unchanged, cached")
            return "cached"
        merged = merge_markdown(nb, read_notebook(target))
        tmp = target.with_suffix(".running.ipynb")
        tmp.write_text(json.dumps(merged, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(target)
        log.record(chapter, [source_path], [target], key=key, source=whole, writes=sorted(own))
        say(f"{tag} Markdown changed: outputs reused")
        return "markdown"
    t0 = time.perf_counter()
    say(f"{tag} executing ...")
    before = snapshot(products["estimates"])
    zygote = plan.kernels.zygote() if plan.kernels else None
    execute_chapter(plan.project, chapter, target, plan.params, plan.timeout, zygote)
    after = snapshot(products["estimates"])
    writes = sorted(name for name, h in after.items() if before.get(name) != h) if declared_inputs(nb) else []
    log.record(chapter, [source_path], [target], key=key, source=whole, writes=sorted(own | set(writes)))
    say(f"{tag} ok ({time.perf_counter() - t0:.1f} s)")
    return "executed"


def snapshot(folder: Path) -> dict[str, int]:
    return {f.name: hash(f.read_bytes()) for f in sorted(Path(folder).glob("*.csv"))} if Path(folder).is_dir() else {}


BUILD_DATA = {"build_dir", "panel_path", "oxide_panel_path"}  # parameters that point at the data step's products


def needs_build_data(nb: dict) -> bool:
    """False for a chapter that reads nothing the build makes (no such parameter, no declared input):
    it can run while the data step runs."""
    return bool(declared_parameters(nb) & BUILD_DATA or declared_inputs(nb))


def numbering(chapters: list[str]) -> dict[str, str]:
    return {c: f"[{i}/{len(chapters)}] {c}" for i, c in enumerate(chapters, 1)}


def run_early(plan: Plan, chapters: list[str], numbered: dict[str, str], log, say) -> dict[str, str]:
    """Bring up to date, one after the other, the chapters that need no build data (see `needs_build_data`)."""
    return {c: run_one(plan, c, numbered[c], log, say) for c in chapters}


def run_all(plan: Plan, chapters: list[str], log, say, done: dict[str, str] | None = None) -> dict[str, str]:
    """Execute chapters that declare no build product in parallel; then those that read the estimates
    and also save some (the audit), in book order; then the pure readers (Preface, hypotheses,
    conclusions) in parallel, so that on a cold build every reader sees the final estimates and a
    rebuild finds it fresh. The first failure (in book order) is raised after running chapters finish."""
    numbered = numbering(chapters)
    done = dict(done or {})  # chapters already brought up to date (`run_early`)
    todo = [c for c in chapters if c not in done]
    notebooks = {c: read_notebook(plan.project / c) for c in todo}
    first = [c for c in todo if not declared_inputs(notebooks[c])]
    savers = [c for c in todo if c not in first and saves_estimates(notebooks[c])]
    readers = [c for c in todo if c not in first and c not in savers]
    outcome = {**done, **run_parallel(plan, first, numbered, log, say)}
    for c in savers:
        outcome[c] = run_one(plan, c, numbered[c], log, say)
    outcome.update(run_parallel(plan, readers, numbered, log, say))
    return {c: outcome[c] for c in chapters}


def run_parallel(plan: Plan, chapters: list[str], numbered: dict[str, str], log, say) -> dict[str, str]:
    """`run_one` for each chapter on `workers()` threads; the first failure in book order is raised."""
    outcome = {}
    pool = ThreadPoolExecutor(max_workers=workers())
    try:
        futures = {c: pool.submit(run_one, plan, c, numbered[c], log, say) for c in chapters}
        errors = []
        for c, fut in futures.items():
            try:
                outcome[c] = fut.result()
            except CancelledError:  # not started because an earlier chapter failed
                continue
            except ChapterError as exc:
                errors.append(exc)
                for other in futures.values():
                    other.cancel()
        if errors:
            raise errors[0]
    except BaseException:  # Ctrl-C included: do not wait for chapters still running
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return outcome
