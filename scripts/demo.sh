#!/usr/bin/env bash
# Quick start 1: set up, then grade the sample submissions end to end on the local (bubblewrap) backend.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck disable=SC1091
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
OUT="$ROOT/out/demo"
mkdir -p "$OUT"
autograder list
for sub in examples/submissions/logistic_gradient/*; do
    name="$(basename "$sub")"
    echo
    echo "================ grading $name ================"
    autograder grade logistic_gradient "$sub" --backend local --out "$OUT/${name%.*}"
done
echo
echo "Feedback files (results.json, feedback.md, feedback.html) are in $OUT/"
