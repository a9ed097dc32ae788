#!/usr/bin/env bash
# Runs the benchmarks in a release build and keeps their raw output under Benchmarks/Results/,
# one file per benchmark and run, each with a header naming the command and the machine.
# Usage: scripts/run-benchmarks.sh MACHINE-NAME [benchmark …]   (default: records cloc losses probe margins)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
machine="${1:?usage: run-benchmarks.sh MACHINE-NAME [benchmark …]}"
shift
benchmarks=("$@")
[ ${#benchmarks[@]} -eq 0 ] && benchmarks=(records cloc losses probe margins)
swift build -c release --package-path "$root/Benchmarks" >&2
bin="$(swift build -c release --package-path "$root/Benchmarks" --show-bin-path)"
mkdir -p "$root/Benchmarks/Results"
for benchmark in "${benchmarks[@]}"; do
    out="$root/Benchmarks/Results/$benchmark-$machine-$(date -u +%Y-%m-%dT%H%M).txt"
    {
        echo "command: swift run -c release --package-path Benchmarks $benchmark"
        echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "processor: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; memory $(free -g | awk '/Mem:/ {print $2}') GiB"
        echo "swift: $(swift --version 2>&1 | head -1)"
        echo "openblas: $(dpkg-query -W -f='${Version}' libopenblas0-pthread 2>/dev/null || echo unknown)"
        echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
        echo "environment: $(env | grep -E '^(CONTRASTIVEBOARD_|OPENBLAS_)' | tr '\n' ' ')"
        echo "---"
        "$bin/$benchmark" 2>&1
    } | tee "$out"
done
