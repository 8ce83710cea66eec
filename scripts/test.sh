#!/usr/bin/env bash
# One command for the tests: set up, lint, run the whole suite (slow tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check src tests benchmarks
if [ ! -x /usr/bin/chromium ]; then
  # tests/test_web_browser.py drive Debian's Chromium (Playwright's own browser download is
  # never used) and fail without it.
  echo "Installing Debian's chromium for the browser tests (tests/test_web_browser.py) ..."
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -q chromium || {
    echo "Refreshing the package lists and trying again ..."
    $SUDO apt-get update -q && $SUDO apt-get install -y -q chromium
  }
fi
# The situation-centre tests run against SQLite and a real PostgreSQL server, started here and
# stopped when the tests end (scripts/postgres.sh; as the `postgres` user when run as root).
TILANNEKUVA_TEST_POSTGRES="$(bash scripts/postgres.sh start | tail -1)"
export TILANNEKUVA_TEST_POSTGRES
trap 'bash scripts/postgres.sh stop' EXIT
.venv/bin/python -m pytest -q "$@"
