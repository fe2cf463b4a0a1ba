#!/usr/bin/env bash
# Warden's whole test suite, as CI runs it:
#   1. set-up       scripts/setup.sh (installs missing Debian packages)
#   2. release      build/ (RelWithDebInfo): build, then ctest — unit tests,
#                   examples and the spec testsuite (`warden wast`)
#   3. sanitizers   build-asan/ (Debug, ASan + UBSan): the same ctest;
#                   build-tsan/ (ThreadSanitizer): the tests of guest threads
#   4. fuzz         scripts/fuzz.sh: libFuzzer for WARDEN_FUZZ_SECONDS (60)
# Every stage runs even when an earlier one failed (except set-up), and a
# summary follows. Exit status: 0 when everything passed, 1 otherwise.
#
#   scripts/test.sh [--quick]     --quick: stages 1 and 2 only
# Environment: WARDEN_JOBS (build/test parallelism, default 2),
#              WARDEN_FUZZ_SECONDS (default 60).
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=${WARDEN_JOBS:-2}
fuzz_seconds=${WARDEN_FUZZ_SECONDS:-60}
quick=0

case "${1:-}" in
  "") ;;
  --quick) quick=1 ;;
  *) echo "usage: scripts/test.sh [--quick]" >&2; exit 2 ;;
esac

declare -a summary=()
failed=0

section() {
  echo
  echo "=================================================================="
  echo "== $*"
  echo "=================================================================="
}

# record NAME STATUS SECONDS
record() {
  local verdict=PASS
  if (($2 != 0)); then verdict=FAIL; failed=1; fi
  summary+=("$(printf '%-34s %s  %4ds' "$1" "$verdict" "$3")")
}

# timed NAME COMMAND...: runs a command, records its status and duration.
timed() {
  local name=$1 start status
  shift
  start=$(date +%s)
  "$@"
  status=$?
  record "$name" "$status" $(($(date +%s) - start))
  return "$status"
}

configure_and_build() {  # configure_and_build BUILD_DIR CMAKE_ARGS... [-- TARGETS...]
  local dir=$1 args=() targets=()
  shift
  while (($#)) && [[ $1 != -- ]]; do args+=("$1"); shift; done
  (($#)) && shift && targets=("$@")
  cmake -S "$repo" -B "$dir" -G Ninja "${args[@]}" && ninja -C "$dir" -j"$jobs" "${targets[@]}"
}

build_and_ctest() {  # build_and_ctest LABEL BUILD_DIR CMAKE_ARGS...
  local label=$1 dir=$2
  shift 2
  if timed "$label: configure + build" configure_and_build "$dir" "$@"; then
    timed "$label: ctest" ctest --test-dir "$dir" --output-on-failure -j"$jobs"
  else
    record "$label: ctest (not run)" 1 0
  fi
}

total_start=$(date +%s)

section "1. Set-up: Debian packages"
if ! timed "set-up" "$repo/scripts/setup.sh"; then
  echo "set-up failed; nothing else can run" >&2
  exit 1
fi
echo "all packages present"

section "2. Release build (RelWithDebInfo, build/) and tests"
build_and_ctest "release" "$repo/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo

if ((quick == 0)); then
  section "3. Sanitizer build (Debug, ASan + UBSan, build-asan/) and tests"
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  build_and_ctest "sanitize" "$repo/build-asan" -DCMAKE_BUILD_TYPE=Debug -DWARDEN_SANITIZE=ON
  unset ASAN_OPTIONS UBSAN_OPTIONS

  # Guest threads run on host threads in parallel: their in-process tests
  # (warden_thread_tests) under TSan, a Debug build of that binary alone to
  # keep CI short. Not the spec scripts: TSan's instrumentation of a load
  # that faults in a memory's guard region (how Warden traps out-of-bounds
  # accesses) is not reliable.
  export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
  if timed "tsan: configure + build" configure_and_build "$repo/build-tsan" -DCMAKE_BUILD_TYPE=Debug \
      -DWARDEN_TSAN=ON -- warden_thread_tests thread_programs; then
    timed "tsan: thread tests" ctest --test-dir "$repo/build-tsan" --output-on-failure -j"$jobs" \
      -R 'SharedMemory|ThreadGroup|ThreadedSandbox'
  else
    record "tsan: thread tests (not run)" 1 0
  fi
  unset TSAN_OPTIONS

  section "4. Fuzzing (libFuzzer, ${fuzz_seconds}s)"
  timed "fuzz (${fuzz_seconds}s)" "$repo/scripts/fuzz.sh" "$fuzz_seconds"
fi

section "Summary"
printf '%s\n' "${summary[@]}"
echo "total: $(($(date +%s) - total_start))s"
if ((failed)); then
  echo "RESULT: FAILED"
  exit 1
fi
echo "RESULT: all passed"
