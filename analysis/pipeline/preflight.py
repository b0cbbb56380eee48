"""Everything a build can check before any chapter runs, all reported at once.

`preflight` collects every problem (option values, chapter names, the output folder, the user's
panel and oxide files, the chapter notebooks, the book configuration, the PDF engine) and raises
one `Preflight` error whose lines each name the file or option, row, column and value.
"""

from __future__ import annotations

import json
from pathlib import Path

from analysis.core.errors import FileProblems, ReplicationError

SEED_MAX = 2**32 - 1  # numpy's legacy seeds are 32-bit; the chapters accept the same range
# Memory per placebo draw: the vectorised placebo asked for 894 GiB at 10^9 draws (~960 B a draw);
# twice that leaves room for the draws' own p-values and the figure.
BYTES_PER_DRAW = 2048
MAX_DRAWS = 1_000_000  # beyond this the placebo chapter alone runs for hours


class Preflight(ReplicationError):
    """Every problem found before the build started, one line each."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join(lines))


def available_memory() -> int:
    """Bytes of memory available (MemAvailable), or 4 GiB where /proc/meminfo is absent."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 4 * 2**30


def max_draws() -> int:
    return max(1, min(MAX_DRAWS, available_memory() // BYTES_PER_DRAW))


def check_options(seed: int, n_placebo: int, timeout: float | None = None) -> list[str]:
    problems = []
    if not 0 <= seed <= SEED_MAX:
        problems.append(f"--seed {seed}: must be a whole number from 0 to {SEED_MAX}")
    limit = max_draws()
    if not 1 <= n_placebo <= limit:
        problems.append(
            f"--n-placebo {n_placebo}: must be from 1 to {limit:,} (the paper uses 500; the upper "
            "bound comes from this machine's available memory)"
        )
    if timeout is not None and not timeout > 0:
        problems.append(f"--timeout {timeout:g}: must be a positive number of seconds")
    return problems


def resolve_chapters(asked: list[str] | None, chapters: list[str]) -> tuple[list[str] | None, list[str]]:
    """Map --chapter values (`chapters/04-baseline.ipynb`, `04-baseline.ipynb`, `04-baseline` or `04`)
    to the book's notebook chapters; returns (resolved or None, problems)."""
    if not asked:
        return None, []
    notebooks = [c for c in chapters if c.endswith(".ipynb")]
    resolved, problems = [], []
    for name in asked:
        stem = Path(name).name.removesuffix(".ipynb")
        hits = [c for c in notebooks if c == name or Path(c).stem == stem or Path(c).stem.split("-")[0] == stem]
        if len(hits) == 1:
            resolved.append(hits[0])
        else:
            problems.append(
                f"--chapter {name}: {'ambiguous' if hits else 'no such chapter'}; the chapters are: "
                + ", ".join(notebooks)
            )
    return resolved, problems


def check_notebooks(project: Path, chapters: list[str]) -> list[str]:
    """Each chapter file exists and each notebook is valid JSON with cells."""
    problems = []
    for chapter in chapters:
        path = Path(project) / chapter
        if not path.is_file():
            problems.append(f"{chapter}: chapter listed in _quarto.yml is missing")
            continue
        if chapter.endswith(".ipynb"):
            try:
                nb = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
                    raise ValueError("no list of cells")
            except (ValueError, UnicodeDecodeError) as exc:
                problems.append(f"{chapter}: not a readable notebook ({type(exc).__name__}: {str(exc)[:120]})")
    return problems


def check_bibliography(project: Path, config: dict) -> list[str]:
    """Each bibliography file _quarto.yml names exists."""
    names = config.get("bibliography") or []
    names = [names] if isinstance(names, str) else list(names)
    return [
        f"_quarto.yml: bibliography {name} not found in {project}"
        for name in names
        if not (Path(project) / name).is_file()
    ]


def check_pdf_engine() -> list[str]:
    try:
        import typst  # noqa: F401
    except Exception as exc:  # ImportError, or a broken binary wheel
        return [
            f"PDF: the typst package cannot be imported ({type(exc).__name__}: {exc}); run scripts/setup.sh "
            "or build with --html-only"
        ]
    return []


def collect(*checks) -> list[str]:
    """Run zero-argument checks; each returns problem lines or raises a ReplicationError (its lines count)."""
    lines = []
    for check in checks:
        try:
            lines += check() or []
        except FileProblems as exc:
            lines += exc.lines
        except ReplicationError as exc:
            lines.append(" ".join(str(exc).split()))
    return lines
