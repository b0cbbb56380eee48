"""The whole build: checks -> data -> chapter notebooks (papermill) -> HTML + PDF, published atomically.

Order: take the build lock, remove leftovers of killed builds, check everything that can be checked
before any chapter runs (`preflight`), build the panel (cached by the sha256 of the manifest, data/,
the data code and the user's panel), bring every chapter up to date (`execute`), render (skipped
when the published book was rendered from the same inputs) and swap the new book in (`publish`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import ExitStack, closing
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from analysis.core import config
from analysis.core.errors import ReplicationError
from analysis.core.paths import ROOT
from analysis.core.paths import build_dir as default_build_dir
from analysis.data.fetch import sha256_of
from analysis.pipeline import kernels, preflight
from analysis.pipeline.execute import Plan, needs_build_data, numbering, read_notebook, run_all, run_early
from analysis.pipeline.publish import (
    MARKER,
    MARKER_TEXT,
    BuildLock,
    check_output,
    clean_leftovers,
    owned,
    staging_dir,
    swap_in,
)
from analysis.pipeline.steps import StepLog, digest, environment_key
from analysis.render.errors import RenderError

DEFAULT_TIMEOUT = 600.0  # seconds one chapter's cells may run together; the slowest takes ~7 s here


@dataclass
class BuildOptions:
    """What `python -m analysis build` was asked to do."""

    build_dir: Path = field(default_factory=default_build_dir)
    out: Path = ROOT / "_book"
    user_panel: Path | None = None
    oxide_panel: Path | None = None  # the user's oxide prices for Table 7 (chapter parameter oxide_panel_path)
    use_url: bool = True
    mirror: Path | None = None
    seed: int = config.SEED
    n_placebo: int = config.N_PLACEBO
    chapters: list[str] | None = None  # chapters to execute even if cached (the others re-run only if stale)
    formats: tuple[str, ...] = ("html", "pdf")
    force: bool = False
    timeout: float | None = DEFAULT_TIMEOUT
    debug: bool = False  # print the traceback of a failure


_SAY = threading.Lock()


def say(msg: str) -> None:
    """One progress line (whole, even when chapters running in parallel threads report at once)."""
    with _SAY:
        sys.stdout.write(msg + "\n")
        sys.stdout.flush()


def book_chapters(project: Path | None = None) -> list[str]:
    """The chapters listed in _quarto.yml; a ReplicationError naming the file when it is unreadable."""
    path = Path(project or ROOT) / "_quarto.yml"
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        chapters = config["book"]["chapters"]
        if not isinstance(chapters, list) or not all(isinstance(c, str) for c in chapters):
            raise TypeError("book.chapters is not a list of file names")
    except OSError as exc:
        raise ReplicationError(f"{path}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ReplicationError(f"{path}:{where} not valid YAML ({getattr(exc, 'problem', exc)})") from None
    except (KeyError, TypeError) as exc:
        raise ReplicationError(f"{path}: no usable book.chapters list ({exc})") from None
    return list(chapters)


def chapter_parameters(opts: BuildOptions, panel: Path) -> dict:
    return {
        "build_dir": str(opts.build_dir),
        "panel_path": str(panel),
        "seed": opts.seed,
        "n_placebo": opts.n_placebo,
        "oxide_panel_path": str(Path(opts.oxide_panel).resolve()) if opts.oxide_panel else "",
    }


def check_all(opts: BuildOptions, project: Path) -> list[str]:
    """Every problem found before any chapter runs (resolves --chapter names in `opts`)."""
    from analysis.data.schemas import check_user_panel

    state = {}

    def chapters():
        state["chapters"] = book_chapters(project)
        resolved, problems = preflight.resolve_chapters(opts.chapters, state["chapters"])
        opts.chapters = resolved
        quarto = project / "_quarto.yml"
        config = (yaml.safe_load(quarto.read_text(encoding="utf-8")) or {}) if quarto.is_file() else {}
        return (
            problems
            + preflight.check_notebooks(project, state["chapters"])
            + preflight.check_bibliography(project, config)
        )

    checks = [
        lambda: preflight.check_options(opts.seed, opts.n_placebo, opts.timeout),
        chapters,
        lambda: check_output(opts.out, project),
    ]
    if opts.user_panel:
        checks.append(lambda: [] if check_user_panel(opts.user_panel) is not None else [])
    if opts.oxide_panel:
        checks.append(lambda: check_oxide_panel(opts.oxide_panel))
    if "pdf" in opts.formats:
        checks.append(preflight.check_pdf_engine)
    return preflight.collect(*checks)


def check_oxide_panel(path: Path) -> list[str]:
    """The user's oxide file, cell by cell (every problem), then the module's own checks (units)."""
    from analysis.data import oxide_inputs as oxides
    from analysis.data.panel import PanelSpec
    from analysis.data.user_files import Column, Problems, convert, duplicates, missing_columns, read_user_csv

    spec = PanelSpec()
    raw = read_user_csv(path, "oxide panel")
    problems = Problems(path, "oxide panel")
    if missing_columns(raw, oxides.REQUIRED, oxides.OPTIONAL, problems):
        columns = {
            "oxide": Column("text", choices=tuple(oxides.OXIDES), required=True),
            "year": Column("year", low=spec.first_year, high=spec.last_year, required=True),
            "price": Column(low=0, low_open=True, required=True),
        }
        duplicates(convert(raw, columns, problems), ["oxide", "year"], problems)
    problems.raise_if_any()
    oxides.load_oxides(path, spec)
    return []


def data_step(opts: BuildOptions, project: Path, log: StepLog, pool: kernels.Pool | None = None) -> Path:
    """The panel and its companions in <build>/data, rebuilt only when the manifest (which pins every
    raw input's sha256), data/, the data code, the user's panel or the environment changed. A rebuilt
    panel re-runs the chapters that read it, so the warm kernels start importing meanwhile (`pool`)."""
    code = [project / "analysis" / "core", project / "analysis" / "data"]
    user = [Path(opts.user_panel)] if opts.user_panel else []
    key = digest([project / "data", *code, *user], environment_key(project) + f"; user panel: {bool(user)}")
    from analysis.data import build as build_data

    paths = build_data.panel_paths(opts.build_dir)
    if not opts.force and log.fresh("panel", key) and paths["panel"].is_file():
        say("[data] unchanged, cached")
        return paths["panel"]
    if pool is not None:
        pool.start()
    t0 = time.perf_counter()
    say("[data] fetching and verifying raw inputs, building the panel ...")
    written, inputs = build_data.write_panel(opts.build_dir, opts.user_panel, opts.use_url, opts.mirror, progress=say)
    log.record("panel", inputs, written.values(), key=key)
    say(f"[data] panel ok ({time.perf_counter() - t0:.1f} s)")
    return written["panel"]


def source_date_epoch(project: Path) -> str:
    """SOURCE_DATE_EPOCH, else the time of the last commit, else 0: the PDF's fixed timestamp."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        out = subprocess.run(
            ["git", "-C", str(project), "log", "-1", "--format=%ct"], capture_output=True, text=True, timeout=5
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    return out if out.isdigit() else "0"


def render_key(project: Path, executed: dict[str, Path], formats, stamp: str) -> str:
    book = [
        project / n
        for n in (
            "_quarto.yml",
            "index.qmd",
            "references.qmd",
            "references.bib",
            "requirements.lock",
            "appendices",
            "data/sources.yaml",
            "data/exhibits.yaml",
            "data/paper/README.md",
        )
        if (project / n).exists()
    ]
    qmd = [project / c for c in book_chapters(project) if not c.endswith(".ipynb")]
    return digest(
        [*executed.values(), *book, *qmd, project / "analysis" / "render"],
        f"{sorted(formats)}; {stamp}; {environment_key(project)}",
    )


def publish(executed: dict[str, Path], opts: BuildOptions, project: Path, seconds: float | None = None) -> str:
    """Render into a staging directory beside the output, then swap it in (old book kept on failure).
    Skipped when the published book carries the same render key."""
    stamp = source_date_epoch(project)
    key = render_key(project, executed, opts.formats, stamp)
    marker = opts.out / MARKER
    if not opts.force and owned(opts.out) and marker.read_text().endswith(f"render key {key}\n"):
        say("[render] unchanged, the published book is up to date")
        return "cached"
    from analysis.render.book import render_project  # here: a book that is up to date needs no renderer

    t0, started = time.perf_counter(), time.time()
    say("[render] rendering the book ...")
    staging = staging_dir(opts.out)
    try:
        os.environ["SOURCE_DATE_EPOCH"] = stamp
        if opts.force:  # everything afresh: no memo of pandoc and typst either
            os.environ.pop("REDID_RENDER_CACHE", None)
        else:
            os.environ["REDID_RENDER_CACHE"] = str(opts.build_dir / "render-cache")
        written = render_project(
            project, executed, staging, formats=opts.formats, build_dir=opts.build_dir, build_seconds=seconds
        )
        (staging / MARKER).write_text(MARKER_TEXT + f"render key {key}\n")
        if not opts.force:
            prune(opts.build_dir / "render-cache", started - 2)
        swap_in(staging, opts.out, keep=() if "pdf" in opts.formats else ("book.pdf",))
    except BaseException:
        import shutil

        shutil.rmtree(staging, ignore_errors=True)
        raise
    engine = "quarto render" if written["engine"] == "quarto" else "pandoc + typst (quarto not on PATH)"
    say(f"[render] {engine} ({time.perf_counter() - t0:.1f} s)")
    return "rendered"


def prune(folder: Path, before: float) -> None:
    """Drop memo entries this render did not use (their mtime is refreshed on every hit)."""
    for path in Path(folder).glob("*/*"):
        if path.stat().st_mtime < before:
            path.unlink(missing_ok=True)


def build(opts: BuildOptions, project: Path | None = None) -> int:
    """Run every step; print progress; return a process exit code (errors: one line each, stderr)."""
    project = Path(project or ROOT)
    t0 = time.perf_counter()
    opts.out = Path(opts.out).resolve()
    opts.build_dir = Path(opts.build_dir).resolve()
    try:
        with BuildLock(opts.build_dir), ExitStack() as stack:
            clean_leftovers(opts.out, opts.build_dir)
            problems = check_all(opts, project)
            if problems:
                raise preflight.Preflight(problems)
            log = StepLog(opts.build_dir / "steps.json")
            pool = stack.enter_context(closing(kernels.Pool(project)))
            notebooks = [c for c in book_chapters(project) if c.endswith(".ipynb")]
            plan = Plan(
                project=project,
                build_dir=opts.build_dir,
                params=chapter_parameters(opts, opts.build_dir / "data" / "panel.csv"),  # the early chapters' view
                shared_key=shared_key(project),
                data_key="",  # set once the data step has run; the early chapters' keys do not hold it
                oxide_key=sha256_of(Path(opts.oxide_panel)) if opts.oxide_panel else "",
                timeout=opts.timeout,
                force=set(notebooks) if opts.force else set(opts.chapters or []),
                kernels=pool,
            )
            # chapters that read nothing the build makes run meanwhile, on the core the data step leaves
            early = [c for c in notebooks if not needs_build_data(read_notebook(project / c))]
            background = ThreadPoolExecutor(max_workers=1)
            done = background.submit(run_early, plan, early, numbering(notebooks), log, say)
            try:
                panel = data_step(opts, project, log, pool)
            except BaseException:
                wait([done])  # let the early chapters finish (a few seconds) rather than kill their kernels
                raise
            finally:
                background.shutdown(wait=False)
            plan = replace(plan, params=chapter_parameters(opts, panel), data_key=data_products_key(panel))
            outcome = run_all(plan, notebooks, log, say, done=done.result())
            gathered = opts.build_dir / "estimates.csv"
            if "executed" in outcome.values() or not gathered.is_file():
                from analysis.estimation import estimates

                estimates.gather(opts.build_dir)
                log.record("estimates", [opts.build_dir / "estimates"], [gathered])
            executed = {c: opts.build_dir / "executed" / c for c in notebooks}
            publish(executed, opts, project, seconds=time.perf_counter() - t0)
    except (ReplicationError, RenderError) as exc:
        if opts.debug:
            import traceback

            traceback.print_exc()
        for line in getattr(exc, "lines", None) or [" ".join(str(exc).split())]:
            print(f"error: {line}", file=sys.stderr, flush=True)
        say(f"build failed; the book in {opts.out} is unchanged")
        return 1
    say(f"book written to {opts.out} in {time.perf_counter() - t0:.1f} s")
    return 0


def data_products_key(panel: Path) -> str:
    """Every file the data step wrote beside the panel: the panel, its provenance, the panel variants
    (`panel_variants.csv`, `variants.csv`, read by the sensitivity chapter), the oxide series ..."""
    return digest([Path(panel).parent])


def shared_key(project: Path) -> str:
    """Code and data every chapter sees: analysis/ (not the renderer), data/, Python and the lock file."""
    return digest([*analysis_code(project), project / "data"], environment_key(project))


def analysis_code(project: Path) -> list[Path]:
    """The analysis code chapters run: analysis/ but the renderer and the pipeline (chapters import neither)."""
    folder = project / "analysis"
    skip = ("render", "pipeline", "__pycache__")
    return [p for p in sorted(folder.iterdir()) if p.name not in skip] if folder.is_dir() else []
