#!/usr/bin/env bash
# Installs the system libraries this package builds on, when they are missing.
# Idempotent and quiet when everything is already present. Needs root (or sudo) for apt-get.
set -euo pipefail
packages=(libprotobuf-c-dev protobuf-c-compiler zlib1g-dev libopenblas-dev libgif-dev pkg-config)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
