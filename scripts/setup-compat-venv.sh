#!/usr/bin/env bash
# Creates (or reuses) the Python virtual environment the compatibility tests use: the real
# TensorBoard, tbparse, tensorboardX, torch and friends, pinned to the versions docs/reference/tensorboard-format.md was checked
# against. The tests find it at $CONTRASTIVEBOARD_COMPAT_VENV (default: <repo>/.venv-compat).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${CONTRASTIVEBOARD_COMPAT_VENV:-$root/.venv-compat}"
requirements="$root/scripts/compat-requirements.txt"
stamp="$venv/.requirements-installed"
if [ -f "$stamp" ] && cmp -s "$stamp" "$requirements"; then exit 0; fi
python3 -m venv "$venv"
# No pip cache: torch's wheels (with the CUDA runtime wheels it depends on) take ~5 GB.
"$venv/bin/pip" install -q --disable-pip-version-check --no-cache-dir -r "$requirements"
cp "$requirements" "$stamp"
