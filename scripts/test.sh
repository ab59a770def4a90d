#!/usr/bin/env bash
# Quick start 2: set up, then run the framework's tests and validate every assignment.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck disable=SC1091
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
python -m pytest -q
autograder validate --all
