#!/usr/bin/env bash
# Create .venv and install paperlake (editable) with pinned dependencies. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
# uv installs in seconds; fall back to pip if it cannot be had.
if .venv/bin/python -m pip install -q --disable-pip-version-check uv >/dev/null 2>&1; then
  .venv/bin/python -m uv pip install --python .venv/bin/python --compile-bytecode -q \
    -c requirements.lock -e ".[test,postgres]"
else
  .venv/bin/python -m pip install -q --disable-pip-version-check -c requirements.lock -e ".[test,postgres]"
fi
