#!/usr/bin/env bash
# One command for a newcomer: set up, generate the demo county (headline figures and demo users
# printed) with 60 days of situation-centre traffic, then serve its dashboard on
# http://127.0.0.1:8000/ with the traffic going on live (the board moves) until Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/tilannekuva demo --db demo/county.duckdb
# The synthetic demo county switches the 24-hour-care risk model on, so /risk shows it. A real
# county must not do so before it has settled the legal basis for profiling
# (docs/risk-model.md).
export TILANNEKUVA_RISK_MODEL_ENABLED=true
exec .venv/bin/tilannekuva serve --db demo/county.duckdb --live-traffic "$@"
