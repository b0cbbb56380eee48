#!/usr/bin/env bash
# One command for the tests: set-up, the linter and formatter check (ruff), then pytest
# (unit tests, the fault suite and the end-to-end build).
set -euo pipefail
cd "$(dirname "$0")/.."
REDID_DEV=1 bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest "$@"
