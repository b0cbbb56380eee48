#!/usr/bin/env bash
# One command for the whole book: set-up, data (verified download or mirror), panel,
# chapter notebooks (papermill), HTML + PDF into _book/. Extra arguments go to `python -m analysis build`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m analysis build "$@"
