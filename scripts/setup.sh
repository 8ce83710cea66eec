#!/usr/bin/env bash
# Creates .venv beside the repository and installs Tilannekuva with its pinned dependencies.
# Safe to run again: an existing environment is reused and brought up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
# The monthly report's PDF is drawn by WeasyPrint, which needs Pango from the system.
if ! ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0'; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Pango (Debian) for the PDF report ..."
    apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0 >/dev/null \
      || { apt-get update -q >/dev/null && apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; }
  else
    echo "Note: Pango is missing, so the PDF report will not work; install libpango-1.0-0 and libpangoft2-1.0-0." >&2
  fi
fi
if [ ! -x .venv/bin/python ]; then
  echo "Creating the Python environment in .venv ..."
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
echo "Installing Tilannekuva and its pinned dependencies ..."
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
