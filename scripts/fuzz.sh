#!/usr/bin/env bash
# Coverage-guided fuzzing of the event-file readers with libFuzzer (Swift's --sanitize=fuzzer)
# and AddressSanitizer. The fuzz target lives in its own package (Fuzz/) so a normal
# `swift build` / `swift test` never needs the fuzzer runtime.
#
# Usage: scripts/fuzz.sh [seconds] [jobs]    (defaults: 60 seconds, 1 job)
#
# Each input is written as an event file and read by RecordReader, EventFileReader
# (forEachEvent, forEachScalar), LogdirReader and DecodedValue. A crash, a sanitizer report, an
# input slower than 10 s or an allocation above 512 MB stops the run and leaves the input in
# .build-fuzz/artifacts/ (replay: .build-fuzz/release/event-file-fuzz <file>). New coverage
# is kept in .build-fuzz/corpus/; the checked-in fuzz corpus
# (Tests/TensorBoardTests/Fixtures/fuzz) seeds it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
jobs="${2:-1}"
# -Xswiftc/-Xcc carry the coverage instrumentation into the main package's targets too (SwiftPM's
# --sanitize=fuzzer alone instruments only the fuzz package's own target).
swift build --package-path Fuzz -c release --sanitize=fuzzer --sanitize=address \
    -Xswiftc -sanitize=fuzzer -Xcc -fsanitize=fuzzer-no-link --product event-file-fuzz --scratch-path .build-fuzz
mkdir -p .build-fuzz/corpus .build-fuzz/artifacts
export ASAN_OPTIONS="${ASAN_OPTIONS:-quarantine_size_mb=16:detect_leaks=0}"
parallel=()
if [ "$jobs" -gt 1 ]; then parallel=(-jobs="$jobs" -workers="$jobs"); fi
exec .build-fuzz/release/event-file-fuzz \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -malloc_limit_mb=512 \
    -max_len=65536 -print_final_stats=1 "${parallel[@]}" \
    -artifact_prefix=.build-fuzz/artifacts/ \
    .build-fuzz/corpus Tests/TensorBoardTests/Fixtures/fuzz
