"""Where the book is published, and never destroying what the build does not own.

The build publishes only into a directory it created: each published book (and each staging
directory) holds a marker file. A target that is the project, a folder above it, a file, or a
non-empty folder without the marker is refused with one line. Publishing renders into a staging
directory beside the target and swaps it in, so a failure leaves the previous book in place.
A lock file in the build directory keeps a second build from running at the same time, and
leftovers of killed builds (staging directories, half-executed notebooks, kernel files) are
removed at the next start.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from pathlib import Path

from analysis.core.errors import ReplicationError

MARKER = ".redid-book"  # in every directory the build publishes; its text says so
MARKER_TEXT = "This folder was written by `python -m analysis build`; the next build replaces it entirely.\n"
STAGING = ".tmp-"  # staging directories are named <out>.tmp-XXXX, beside the output
MIN_FREE = 200 * 2**20  # bytes free beside the output before any chapter runs


class OutputError(ReplicationError):
    """The output directory cannot be used (not ours, not writable, no space)."""


class BuildLocked(ReplicationError):
    """Another build holds the lock of this build directory."""


def owned(path: Path) -> bool:
    return (Path(path) / MARKER).is_file()


def check_output(out: Path, project: Path) -> None:
    """Refuse an output the build must not replace; one line saying why."""
    out, project = Path(out).resolve(), Path(project).resolve()
    if out == project or project.is_relative_to(out):
        raise OutputError(
            f"--out {out}: is the project folder or a folder above it; the build replaces its "
            "output entirely, so choose a new folder such as _book"
        )
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputError(f"--out {out}: is a file, not a folder the build created; choose another path")
    legacy = out == project / "_book" and (out / "index.html").is_file()  # the default book of older builds
    if out.is_dir() and any(out.iterdir()) and not owned(out) and not legacy:
        raise OutputError(
            f"--out {out}: folder is not empty and was not written by this build (no {MARKER}); "
            "choose a new or empty folder"
        )
    parent = out.parent
    if not parent.is_dir():
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"--out {out}: cannot create its folder {parent}: {exc.strerror}") from None
    if not writable(parent):
        raise OutputError(f"--out {out}: folder {parent} is not writable")
    free = free_bytes(parent)
    need = max(MIN_FREE, 2 * tree_size(out))
    if free < need:
        raise OutputError(
            f"--out {out}: only {free / 2**20:.0f} MiB free on its disk, the build needs {need / 2**20:.0f} MiB"
        )


def writable(folder: Path) -> bool:
    """True when a file can really be created in `folder` (os.access is wrong for root or read-only mounts)."""
    try:
        fd, probe = tempfile.mkstemp(prefix=".redid-probe-", dir=folder)
    except OSError:
        return False
    os.close(fd)
    os.unlink(probe)
    return True


def free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def tree_size(path: Path) -> int:
    path = Path(path)
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else 0


def staging_dir(out: Path) -> Path:
    """A new private directory beside `out`, with the marker (so a later start knows it is ours)."""
    staging = Path(tempfile.mkdtemp(prefix=out.name + STAGING, dir=out.parent))
    (staging / MARKER).write_text(MARKER_TEXT)
    return staging


def swap_in(staging: Path, out: Path, keep: tuple[str, ...] = ()) -> None:
    """Replace `out` by `staging`; files named in `keep` (e.g. the PDF of an --html-only build) are
    carried over from the previous book when staging lacks them. `out` must have passed check_output."""
    for name in keep:
        if (out / name).is_file() and not (staging / name).exists():
            shutil.copy2(out / name, staging / name)
    staging.chmod(0o755)  # mkdtemp makes it private; a published book is world-readable
    old = out.with_name(out.name + ".old")
    if old.exists() and owned(old):
        shutil.rmtree(old)
    if out.exists():
        out.rename(old)
    staging.rename(out)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def clean_leftovers(out: Path, build_dir: Path) -> list[Path]:
    """Remove what killed builds left: staging and .old copies of the book (only those with the
    marker), half-executed notebooks and kernel runtime files. Returns what was removed."""
    out, build_dir = Path(out), Path(build_dir)
    removed = []
    if out.parent.is_dir():
        for path in [*out.parent.glob(out.name + STAGING + "*"), out.with_name(out.name + ".old")]:
            # owned, or empty: a build killed between creating the staging folder and marking it
            if path.is_dir() and (owned(path) or not any(path.iterdir())):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    for path in [*(build_dir / "executed").rglob("*.running.ipynb"), *(build_dir / "runtime").glob("*")]:
        if path.is_file():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


class BuildLock:
    """An exclusive lock on `<build>/.lock` for the duration of a build (released by the OS if killed)."""

    def __init__(self, build_dir: Path):
        self.path = Path(build_dir) / ".lock"
        self.fh = None

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(self.path, "a+")
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.fh.seek(0)
            pid = self.fh.read().strip() or "?"
            self.fh.close()
            raise BuildLocked(
                f"another build (pid {pid}) is running in {self.path.parent}; wait for it to "
                "finish, or use another REDID_BUILD"
            ) from None
        self.fh.seek(0)
        self.fh.truncate()
        self.fh.write(str(os.getpid()))
        self.fh.flush()
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()
