#!/usr/bin/env bash
# Builds the thread test programs (tests/wasi/threads/NAME.c -> OUT/NAME.wasm)
# with the threaded sysroot of sysroot/build.sh (built first if needed).
#
#   tests/wasi/threads/build.sh OUT_DIR [SYSROOT]
#
# Then run them as the other WASI programs are run:
#   tests/wasi/run_tests.py --warden build/warden --wasm-dir OUT_DIR \
#     --src-dir tests/wasi/threads
set -euo pipefail

readonly HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
(($# >= 1)) || { echo "usage: $0 OUT_DIR [SYSROOT]" >&2; exit 2; }
readonly OUT=$1
SYSROOT=${2:-}
if [[ -z $SYSROOT ]]; then
  SYSROOT=$("$HERE/../../../sysroot/build.sh" | tail -n 1)
fi
mkdir -p "$OUT"
# -pthread: atomics, bulk memory, _REENTRANT. The memory is imported and
# shared (what thread-spawn's new instances attach to), with a maximum.
CFLAGS=(--target=wasm32-wasi-threads "--sysroot=$SYSROOT" -pthread -O2 -Wall -Werror)
LDFLAGS=(-Wl,--import-memory,--export-memory,--shared-memory,--max-memory=67108864)
status=0
for source in "$HERE"/*.c; do
  name=$(basename "$source" .c)
  if ! clang-19 "${CFLAGS[@]}" "$source" "${LDFLAGS[@]}" -o "$OUT/$name.wasm"; then
    echo "build.sh: $name failed to compile" >&2
    status=1
  fi
done
exit $status
