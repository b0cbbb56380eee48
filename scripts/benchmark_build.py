"""Benchmark of the build's caching, in one run, on a copy of the project (the worktree is not touched).

Scenarios, each `python -m analysis build --offline` timed from the shell's point of view:
  cold       empty build directory (set-up done: .venv exists)       target <= 30 s
  nothing    a second build with nothing changed                       target <= 2 s
  markdown   one sentence added to a Markdown cell of one chapter      target <= 6 s
  code       one code cell of one chapter changed                       target <= 12 s
Each row shows the wall time, the CPU seconds of the build and all its processes, and the build's own
stage breakdown (data, chapters executed or reused, render), read from its progress lines. Other
processes on the machine slow every wall time; the CPU seconds change much less.

Usage: .venv/bin/python scripts/benchmark_build.py [--repeat N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"cold": 30.0, "nothing": 2.0, "markdown": 6.0, "code": 12.0}
MARKDOWN_CHAPTER = "chapters/02-hypotheses.ipynb"
CODE_CHAPTER = "chapters/04-baseline.ipynb"


def copy_project(dest: Path) -> None:
    files = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


def edit_notebook(path: Path, kind: str) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(
        c
        for c in nb["cells"]
        if c["cell_type"] == kind
        and "parameters" not in c.get("metadata", {}).get("tags", [])
        and (kind == "markdown" or "#|" not in "".join(c["source"])[:3])
    )
    src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    cell["source"] = src + ("\n\nA sentence added by the benchmark." if kind == "markdown" else "\n_benchmark_edit = 1")
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def stages(stdout: str) -> str:
    """The build's own breakdown from its progress lines."""
    data = re.search(r"\[data\] (unchanged, cached|panel ok \(([\d.]+) s\))", stdout)
    executed = re.findall(r"\] (\S+\.ipynb) ok \(([\d.]+) s\)", stdout)
    markdown = len(re.findall(r"Markdown changed: outputs reused", stdout))
    cached = len(re.findall(r"unchanged, cached", stdout)) - (1 if data and data.group(2) is None else 0)
    render = re.search(r"\[render\] (unchanged|.*\(([\d.]+) s\))", stdout)
    total = re.search(r"book written to .* in ([\d.]+) s", stdout)
    parts = [
        f"data {'cached' if data and data.group(2) is None else (data.group(2) + ' s' if data else '?')}",
        f"executed {len(executed)}"
        + (f" ({', '.join(f'{Path(c).stem} {t} s' for c, t in executed)})" if executed else ""),
        f"markdown-only {markdown}",
        f"cached {cached}",
        f"render {'cached' if render and render.group(2) is None else (render.group(2) + ' s' if render else '?')}",
        f"in-process {total.group(1) if total else '?'} s",
    ]
    return "; ".join(parts)


def cpu_of_children() -> float:
    """User + system CPU seconds of every finished descendant (the build, its warm-kernel process and
    the kernels it reaps, pandoc, typst): unlike the wall time, barely changed by other jobs' load."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(project: Path, env: dict) -> tuple[float, float, str]:
    t0, c0 = time.perf_counter(), cpu_of_children()
    proc = subprocess.run(
        [sys.executable, "-m", "analysis", "build", "--offline"], cwd=project, env=env, capture_output=True, text=True
    )
    wall, cpu = time.perf_counter() - t0, cpu_of_children() - c0
    if proc.returncode != 0:
        sys.exit(f"build failed in {project}:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return wall, cpu, proc.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="repeat the rebuild scenarios, report the median")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from analysis.core.paths import mirror_dir

    work = args.keep or Path(tempfile.mkdtemp(prefix="redid-bench-"))
    project = work / "project"
    shutil.rmtree(project, ignore_errors=True)
    copy_project(project)
    env = {**os.environ, "REDID_MIRROR": str(mirror_dir()), "REDID_BUILD": str(project / "_build")}
    env.pop("REDID_CACHE", None)
    print(
        f"benchmark of the build on a copy of the project in {project}; {os.cpu_count()} cores; "
        f"load average {os.getloadavg()[0]:.1f} at start"
    )
    rows = []
    wall, cpu, out = run(project, env)
    rows.append(("cold", [(wall, cpu)], stages(out)))
    scenarios = [("nothing", None), ("markdown", MARKDOWN_CHAPTER), ("code", CODE_CHAPTER)]
    for name, chapter in scenarios:
        runs, breakdown = [], ""
        for _ in range(args.repeat):
            if chapter:
                edit_notebook(project / chapter, "markdown" if name == "markdown" else "code")
            wall, cpu, out = run(project, env)
            runs.append((wall, cpu))
            breakdown = stages(out)
        rows.append((name, runs, breakdown))
    print(f"{'scenario':9s} {'wall s':>7s} {'target':>7s} {'ratio':>6s} {'cpu s':>6s}  stages")
    for name, runs, breakdown in rows:
        wall, cpu = sorted(runs)[len(runs) // 2]
        print(f"{name:9s} {wall:7.1f} {TARGETS[name]:7.1f} {wall / TARGETS[name]:6.2f} {cpu:6.1f}  {breakdown}")
    print("cpu s: CPU seconds of the build and all its processes; on an idle machine the wall time is at")
    print(f"least cpu s / {os.cpu_count()} cores, and the load of other jobs adds to the wall time, not to it")
    print(f"load average at end {os.getloadavg()[0]:.1f}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
