#!/usr/bin/env bash
# test.sh: install dependencies, build with AddressSanitizer + UBSan (clang, with the
# libFuzzer targets) and the optimised gcc build of the quickstart, then run every test: unit, fuzz-corpus replay, integration against
# real MariaDB servers from ops/sandbox.sh, and a short libFuzzer run of each fuzz target.
#
# Environment: DM_BUILD_DIR (default build/asan), DM_FUZZ_SECONDS (default 60 per target),
# DM_TEST_FILTER (a ctest -R regex, to run a subset).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

./ops/deps.sh || { echo "test: dependency install failed"; exit 1; }

BUILD=${DM_BUILD_DIR:-build/asan}
mkdir -p "$BUILD"
JOBS=$(nproc)
cmake -S . -B "$BUILD" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
  -DDM_SANITIZE=ON -DDM_FUZZ=ON >"$BUILD.cmake.log" 2>&1 || { cat "$BUILD.cmake.log"; exit 1; }
cmake --build "$BUILD" -j"$JOBS" 2>&1 | grep -E "error|warning|Error" ; [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "test: build failed"; exit 1; }

# The optimised gcc build the quickstart makes: gcc -O2 warns (as errors) where the clang
# debug build does not (format truncation, maybe-uninitialized).
REL=${DM_RELEASE_BUILD_DIR:-build/release}
echo "== release build (gcc, RelWithDebInfo, as ./ops/quickstart.sh builds)"
cmake -S . -B "$REL" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$REL.cmake.log" 2>&1 || { cat "$REL.cmake.log"; exit 1; }
cmake --build "$REL" -j"$JOBS" --target relayd applierd controller dmctl 2>&1 | grep -E "error|warning|Error"
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "test: release build failed"; exit 1; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export DM_SANDBOX_DIR=${DM_SANDBOX_DIR:-$(mktemp -d /tmp/dm-test-sandbox.XXXXXX)}

filter=()
[ -n "${DM_TEST_FILTER:-}" ] && filter=(-R "$DM_TEST_FILTER")

status=0
echo "== unit tests and fuzz corpus replay"
ctest --test-dir "$BUILD" --output-on-failure -j"$JOBS" -L unit "${filter[@]}" || status=1
echo "== integration tests (real MariaDB servers)"
ctest --test-dir "$BUILD" --output-on-failure -j"$JOBS" -L integration "${filter[@]}" || status=1

echo "== fuzzing"
secs=${DM_FUZZ_SECONDS:-60}
# fuzz_one NAME: run one libFuzzer target for $secs seconds on a scratch copy of its corpus
# (the committed corpus is never modified); prints one result line, exit 1 on a finding.
fuzz_one() {
  local name=$1 work dict=()
  work=$(mktemp -d "/tmp/dm-fuzz-$name.XXXXXX")
  cp -r "$ROOT/tests/fuzz/corpus/$name/." "$work/" 2>/dev/null || true
  [ -f "$ROOT/tests/fuzz/$name.dict" ] && dict=(-dict="$ROOT/tests/fuzz/$name.dict")
  if "$BUILD/tests/$name" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=20 \
       -print_final_stats=0 -artifact_prefix="$work/" "${dict[@]}" "$work" >"$work.log" 2>&1; then
    echo "fuzz $name: ${secs}s, no finding ($(grep -o 'cov: [0-9]*' "$work.log" | tail -1))"
    rm -rf "$work" "$work.log"
    return 0
  fi
  echo "fuzz $name: FINDING"; tail -40 "$work.log"; ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* 2>/dev/null
  return 1
}
fuzz_failed=0
fuzz_ran=0
if [ -z "${DM_TEST_FILTER:-}" ] && [ "$secs" -gt 0 ]; then
  targets=()
  for f in "$ROOT"/tests/fuzz/fuzz_*.c; do [ -e "$f" ] && targets+=("$(basename "$f" .c)"); done
  # Two at a time: the machine has two cores and each target is single-threaded.
  running=0
  for name in "${targets[@]}"; do
    fuzz_one "$name" &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then
      wait -n || fuzz_failed=$((fuzz_failed + 1))
      running=$((running - 1))
    fi
    fuzz_ran=$((fuzz_ran + 1))
  done
  while [ "$running" -gt 0 ]; do
    wait -n || fuzz_failed=$((fuzz_failed + 1))
    running=$((running - 1))
  done
fi
[ "$fuzz_failed" -eq 0 ] || status=1

# Stop anything a test left running in this run's sandbox before deleting it.
for d in "$DM_SANDBOX_DIR"/*/; do
  [ -f "$d/pid" ] && kill -KILL "$(cat "$d/pid")" 2>/dev/null || true
done
rm -rf "$DM_SANDBOX_DIR"
echo "fuzz: $((fuzz_ran - fuzz_failed)) passed, $fuzz_failed failed"
exit $status
