#!/usr/bin/env bash
# The main job on a fresh machine with only the Swift toolchain installed: installs the system
# libraries when missing, builds in release mode and runs the examples.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/install-deps.sh
swift build -c release --product run-examples >&2
exec "$(swift build -c release --show-bin-path)/run-examples" "$@"
