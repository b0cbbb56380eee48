"""Fault suite: a hostile but fair user's faults, each ending in one clear line.

Every case runs the build on a tiny project (two chapter notebooks, a preface, a bibliography,
a user panel) whose book was built once, and asserts: the one-line message (stderr holds only
`error: ...` lines, no traceback), the exit code, the previously published book byte-identical,
nothing outside the build's own folders touched, and that the next normal build recovers.
Faults found before any chapter runs are checked in-process and take well under a second.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from synthetic import user_panel

from analysis.core.paths import ROOT
from analysis.pipeline import build as pipeline
from analysis.pipeline import cli, publish

pytestmark = pytest.mark.faults

QUARTO = """\
project:
  type: book
book:
  title: "Fault Book"
  chapters:
    - index.qmd
    - chapters/01-alpha.ipynb
    - chapters/02-beta.ipynb
bibliography: references.bib
format:
  typst:
    mainfont: "Noto Serif CJK SC"
"""
BIB = "@book{key2001,\n  author = {Li, Wei},\n  title = {A Book},\n  year = {2001}\n}\n"
PARAMS = '# parameters\nbuild_dir = "_build"\npanel_path = ""\nseed = 1\n'


def notebook(title: str, code: list[str], params: str = PARAMS) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cell = nbformat.v4.new_code_cell(params)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# {title} {{#sec-{title.lower()}}}\n\nSome prose."),
        cell,
        *[nbformat.v4.new_code_cell(c) for c in code],
    ]
    return nb


ALPHA = ["import csv\nrows = list(csv.DictReader(open(panel_path)))\nprint('rows', len(rows))"]
BETA = ["print('seed is', seed)"]


def make_project(root: Path) -> None:
    (root / "chapters").mkdir(parents=True)
    (root / "_quarto.yml").write_text(QUARTO)
    (root / "index.qmd").write_text("# Preface {.unnumbered}\n\nAs argued by @key2001.\n")
    (root / "references.bib").write_text(BIB)
    nbformat.write(notebook("Alpha", ALPHA), root / "chapters" / "01-alpha.ipynb")
    nbformat.write(notebook("Beta", BETA, PARAMS), root / "chapters" / "02-beta.ipynb")


@dataclass
class Site:
    """A tiny project with a published book: tmp/{project, build, book, panel.csv, user/}."""

    root: Path

    @property
    def project(self):
        return self.root / "project"

    @property
    def build(self):
        return self.root / "build"

    @property
    def book(self):
        return self.root / "book"

    @property
    def panel(self):
        return self.root / "panel.csv"


def digests(folder: Path, skip=()) -> dict[str, str]:
    """relative path -> sha256 of every file under `folder` (folders named in `skip` left out)."""
    out = {}
    for f in sorted(Path(folder).rglob("*")):
        rel = f.relative_to(folder)
        if rel.parts and rel.parts[0] in skip:
            continue
        out[rel.as_posix()] = hashlib.sha256(f.read_bytes()).hexdigest() if f.is_file() else "dir"
    return out


def run(site: Site, *args: str, out: Path | None = None, capsys=None, panel: bool = True):
    """`python -m analysis build` in-process on the site's project; returns (exit code, stdout, stderr)."""
    argv = [
        "build",
        "--offline",
        "--out",
        str(out or site.book),
        *(["--panel", str(site.panel)] if panel else []),
        *args,
    ]
    code = cli.main(argv)
    got = capsys.readouterr() if capsys else None
    return code, (got.out if got else ""), (got.err if got else "")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    root = tmp_path_factory.mktemp("fault-template")
    site = Site(root)
    make_project(site.project)
    user_panel().to_csv(site.panel, index=False)
    (root / "user").mkdir()
    (root / "user" / "thesis.docx").write_text("a user's file")
    env = {k: os.environ.get(k) for k in ("REDID_BUILD", "SOURCE_DATE_EPOCH", "REDID_RENDER_CACHE")}
    os.environ["REDID_BUILD"] = str(site.build)
    old_root = pipeline.ROOT
    pipeline.ROOT = site.project
    try:
        assert cli.main(["build", "--offline", "--out", str(site.book), "--panel", str(site.panel)]) == 0
    finally:
        pipeline.ROOT = old_root
        for k, v in env.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    return root


@pytest.fixture
def site(template, tmp_path, monkeypatch):
    """A fresh copy of the template site; the build's environment restored afterwards."""
    shutil.copytree(template, tmp_path, dirs_exist_ok=True, symlinks=True)
    s = Site(tmp_path)
    monkeypatch.setattr(pipeline, "ROOT", s.project)
    monkeypatch.setenv("REDID_BUILD", str(s.build))
    for k in ("SOURCE_DATE_EPOCH", "REDID_RENDER_CACHE"):
        monkeypatch.delenv(k, raising=False)
    return s


class Watch:
    """Snapshots of the book and of everything outside the build's own folders."""

    def __init__(self, site: Site):
        self.site = site
        self.book = digests(site.book)
        self.outside = digests(site.root, skip=("build", "book"))

    def unchanged(self):
        assert digests(self.site.book) == self.book, "the previous book changed"
        assert digests(self.site.root, skip=("build", "book")) == self.outside, "something outside the build changed"


def one_line(err: str, pattern: str, n: int | None = 1) -> list[str]:
    """stderr holds only `error:` lines (n of them, if given), no traceback, one matching `pattern`."""
    lines = err.strip().splitlines()
    assert "Traceback" not in err, err
    assert all(line.startswith("error: ") for line in lines), err
    if n is not None:
        assert len(lines) == n, err
    assert any(re.search(pattern, line) for line in lines), (pattern, err)
    return lines


def fails(site, capsys, pattern, *args, code=1, n=1, panel=True, out=None):
    """The build fails with `code` and the message, leaves book and surroundings alone; returns stderr lines."""
    watch = Watch(site)
    got, _, err = run(site, *args, capsys=capsys, panel=panel, out=out)
    assert got == code, err
    lines = one_line(err, pattern, n)
    watch.unchanged()
    return lines


def recovers(site, capsys, *args):
    """The next normal build succeeds."""
    code, out, err = run(site, *args, capsys=capsys)
    assert code == 0, out + err
    assert publish.owned(site.book)
    return out


def write_panel(site, frame, **kwargs):
    frame.to_csv(site.panel, index=False, **kwargs)


# ------------------------------------------------------------------ never destroy what is not ours


def test_out_is_the_project_folder(site, capsys):
    fails(site, capsys, r"--out .*project folder or a folder above it", out=site.project)
    recovers(site, capsys)


def test_out_is_a_folder_above_the_project(site, capsys):
    fails(site, capsys, r"--out .*project folder or a folder above it", out=site.root)
    recovers(site, capsys)


def test_out_is_a_users_folder(site, capsys):
    fails(site, capsys, r"--out .*user: folder is not empty and was not written by this build", out=site.root / "user")
    assert (site.root / "user" / "thesis.docx").read_text() == "a user's file"
    recovers(site, capsys)


def test_out_is_a_users_file(site, capsys):
    fails(site, capsys, r"--out .*thesis\.docx: is a file", out=site.root / "user" / "thesis.docx")
    assert not (site.root / "user" / "thesis.docx.old").exists()
    recovers(site, capsys)


def test_out_folder_not_writable(site, capsys, monkeypatch):
    monkeypatch.setattr(publish, "writable", lambda folder: False)
    fails(site, capsys, r"--out .*: folder .* is not writable")
    monkeypatch.undo()
    monkeypatch.setattr(pipeline, "ROOT", site.project)
    monkeypatch.setenv("REDID_BUILD", str(site.build))
    recovers(site, capsys)


def test_out_disk_full(site, capsys, monkeypatch):
    monkeypatch.setattr(publish, "free_bytes", lambda folder: 3 * 2**20)
    fails(site, capsys, r"--out .*: only 3 MiB free on its disk, the build needs \d+ MiB")
    monkeypatch.setattr(publish, "free_bytes", lambda folder: 2**40)
    recovers(site, capsys)


def test_html_only_keeps_the_last_pdf(site, capsys):
    pdf = (site.book / "book.pdf").read_bytes()
    (site.project / "index.qmd").write_text("# Preface {.unnumbered}\n\nNew words, as argued by @key2001.\n")
    recovers(site, capsys, "--html-only")
    assert "New words" in (site.book / "index.html").read_text()
    assert (site.book / "book.pdf").read_bytes() == pdf


def test_concurrent_build_is_refused(site, capsys):
    with publish.BuildLock(site.build):
        fails(site, capsys, rf"another build \(pid {os.getpid()}\) is running in .*build")
    recovers(site, capsys)


def test_leftovers_of_killed_builds_are_removed_and_strangers_kept(site, capsys):
    ours = site.root / "book.tmp-dead1"
    ours.mkdir()
    (ours / publish.MARKER).write_text("staging")
    stranger = site.root / "book.tmp-mine"
    stranger.mkdir()
    (stranger / "notes.txt").write_text("not the build's")
    running = site.build / "executed" / "chapters" / "01-alpha.running.ipynb"
    running.write_text("{}")
    (site.build / "runtime").mkdir(exist_ok=True)
    (site.build / "runtime" / "kernel-123.json").write_text("{}")
    recovers(site, capsys)
    assert not ours.exists() and not running.exists() and not list((site.build / "runtime").glob("kernel-123*"))
    assert (stranger / "notes.txt").read_text() == "not the build's"


# ------------------------------------------------------------------ the user's panel, checked up front


def test_panel_sorted_by_year_with_design_columns_is_valid(site, capsys):
    frame = user_panel().assign(
        treat=lambda f: (f.mineral == "rare_earths").astype(int), post=lambda f: (f.year >= 2006).astype(int)
    )
    write_panel(site, frame.assign(DID=frame.treat * frame.post).sort_values(["year", "mineral"]))
    recovers(site, capsys)


@pytest.mark.parametrize(
    "column,value,pattern",
    [
        ("LNPRI", "inf", "infinite value"),
        ("LNGDP", "-inf", "infinite value"),
        ("LNPRI", "abc", "not a number"),
        ("year", "2001.5", "not a whole year"),
        ("year", "2001a", "not a year"),
    ],
)
def test_panel_bad_cell(site, capsys, column, value, pattern):
    frame = user_panel().astype({column: object})
    frame.loc[2, column] = value  # rare_earths 2001, row 4 of the file
    write_panel(site, frame)
    lines = fails(
        site,
        capsys,
        rf"panel\.csv: row 4, column '{column}', value '{re.escape(value)}': {pattern}",
        n=2 if column == "year" else 1,
    )
    if column == "year":  # the row's mineral-year is then absent, and said so
        assert any("absent: rare_earths 2001" in line for line in lines)
    write_panel(site, user_panel())
    recovers(site, capsys)


def test_panel_bad_nominal_price(site, capsys):
    """price_nominal (optional, documented) is read and checked like every other column."""
    frame = user_panel().assign(price_nominal=10.0)
    frame.loc[2, "price_nominal"] = 0
    write_panel(site, frame)
    fails(site, capsys, r"panel\.csv: row 4, column 'price_nominal', value '0.0': out of range \(must be > 0\)")
    write_panel(site, frame.assign(price_nominal=10.0))
    recovers(site, capsys)


def test_panel_treated_outcome_all_missing(site, capsys):
    frame = user_panel()
    frame.loc[frame.mineral == "rare_earths", "LNPRI"] = np.nan
    write_panel(site, frame)
    fails(site, capsys, r"column 'LNPRI': every rare_earths value is missing")
    write_panel(site, user_panel())
    recovers(site, capsys)


@pytest.mark.parametrize("sep,name", [(";", "semicolon"), ("\t", "tab")])
def test_panel_other_separator_is_named(site, capsys, sep, name):
    write_panel(site, user_panel(), sep=sep)
    fails(site, capsys, rf"panel\.csv: columns are separated by {name}")
    write_panel(site, user_panel())
    recovers(site, capsys)


def test_panel_duplicates_and_gaps_name_the_users_rows(site, capsys):
    frame = user_panel()
    frame = frame.drop(index=[10]).sort_values("year")
    frame = pd.concat([frame, frame.iloc[[0]]])
    write_panel(site, frame)
    lines = fails(site, capsys, r"rare_earths 1999 appears more than once \(rows 2, 121\)", n=2)
    assert any("1 mineral-year row(s) absent: rare_earths 2009" in line for line in lines)
    write_panel(site, user_panel())
    recovers(site, capsys)


def test_panel_every_problem_is_reported_at_once(site, capsys):
    frame = user_panel().astype({"mineral": object, "CR4": object})
    frame.loc[0, "mineral"] = "gold"
    frame.loc[30, "CR4"] = "1.5"
    frame.loc[40, "EPU"] = -3
    write_panel(site, frame.assign(DID=0))
    lines = fails(site, capsys, r"row 2, column 'mineral', value 'gold': unknown value", n=None)
    text = "\n".join(lines)
    assert "row 32, column 'CR4', value '1.5': out of range" in text
    assert "row 42, column 'EPU', value '-3.0': out of range" in text
    assert "row 9, column 'DID', value '0': disagrees with the design" in text
    assert "--seed" not in text and len(lines) >= 5


@pytest.mark.parametrize(
    "mutate,pattern",
    [
        (lambda p: p.unlink(), r"panel\.csv: file not found"),
        (lambda p: p.write_text(""), r"panel\.csv: file is empty"),
        (lambda p: p.write_bytes(b"\xff\xfe\x00garbage"), r"panel\.csv: not UTF-8 text"),
        (lambda p: p.write_text(p.read_text().replace("EPU", "epu")), r"missing required column\(s\) EPU"),
    ],
)
def test_panel_file_unusable(site, capsys, mutate, pattern):
    mutate(site.panel)
    fails(site, capsys, pattern)
    write_panel(site, user_panel())
    recovers(site, capsys)


# ------------------------------------------------------------------ oxide file, options, chapter names


def oxide_file(site, text: str) -> Path:
    path = site.root / "oxides.csv"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "text,pattern",
    [
        (None, r"oxides\.csv: file not found"),
        ("oxide;year;price;unit\nNd2O3;2010;5;USD/kg\n", r"oxides\.csv: columns are separated by semicolon"),
        ("oxide,year,price,unit\nNd2O3,2010,abc,USD/kg\nGold,2011,4,USD/kg\n", r"oxides\.csv: row 2, column 'price'"),
    ],
)
def test_oxide_file_checked_before_any_chapter(site, capsys, text, pattern):
    path = site.root / "oxides.csv" if text is None else oxide_file(site, text)
    lines = fails(site, capsys, pattern, "--oxide-panel", str(path), n=None)
    if text and "Gold" in text:
        assert any("row 3, column 'oxide', value 'Gold': unknown value" in line for line in lines)
    recovers(site, capsys)


@pytest.mark.parametrize(
    "args,pattern,code",
    [
        (["--seed", "-1"], r"--seed -1: must be a whole number from 0 to 4294967295", 1),
        (["--n-placebo", "0"], r"--n-placebo 0: must be from 1 to", 1),
        (["--n-placebo", "-5"], r"--n-placebo -5: must be from 1 to", 1),
        (["--n-placebo", "1000000000"], r"--n-placebo 1000000000: must be from 1 to [\d,]+ \(the paper uses 500", 1),
        (["--n-placebo", "1e9"], r"argument --n-placebo: invalid int value: '1e9'", 2),
        (["--seed", "abc"], r"argument --seed: invalid int value: 'abc'", 2),
        (["--timeout", "0"], r"--timeout 0: must be a positive number of seconds", 1),
    ],
)
def test_option_values(site, capsys, args, pattern, code):
    fails(site, capsys, pattern, *args, code=code)
    recovers(site, capsys)


def test_unknown_chapter_lists_the_chapters(site, capsys):
    fails(
        site,
        capsys,
        r"--chapter 99-nope\.ipynb: no such chapter; the chapters are: chapters/01-alpha\.ipynb, "
        r"chapters/02-beta\.ipynb",
        "--chapter",
        "99-nope.ipynb",
    )
    recovers(site, capsys)


def test_all_problems_of_options_and_files_together(site, capsys):
    site.panel.write_text(site.panel.read_text().replace(",", ";"))
    lines = fails(site, capsys, r"--seed -1", "--seed", "-1", "--n-placebo", "0", "--chapter", "nope", n=4)
    assert any("separated by semicolon" in line for line in lines)
    write_panel(site, user_panel())
    recovers(site, capsys)


# ------------------------------------------------------------------ the project itself


def test_broken_quarto_yml(site, capsys):
    good = (site.project / "_quarto.yml").read_text()
    (site.project / "_quarto.yml").write_text(good.replace("  chapters:", "  chapters: [\n"))
    fails(site, capsys, r"_quarto\.yml: line \d+ not valid YAML")
    (site.project / "_quarto.yml").write_text(good)
    recovers(site, capsys)


@pytest.mark.parametrize(
    "damage,pattern",
    [
        (lambda p: p.write_text('{"cells": [ truncated'), r"chapters/01-alpha\.ipynb: not a readable notebook"),
        (lambda p: p.unlink(), r"chapters/01-alpha\.ipynb: chapter listed in _quarto\.yml is missing"),
    ],
)
def test_corrupt_or_missing_notebook(site, capsys, damage, pattern):
    path = site.project / "chapters" / "01-alpha.ipynb"
    good = path.read_bytes()
    damage(path)
    fails(site, capsys, pattern)
    path.write_bytes(good)
    recovers(site, capsys)


def test_typst_not_importable(site, capsys, monkeypatch):
    import typst

    monkeypatch.setitem(sys.modules, "typst", None)
    fails(site, capsys, r"PDF: the typst package cannot be imported .*--html-only")
    sys.modules["typst"] = typst
    recovers(site, capsys)


def test_missing_bibliography_is_named(site, capsys):
    (site.project / "references.bib").unlink()
    fails(site, capsys, r"_quarto\.yml: bibliography references\.bib not found")
    (site.project / "references.bib").write_text(BIB)
    recovers(site, capsys)


def test_debug_shows_the_traceback(site, capsys):
    code, _, err = run(site, "--seed", "-1", "--debug", capsys=capsys)
    assert code == 1 and "Traceback" in err and "error: --seed -1" in err


def test_missing_and_corrupt_raw_input(site, capsys, monkeypatch, tmp_path):
    """The public-data build (no --panel): a mirror without the first input, then with wrong bytes."""
    from analysis.data.manifest import load_manifest

    first = next(iter(load_manifest().values()))
    monkeypatch.setenv("REDID_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("REDID_MIRROR", str(tmp_path / "mirror"))
    fails(
        site,
        capsys,
        rf"input '{first.id}' .*could not obtain a verified copy: mirror: missing .*"
        r"url: not tried \(--offline\)",
        panel=False,
    )
    target = tmp_path / "mirror" / first.mirror_path
    target.parent.mkdir(parents=True)
    target.write_bytes(b"not the declared bytes")
    fails(site, capsys, rf"input '{first.id}' .*checksum mismatch .* manifest expects {first.sha256}", panel=False)
    recovers(site, capsys)


def test_broken_manifest(site, capsys, monkeypatch, tmp_path):
    from analysis.data import build as build_data
    from analysis.data import manifest

    bad = tmp_path / "sources.yaml"
    bad.write_text("inputs:\n  - id: x\n    file: [unclosed\n")
    monkeypatch.setattr(build_data, "load_manifest", lambda: manifest.load_manifest(bad))
    fails(site, capsys, r"input 'manifest' .*sources\.yaml.*cannot read", panel=False)
    recovers(site, capsys)


# ------------------------------------------------------------------ chapters: consistency, failures


def test_chapter_without_folder_name_and_stale_chapters_rerun(site, capsys):
    """`--seed 7 --chapter 01-alpha.ipynb`: beta reads the seed, so it is stale and re-runs too."""
    code, out, err = run(site, "--html-only", "--seed", "7", "--chapter", "01-alpha.ipynb", capsys=capsys)
    assert code == 0, err
    assert "chapters/01-alpha.ipynb executing" in out and "chapters/02-beta.ipynb executing" in out
    assert "seed is 7" in (site.book / "02-beta.html").read_text()


def test_markdown_edit_reuses_outputs(site, capsys):
    path = site.project / "chapters" / "02-beta.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += "\n\nA new sentence."
    nbformat.write(nb, path)
    out = recovers(site, capsys)
    assert "02-beta.ipynb Markdown changed: outputs reused" in out and "executing" not in out
    page = (site.book / "02-beta.html").read_text()
    assert "A new sentence." in page and "seed is 20060101" in page


def replace_code(site, chapter: str, code: str | list[str]) -> bytes:
    """Append code cell(s) to a chapter; returns the chapter's previous bytes."""
    path = site.project / "chapters" / chapter
    good = path.read_bytes()
    nb = nbformat.read(path, as_version=4)
    nb.cells += [nbformat.v4.new_code_cell(c) for c in ([code] if isinstance(code, str) else code)]
    nbformat.write(nb, path)
    return good


@pytest.mark.parametrize(
    "code,args,pattern",
    [
        (
            "raise ValueError('planted failure')",
            [],
            r"chapter chapters/02-beta\.ipynb, cell 4: ValueError: planted failure",
        ),
        (
            "import time\ntime.sleep(60)",
            ["--timeout", "2"],
            r"chapter chapters/02-beta\.ipynb, cell 4: timed out: the chapter ran past its limit of 2 s",
        ),
        (  # the limit holds for the chapter: two cells of 1.5 s each would pass a per-cell limit of 2 s
            ["import time\ntime.sleep(1.5)", "time.sleep(1.5)"],
            ["--timeout", "2"],
            r"chapter chapters/02-beta\.ipynb, cell 5: timed out: the chapter ran past its limit of 2 s",
        ),
        ("import os\nos._exit(1)", [], r"chapter chapters/02-beta\.ipynb(, cell \d+)?: the Python kernel died"),
    ],
)
def test_failing_hanging_dying_chapter(site, capsys, code, args, pattern):
    good = replace_code(site, "02-beta.ipynb", code)
    lines = fails(site, capsys, pattern, *args)
    assert not list(site.build.rglob("*.running.ipynb")), lines
    (site.project / "chapters" / "02-beta.ipynb").write_bytes(good)
    recovers(site, capsys)


def test_failing_chapter_that_runs_during_the_data_step(site, capsys):
    """A chapter with no build parameter runs while the data step runs; its failure is reported the same way."""
    path = site.project / "chapters" / "02-beta.ipynb"
    good = path.read_bytes()
    nbformat.write(notebook("Beta", ["x = 1", "raise ValueError('early failure')"], params="# parameters\n"), path)
    fails(site, capsys, r"chapter chapters/02-beta\.ipynb, cell 3: ValueError: early failure")
    path.write_bytes(good)
    recovers(site, capsys)


def test_warm_kernel_process_gone_kernels_start_afresh(site, capsys, monkeypatch):
    """The process that forks warm kernels dies (killed, out of memory): chapters still run, each in a
    kernel started the usual way, and nothing is said on stderr."""
    from analysis.pipeline import kernels

    start = kernels.Zygote.__init__

    def dead_on_arrival(self, project):
        start(self, project)
        self.proc.kill()
        self.proc.wait()

    monkeypatch.setattr(kernels.Zygote, "__init__", dead_on_arrival)
    good = replace_code(site, "02-beta.ipynb", "print('ran in a fresh kernel')")
    code, out, err = run(site, "--html-only", capsys=capsys)
    assert code == 0 and err == "", err
    assert "02-beta.ipynb executing" in out and "ran in a fresh kernel" in (site.book / "02-beta.html").read_text()
    (site.project / "chapters" / "02-beta.ipynb").write_bytes(good)


def test_warm_kernel_fork_fails_that_kernel_starts_afresh(site, capsys, monkeypatch):
    from analysis.pipeline import kernels

    def refuse(self, cmd, env, cwd):
        raise RuntimeError("the warm-kernel process ended")

    monkeypatch.setattr(kernels.Zygote, "spawn", refuse)
    good = replace_code(site, "02-beta.ipynb", "print('ran anyway')")
    code, _, err = run(site, "--html-only", capsys=capsys)
    assert code == 0 and err == "", err
    assert "ran anyway" in (site.book / "02-beta.html").read_text()
    (site.project / "chapters" / "02-beta.ipynb").write_bytes(good)


# ------------------------------------------------------------------ killed builds (separate processes)

LAUNCH = (
    "import sys; from pathlib import Path; from analysis.pipeline import build as pipeline; "
    "from analysis.pipeline.cli import main; "
    "pipeline.ROOT = Path(sys.argv[1]); sys.exit(main(sys.argv[2:]))"
)


def launch(site: Site, *args: str) -> subprocess.Popen:
    env = {**os.environ, "REDID_BUILD": str(site.build)}
    argv = [
        sys.executable,
        "-c",
        LAUNCH,
        str(site.project),
        "build",
        "--offline",
        "--out",
        str(site.book),
        "--panel",
        str(site.panel),
        *args,
    ]
    return subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def wait_for(proc: subprocess.Popen, text: str, limit: float = 120) -> None:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        line = proc.stdout.readline()
        if text in line:
            return
        if not line and proc.poll() is not None:
            raise AssertionError(f"build ended before {text!r}: {proc.stderr.read()}")
    raise AssertionError(f"no {text!r} within {limit} s")


def wait_for_orphan_kernels(runtime: Path, project: Path, limit: float = 30) -> None:
    """Kernels run in their own session: after a kill they notice their parent is gone and exit (a
    kernel started by jupyter_client names `runtime` on its command line; a warm kernel, forked by the
    build's zygote, and the zygote work in the project folder)."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        alive = []
        for proc in Path("/proc").glob("[0-9]*"):
            try:
                if (
                    str(runtime) in (proc / "cmdline").read_bytes().decode(errors="replace")
                    or (proc / "cwd").resolve() == project.resolve()
                ):
                    alive.append(proc)
            except OSError:
                pass
        if not alive:
            return
        time.sleep(0.2)


@pytest.mark.parametrize("when", ["executing", "[render]"])
def test_killed_build_then_rebuild(site, capsys, when):
    watch = Watch(site)
    good = replace_code(site, "02-beta.ipynb", "import time\ntime.sleep(3)\nprint('slept')")
    proc = launch(site)
    wait_for(proc, when)
    end = time.monotonic() + 30
    while when == "executing" and not list((site.build / "runtime").glob("kernel-*.json")) and time.monotonic() < end:
        time.sleep(0.1)  # kill once a kernel is up, so that it leaves its connection file
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(30)
    wait_for_orphan_kernels(site.build / "runtime", site.project)
    killed = list((site.build / "runtime").glob("kernel-*.json"))  # the killed kernel's file, in the build
    if when == "executing":
        assert digests(site.book) == watch.book and killed
    out = recovers(site, capsys)
    assert not list(site.root.glob("book.tmp-*")) and not list(site.build.rglob("*.running.ipynb"))
    assert not [f for f in killed if f.exists()]
    (site.project / "chapters" / "02-beta.ipynb").write_bytes(good)
    assert "error" not in out


def test_ctrl_c_is_one_line(site):
    watch = Watch(site)
    good = replace_code(site, "02-beta.ipynb", "import time\ntime.sleep(30)")
    proc = launch(site)
    wait_for(proc, "executing")
    time.sleep(1)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip() == "interrupted; the previously published book is unchanged", err
    assert digests(site.book) == watch.book
    (site.project / "chapters" / "02-beta.ipynb").write_bytes(good)
