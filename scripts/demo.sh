#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), then grades the bundled challenge's reference
# solution, starter and sample submissions in the real sandbox and writes their reports to
# out/kv-store/<submission>/{scorecard.json,report.html,report.md}.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/takehome challenge check kv-store --out out
