#!/usr/bin/env bash
# Builds the libFuzzer target (clang-19, ASan + UBSan, in build-fuzz/) and runs
# it for SECONDS (default 60) on a seed corpus of the spec testsuite's modules.
# Exits non-zero when the fuzzer finds a crash, a sanitizer error, a timeout or
# an out-of-memory; the input that caused it is kept in build-fuzz/fuzz/artifacts/.
#
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-60}
jobs=${WARDEN_JOBS:-2}
build="$repo/build-fuzz"
work="$build/fuzz"
fuzzer="$build/tests/fuzz/decode_fuzzer"

# A few scripts whose modules cover every section and most instructions.
readonly SEED_SCRIPTS=(
  address binary br_table bulk call_indirect conversions data elem exports
  global imports left-to-right loop memory memory_grow ref_func select start
  table_copy table_init unreachable
)

if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz.sh [SECONDS]" >&2
  exit 2
fi

"$repo/scripts/setup.sh"

build_fuzzer() {
  if [[ ! -f "$build/build.ninja" ]]; then
    # -O2 for speed, -g for reports; no NDEBUG, so assertions stay on.
    CC=clang-19 CXX=clang++-19 cmake -S "$repo" -B "$build" -G Ninja \
      -DWARDEN_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g"
  fi
  ninja -C "$build" -j"$jobs" decode_fuzzer
}

# The spec testsuite: a git submodule when present, else the shared copy.
testsuite_dir() {
  local candidate
  for candidate in "$repo/third_party/testsuite" "$repo/../shared/wasm-testsuite"; do
    if [[ -f "$candidate/address.wast" ]]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# Seeds: the binary modules wast2json writes for SEED_SCRIPTS (made once).
make_seeds() {
  local seeds="$work/seeds" suite tmp script
  mkdir -p "$seeds"
  if compgen -G "$seeds/*.wasm" >/dev/null; then
    return 0
  fi
  if ! suite=$(testsuite_dir); then
    echo "fuzz: spec testsuite not found; starting from an empty corpus" >&2
    return 0
  fi
  tmp=$(mktemp -d)
  for script in "${SEED_SCRIPTS[@]}"; do
    [[ -f "$suite/$script.wast" ]] || continue
    if wast2json "$suite/$script.wast" -o "$tmp/$script.json" 2>/dev/null; then
      for wasm in "$tmp"/"$script".*.wasm; do
        [[ -f "$wasm" ]] && cp "$wasm" "$seeds/"
      done
    fi
  done
  rm -rf "$tmp"
  echo "fuzz: $(find "$seeds" -name '*.wasm' | wc -l) seed modules from $suite"
}

run_fuzzer() {
  local log="$work/fuzz.log" status=0
  mkdir -p "$work/corpus" "$work/artifacts"
  echo "fuzz: running decode_fuzzer for ${seconds}s (log: $log)"
  "$fuzzer" "$work/corpus" "$work/seeds" \
    -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=10 \
    -artifact_prefix="$work/artifacts/" -print_final_stats=1 >"$log" 2>&1 || status=$?
  if ((status != 0)); then
    tail -n 80 "$log"
    echo "fuzz: FAILED (exit $status); reproduce with: $fuzzer $work/artifacts/<file>" >&2
    return "$status"
  fi
  grep -E '^(stat::number_of_executed_units|stat::new_units_added|Done )' "$log" || true
  echo "fuzz: ${seconds}s, no finding"
}

mkdir -p "$work"
build_fuzzer
make_seeds
run_fuzzer
