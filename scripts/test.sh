#!/usr/bin/env bash
# One command for the tests: set-up, then pytest (unit tests, then the end-to-end build).
set -euo pipefail
cd "$(dirname "$0")/.."
REDID_DEV=1 bash scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
