#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS each (default 60) on its committed seed corpus
# (tests/fuzz/corpus/<target>/) plus what it finds in this run (kept under the build directory,
# not committed). Any crash, leak, sanitizer report, failed property or input slower than 1 s
# fails the run; the input that did it is left in BUILD/artifacts/ and its name printed.
# Usage: scripts/fuzz.sh [SECONDS] [BUILD_DIR]   (make fuzz builds BUILD_DIR first)
set -euo pipefail
SECONDS_EACH=${1:-60}
BUILD=${2:-build-fuzz}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$BUILD/artifacts" "$BUILD/found"
failed=()
for target in "$ROOT"/tests/fuzz/corpus/*/; do
  name=$(basename "$target")
  bin="$BUILD/fuzz_$name"
  [ -x "$bin" ] || { echo "fuzz: $bin is missing (build $BUILD first)" >&2; exit 1; }
  mkdir -p "$BUILD/found/$name"
  log="$BUILD/artifacts/$name.log"
  # -timeout: one input over 1 s is a failure; -rss_limit_mb bounds what one input may take.
  if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     "$bin" -max_total_time="$SECONDS_EACH" -timeout=1 -rss_limit_mb=2048 -max_len=65536 \
       -print_final_stats=1 -artifact_prefix="$BUILD/artifacts/$name-" \
       "$BUILD/found/$name" "$target" > "$log" 2>&1; then
    echo "fuzz $name: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{print $2}') runs in ${SECONDS_EACH}s, no finding"
  else
    echo "fuzz $name: FAILED, see $log" >&2
    grep -E "ERROR|SUMMARY|property failed|Test unit written" "$log" | head -5 >&2 || true
    failed+=("$name")
  fi
done
[ ${#failed[@]} -eq 0 ] || { echo "fuzz: findings in ${failed[*]}" >&2; exit 1; }
