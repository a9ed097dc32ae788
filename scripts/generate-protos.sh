#!/usr/bin/env bash
# Regenerates the protobuf-c code of the CTensorBoardProto target from proto/.
# The generated code is committed; run this only after changing proto/ (a test fails when the
# committed code is stale). Usage: scripts/generate-protos.sh [OUTPUT_DIR]
# OUTPUT_DIR defaults to Sources/CTensorBoardProto; the stale-code test passes a temp directory.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/Sources/CTensorBoardProto}"
command -v protoc-c >/dev/null || { echo "generate-protos: protoc-c missing (apt-get install protobuf-c-compiler)" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$root/proto"
files=$(find . -name '*.proto' | sed 's|^\./||' | LC_ALL=C sort)
# shellcheck disable=SC2086
protoc-c --proto_path=. --c_out="$tmp" $files
mkdir -p "$out/include"
rm -rf "$out/include/tensorboard" "$out/include/google" "$out/tensorboard" "$out/google"
(cd "$tmp" && find . -name '*.pb-c.h' -exec install -D -m 644 {} "$out/include/{}" \;)
(cd "$tmp" && find . -name '*.pb-c.c' -exec install -D -m 644 {} "$out/{}" \;)
{
  echo "// Umbrella header of the generated protobuf-c code; written by scripts/generate-protos.sh."
  for f in $files; do echo "#include \"${f%.proto}.pb-c.h\""; done
} > "$out/include/CTensorBoardProto.h"
printf 'module CTensorBoardProto {\n    header "CTensorBoardProto.h"\n    export *\n}\n' > "$out/include/module.modulemap"
