#!/usr/bin/env bash
# The whole test suite on a fresh machine with only the Swift toolchain installed:
# installs the system libraries and the compatibility venvs when missing, then runs `swift test`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/install-deps.sh
bash scripts/setup-compat-venv.sh
export CONTRASTIVEBOARD_COMPAT_VENV="${CONTRASTIVEBOARD_COMPAT_VENV:-$root/.venv-compat}"
export CONTRASTIVEBOARD_COMPAT_TF_VENV="${CONTRASTIVEBOARD_COMPAT_TF_VENV:-$root/.venv-compat-tf}"
swift test "$@"
# The kernels and the losses' Float paths run the CVectorMath kernels of the best instruction set the processor
# has; run their tests once more with each lower set (AVX2 + FMA, baseline) it supports.
if [ "$#" -eq 0 ]; then
    for level in 1 0; do
        CONTRASTIVEBOARD_VECTOR_LEVEL=$level swift test --skip-build --filter "LossesTests|KernelTests"
    done
fi
# A user package that depends on this one and on apple/swift-numerics: builds and runs.
if [ "$#" -eq 0 ]; then
    swift build --package-path Tests/PackageClients/SwiftNumericsClient --scratch-path "$root/.build-client"
    "$root/.build-client/debug/swift-numerics-client"
fi
