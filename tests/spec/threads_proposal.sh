#!/bin/bash
# The threads proposal's scripts through `warden wast --enable-threads`.
# The proposal's repository forked the spec before Wasm 2.0, so three of its
# assertions expect a second table to be invalid ("multiple tables"); Warden
# implements Wasm 2.0, where it is valid. Those three, and nothing else, may
# fail: any other failure, or a missing script, fails this test.
# Usage: threads_proposal.sh WARDEN TESTSUITE_DIR
set -euo pipefail
warden=$1
dir=$2/proposals/threads
scripts=("$dir"/atomic.wast "$dir"/exports.wast "$dir"/imports.wast "$dir"/memory.wast)
for s in "${scripts[@]}"; do [[ -f $s ]] || { echo "missing $s"; exit 1; }; done
out=$("$warden" wast --enable-threads "${scripts[@]}" 2>&1) || true
echo "$out"
expected_divergences=$'imports.wast:310: assert_invalid: expected compile error "multiple tables", got a valid module
imports.wast:314: assert_invalid: expected compile error "multiple tables", got a valid module
imports.wast:318: assert_invalid: expected compile error "multiple tables", got a valid module'
failures=$(grep -E '^[a-z_]+\.wast:[0-9]+: ' <<<"$out" || true)
totals=$(grep -E '^[0-9]+ passed, [0-9]+ failed' <<<"$out" | tail -1)
read -r passed _ failed _ <<<"$totals"
passed=${passed:-0} failed=${failed:-999}
if [[ $failures == "$expected_divergences" && $failed == 3 && $passed -ge 590 ]]; then
  echo "threads proposal: $passed passed, 3 expected divergences (Wasm 2.0 allows multiple tables)"
  echo "$passed passed, 0 failed"
  exit 0
fi
echo "threads proposal: unexpected results (failed=$failed passed=$passed)"
echo "$passed passed, $failed failed"
exit 1
