#!/usr/bin/env bash
# One command for a newcomer: set up, generate the demo county (headline figures and demo users
# printed) with 60 days of situation-centre traffic, then serve its dashboard on
# http://127.0.0.1:8000/ with the traffic going on live (the board moves) until Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/tilannekuva demo --db demo/county.duckdb
exec .venv/bin/tilannekuva serve --db demo/county.duckdb --live-traffic "$@"
