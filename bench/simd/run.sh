#!/usr/bin/env bash
# SIMD benchmark: the same C kernels (simd_kernels.c) built for wasm32 with
# -msimd128 and natively with gcc -O2; runs `warden run --invoke run` and the
# native binary alternately, checks they print the same checksum, and prints
# the median wall times and the ratio warden/native.
#
#   bench/simd/run.sh [N] [RUNS]      N: rounds of work (default 200), RUNS: default 5
#   WARDEN=build/warden               the warden binary to measure
#   BENCH_DIR=build-bench/simd        where the two builds go
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
n="${1:-200}"
runs="${2:-5}"
warden="${WARDEN:-$root/build/warden}"
out="${BENCH_DIR:-$root/build-bench/simd}"
mkdir -p "$out"

[ -x "$warden" ] || { echo "no warden binary at $warden (build first, or set WARDEN)" >&2; exit 1; }
clang-19 --target=wasm32-wasi -msimd128 -O2 -nostdlib -Wl,--no-entry -Wl,--export=run \
  -o "$out/simd_kernels.wasm" "$here/simd_kernels.c"
gcc -O2 -o "$out/simd_kernels" "$here/simd_kernels.c"

now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

warden_times=() native_times=()
for ((i = 0; i < runs; i++)); do
  t0=$(now_ns); w=$("$warden" run --invoke run "$out/simd_kernels.wasm" "$n"); t1=$(now_ns)
  c=$("$out/simd_kernels" "$n"); t2=$(now_ns)
  if [ "$w" != "$c" ]; then
    echo "checksum mismatch: warden $w, native $c" >&2
    exit 1
  fi
  warden_times+=($(( (t1 - t0) / 1000 ))) native_times+=($(( (t2 - t1) / 1000 )))
done

wm=$(printf '%s\n' "${warden_times[@]}" | median)
nm=$(printf '%s\n' "${native_times[@]}" | median)
echo "checksum $w (N=$n, $runs runs each, alternating)"
echo "warden  median $(awk -v t="$wm" 'BEGIN {printf "%.1f", t / 1000}') ms"
echo "native  median $(awk -v t="$nm" 'BEGIN {printf "%.1f", t / 1000}') ms"
echo "ratio warden/native $(awk -v a="$wm" -v b="$nm" 'BEGIN {printf "%.1f", a / b}')"
