"""Fixtures and settings shared by the test modules.

- matplotlib draws off-screen (Agg) in every test;
- `seed000` / `seed001`: the texts of the paper and of the case study (skipped when ../shared/seeds
  is not beside the repository);
- `reported`: the paper's reported values (data/paper/reported_values.csv);
- `user_panel`: a valid user panel in the documented schema with a planted effect (tests/synthetic.py).

Markers: `e2e` marks the end-to-end builds; `pytest -m "not e2e"` runs the fast unit tests alone.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from analysis.data import paper  # noqa: E402

SEED_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def seed_text(prefix: str) -> str:
    """The seed text whose file name starts with `prefix` (e.g. '000'), or skip the test."""
    found = sorted(SEED_DIR.glob(f"{prefix}_*.txt")) if SEED_DIR.is_dir() else []
    if not found:
        pytest.skip(f"seed text {prefix}_*.txt not found in {SEED_DIR}")
    return found[0].read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed000() -> str:
    return seed_text("000")


@pytest.fixture(scope="session")
def seed001() -> str:
    return seed_text("001")


@pytest.fixture(scope="session")
def reported():
    return paper.reported()
