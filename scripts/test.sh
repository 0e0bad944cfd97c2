#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs the whole test suite: ruff, mypy (strict),
# import-linter (the layer contract) and pytest, including the tests that need the real
# Docker engine and the browser tests. Any failure, and pytest collecting no test at all,
# fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
# One command a line: under set -e, a failure on the left of && does not stop the script.
echo "== ruff"; .venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy"; .venv/bin/mypy
echo "== import-linter"; .venv/bin/lint-imports
echo "== pytest"; .venv/bin/pytest "$@"
