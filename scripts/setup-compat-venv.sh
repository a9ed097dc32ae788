#!/usr/bin/env bash
# Creates (or reuses) the two Python virtual environments the compatibility tests use:
# - $CONTRASTIVEBOARD_COMPAT_VENV (default: <repo>/.venv-compat): the real TensorBoard, tbparse,
#   tensorboardX, torch and friends, pinned to the versions docs/reference/tensorboard-format.md
#   was checked against, without TensorFlow (TensorBoard and tbparse change how they read
#   event files when TensorFlow is importable);
# - $CONTRASTIVEBOARD_COMPAT_TF_VENV (default: <repo>/.venv-compat-tf): tbparse with TensorFlow,
#   which tbparse needs to decode images and audio.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

# setup VENV REQUIREMENTS: installs REQUIREMENTS into VENV unless its stamp says they already are.
setup() {
    local venv="$1" requirements="$2"
    local stamp="$venv/.requirements-installed"
    if [ -f "$stamp" ] && cmp -s "$stamp" "$requirements"; then return 0; fi
    python3 -m venv "$venv"
    # No pip cache: torch's wheels (with the CUDA runtime wheels it depends on) take ~5 GB, and
    # TensorFlow's wheel is 274 MB.
    "$venv/bin/pip" install -q --disable-pip-version-check --no-cache-dir -r "$requirements"
    cp "$requirements" "$stamp"
}

setup "${CONTRASTIVEBOARD_COMPAT_VENV:-$root/.venv-compat}" "$root/scripts/compat-requirements.txt"
setup "${CONTRASTIVEBOARD_COMPAT_TF_VENV:-$root/.venv-compat-tf}" "$root/scripts/compat-tf-requirements.txt"
