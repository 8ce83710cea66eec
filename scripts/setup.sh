#!/usr/bin/env bash
# Creates .venv beside the repository and installs Tilannekuva with its pinned dependencies.
# Safe to run again: an existing environment is reused and brought up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "Creating the Python environment in .venv ..."
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
echo "Installing Tilannekuva and its pinned dependencies ..."
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
