"""The whole build: data -> panel -> chapter notebooks (papermill) -> HTML + PDF, published atomically."""
from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import papermill as pm
import yaml

from analysis.core import config
from analysis.core.errors import ChapterError, ReplicationError
from analysis.core.paths import DATA, ROOT, build_dir
from analysis.data import build as build_data
from analysis.estimation import estimates
from analysis.pipeline.steps import StepLog, digest
from analysis.render.book import render_project


@dataclass
class BuildOptions:
    """What `python -m analysis build` was asked to do."""

    build: Path = field(default_factory=build_dir)
    out: Path = ROOT / "_book"
    user_panel: Path | None = None
    oxide_panel: Path | None = None  # the user's oxide prices for Table 7 (chapter parameter oxide_panel_path)
    use_url: bool = True
    mirror: Path | None = None
    seed: int = config.SEED
    n_placebo: int = config.N_PLACEBO
    chapters: list[str] | None = None  # subset of chapter paths to execute (default: all)
    formats: tuple[str, ...] = ("html", "pdf")
    force: bool = False


def say(msg: str) -> None:
    print(msg, flush=True)


def book_chapters(project: Path = ROOT) -> list[str]:
    config = yaml.safe_load((project / "_quarto.yml").read_text(encoding="utf-8"))
    return list(config["book"]["chapters"])


def chapter_parameters(opts: BuildOptions, panel: Path) -> dict:
    return {"build_dir": str(opts.build), "panel_path": str(panel),
            "seed": opts.seed, "n_placebo": opts.n_placebo,
            "oxide_panel_path": str(Path(opts.oxide_panel).resolve()) if opts.oxide_panel else ""}


def execute_chapter(chapter: str, target: Path, params: dict) -> None:
    """Run one chapter notebook with papermill; a failing cell becomes ChapterError(chapter, cell)."""
    source = ROOT / chapter
    declared = pm.inspect_notebook(str(source))
    wanted = {k: v for k, v in params.items() if k in declared}
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".running.ipynb")
    try:
        pm.execute_notebook(str(source), str(tmp), parameters=wanted, cwd=str(ROOT), kernel_name="python3",
                            progress_bar=False, log_output=False, report_mode=False,
                            # the kernel warns about unencrypted TCP on every start; keep the log for errors
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    except pm.PapermillExecutionError as exc:
        raise ChapterError(chapter, f"{exc.ename}: {exc.evalue}", cell=exc.cell_index) from None
    except Exception as exc:  # kernel death, unreadable notebook, ...
        raise ChapterError(chapter, f"{type(exc).__name__}: {exc}") from None
    hide_injected_parameters(tmp)
    tmp.replace(target)


def hide_injected_parameters(path: Path) -> None:
    """In place: give papermill's injected-parameters cell `#| include: false`, so that `quarto render`
    hides it as the fallback renderer does (the build's paths are not part of the book)."""
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []) and "#| include:" not in cell.source:
            cell.source = "#| include: false\n" + cell.source
    nbformat.write(nb, str(path))


def declared_inputs(chapter: str) -> list[str]:
    """Build products a chapter reads besides the panel, declared in its notebook metadata
    (`"redid": {"inputs": ["estimates"]}`): they join its cache key, so it re-runs when they change."""
    meta = json.loads((ROOT / chapter).read_text(encoding="utf-8")).get("metadata", {})
    return list(meta.get("redid", {}).get("inputs", []))


def run_chapters(opts: BuildOptions, panel: Path, log: StepLog) -> dict[str, Path]:
    """Execute every notebook chapter (cached by content); returns chapter -> executed notebook."""
    chapters = [c for c in book_chapters() if c.endswith(".ipynb")]
    selected = set(opts.chapters or chapters)
    params = chapter_parameters(opts, panel)
    code_and_data = [ROOT / "analysis", DATA, panel, *([Path(opts.oxide_panel)] if opts.oxide_panel else [])]
    products = {"estimates": opts.build / "estimates"}
    executed = {}
    for i, chapter in enumerate(chapters, 1):
        target = opts.build / "executed" / chapter
        executed[chapter] = target
        if chapter not in selected and target.is_file():
            continue
        unknown = [name for name in declared_inputs(chapter) if name not in products]
        if unknown:
            raise ChapterError(chapter, f"metadata declares unknown input(s) {unknown}; known: {sorted(products)}")
        reads = [products[name] for name in declared_inputs(chapter) if products[name].exists()]
        key = digest([ROOT / chapter, *code_and_data, *reads], json.dumps(params, sort_keys=True))
        tag = f"[{i}/{len(chapters)}] {chapter}"
        if not opts.force and target.is_file() and log.fresh(chapter, key):
            say(f"{tag} unchanged, cached")
            continue
        t0 = time.perf_counter()
        say(f"{tag} executing ...")
        execute_chapter(chapter, target, params)
        # a chapter may write to a product it also reads (the audit saves its star audit to the estimates):
        # record the key of the inputs as they are after the run, so an unchanged rebuild finds it fresh
        reads = [products[name] for name in declared_inputs(chapter) if products[name].exists()]
        key = digest([ROOT / chapter, *code_and_data, *reads], json.dumps(params, sort_keys=True))
        log.record(chapter, [ROOT / chapter, panel, *reads], [target], key=key)
        say(f"{tag} ok ({time.perf_counter() - t0:.1f} s)")
    return executed


def publish(executed: dict[str, Path], opts: BuildOptions) -> dict:
    """Render into a temporary directory beside the output, then swap it in (old book kept on failure)."""
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=opts.out.name + ".tmp-", dir=opts.out.parent))
    try:
        written = render_project(ROOT, executed, staging, formats=opts.formats)
        say(f"render: {'quarto render' if written['engine'] == 'quarto' else 'pandoc + typst (quarto not on PATH)'}")
        old = opts.out.with_name(opts.out.name + ".old")
        if opts.out.exists():
            shutil.rmtree(old, ignore_errors=True)
            opts.out.rename(old)
        staging.chmod(0o755)  # mkdtemp makes it private; a published book is world-readable
        staging.rename(opts.out)
        shutil.rmtree(old, ignore_errors=True)
        return written
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def build(opts: BuildOptions) -> int:
    """Run every step; print progress; return a process exit code."""
    t0 = time.perf_counter()
    log = StepLog(opts.build / "steps.json")
    try:
        say("[data] fetching and verifying raw inputs, building the panel ...")
        written, inputs = build_data.write_panel(opts.build, opts.user_panel, opts.use_url, opts.mirror)
        log.record("panel", inputs, written.values(), key=digest(inputs))
        say(f"[data] panel ok: {written['panel']}")
        executed = run_chapters(opts, written["panel"], log)
        gathered = estimates.gather(opts.build)
        log.record("estimates", [opts.build / "estimates"], [gathered])
        publish(executed, opts)
    except ReplicationError as exc:
        say(f"build failed: {exc}")
        say(f"the previously published book in {opts.out} is untouched")
        return 1
    say(f"book written to {opts.out} in {time.perf_counter() - t0:.0f} s")
    return 0
