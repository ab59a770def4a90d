#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine: bubblewrap for the sandbox, a venv with
# the CPU build of PyTorch and this package. Idempotent; sourced by demo.sh and test.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if ! command -v bwrap >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "== installing bubblewrap"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq bubblewrap >/dev/null
    else
        echo "== bubblewrap is missing and cannot be installed here; the sandbox will fall back to unshare" >&2
    fi
fi

if [ ! -x .venv/bin/python ]; then
    echo "== creating .venv"
    python3 -m venv .venv
fi
# shellcheck disable=SC1091
. .venv/bin/activate
if ! python -c "import torch" >/dev/null 2>&1; then
    echo "== installing torch (CPU build)"
    pip install -q --disable-pip-version-check torch==2.13.0
fi
echo "== installing dlcourse-autograder"
pip install -q --disable-pip-version-check -e ".[dev]"
