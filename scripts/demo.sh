#!/usr/bin/env bash
# One command for a newcomer: set up, generate the demo county, show its headline figures.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/tilannekuva demo "$@"
