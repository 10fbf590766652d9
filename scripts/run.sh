#!/usr/bin/env bash
# One command for a newcomer: set up, then materialize every table on the bundled sample dumps.
# Extra arguments go to `paperlake run` (e.g. --landing DIR --warehouse DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/paperlake run "$@"
