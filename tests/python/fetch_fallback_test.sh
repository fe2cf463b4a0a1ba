#!/usr/bin/env bash
# python/build.sh's source fetching, offline and in seconds: apt-get and
# apt-cache are stand-ins (WARDEN_APT_BIN_DIR) serving tiny tarballs from a
# fixture, in a temporary WARDEN_CACHE (the real cache is never touched, and
# nothing is built). Checks:
#   - a candidate whose files answer 404 is skipped for the newest other
#     version apt-cache lists (dpkg's order, duplicates tried once), and stderr
#     names the failed candidate and the version used;
#   - the choice is recorded in sources/PACKAGE.selected and a second run uses
#     it without calling apt;
#   - a recorded tarball with the wrong digest (or missing) is fetched again;
#     a downloaded tarball whose digest is not the listed one is refused;
#   - apt-get failing on the .dsc after fetching the orig tarball still counts;
#   - the cache key follows the tarballs' digests; --check and --print-dir
#     answer from the selection without apt; the stamp file is written;
#   - when every version fails: a non-zero exit and a clear message.
# Prints "ok"/"FAIL" per check and "N passed, N failed" last.
set -uo pipefail

readonly REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly BUILD=$REPO/python/build.sh
TMP=$(mktemp -d "${TMPDIR:-/tmp}/warden-fetch-test.XXXXXX")
readonly TMP
trap 'rm -rf "$TMP"' EXIT
readonly FIX=$TMP/fixture BIN=$TMP/bin
passed=0
failed=0

# --- the stand-ins -----------------------------------------------------------
# Fixture layout, per package: candidate (the version a plain `apt-get source`
# goes for), showsrc (what `apt-cache showsrc` prints), pool/VERSION/mode
# (ok | 404 | partial) and pool/VERSION/files/ (what a download produces).
# Every call is appended to calls.log.
mkdir -p "$BIN"
cat >"$BIN/apt-cache" <<'EOF'
#!/usr/bin/env bash
echo "apt-cache $*" >>"$FAKE_APT_FIXTURE/calls.log"
[[ $1 == showsrc && -f $FAKE_APT_FIXTURE/$2/showsrc ]] || { echo "E: No packages found" >&2; exit 100; }
cat "$FAKE_APT_FIXTURE/$2/showsrc"
EOF
cat >"$BIN/apt-get" <<'EOF'
#!/usr/bin/env bash
echo "apt-get $*" >>"$FAKE_APT_FIXTURE/calls.log"
[[ $1 == source && $2 == --download-only ]] || exit 100
spec=$3 pkg=${3%%=*} version=
if [[ $spec == *=* ]]; then version=${spec#*=}; else version=$(cat "$FAKE_APT_FIXTURE/$pkg/candidate" 2>/dev/null); fi
pool=$FAKE_APT_FIXTURE/$pkg/pool/$version
echo "Reading package lists..."
if [[ -z $version || ! -d $pool ]]; then
  echo "E: Unable to find a source package for $spec" >&2
  exit 100
fi
uri=http://archive.invalid/debian-security debver=${version#*:}
dsc=${pkg}_$debver.dsc
mode=$(cat "$pool/mode")
if [[ $mode == ok || $mode == partial ]]; then
  for f in "$pool"/files/*; do
    echo "Get:1 $uri bookworm-security/main $pkg $version (tar) [$(stat -c %s "$f") B]"
    cp "$f" .
  done
  if [[ $mode == ok ]]; then
    echo "Get:2 $uri bookworm-security/main $pkg $version (dsc) [1234 B]"
    echo "stand-in" >"$dsc"
    exit 0
  fi
fi
echo "Err:2 $uri bookworm-security/main $pkg $version (dsc)"
echo "  404  Not Found [IP: 192.0.2.1 80]"
echo "E: Failed to fetch $uri/pool/updates/main/${pkg:0:1}/$pkg/$dsc  404  Not Found [IP: 192.0.2.1 80]" >&2
echo "E: Failed to fetch some archives." >&2
exit 100
EOF
chmod +x "$BIN/apt-get" "$BIN/apt-cache"

new_fixture() {
  rm -rf "$FIX"
  mkdir -p "$FIX"
  : >"$FIX/calls.log"
}

# make_tarball PATH CONTENT: a small deterministic tarball (compressed as its
# name says), so equal CONTENT gives equal digests.
make_tarball() {
  local dir=$TMP/tarsrc
  rm -rf "$dir"
  mkdir -p "$dir/src" "$(dirname "$1")"
  printf '%s\n' "$2" >"$dir/src/README"
  tar -C "$dir" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -caf "$1" src
}

# add_version PACKAGE VERSION MODE TARBALL CONTENT [wrong]: a version apt-cache
# lists. MODE: ok (downloads), 404 (every file answers 404), partial (the
# tarball comes, then the .dsc answers 404). "wrong": apt-cache lists a digest
# the downloaded tarball does not have.
add_version() {
  local pkg=$1 version=$2 mode=$3 tarball=$4 content=$5 listed=${6:-}
  local pool=$FIX/$1/pool/$2 sha size
  make_tarball "$pool/files/$tarball" "$content"
  echo "$mode" >"$pool/mode"
  sha=$(sha256sum <"$pool/files/$tarball" | cut -d' ' -f1)
  size=$(stat -c %s "$pool/files/$tarball")
  [[ $listed == wrong ]] && sha=$(echo other | sha256sum | cut -d' ' -f1)
  cat >>"$FIX/$pkg/showsrc" <<EOF
Package: $pkg
Binary: $pkg-dev
Version: $version
Checksums-Sha256:
 $(printf '%064d' 0) 1234 ${pkg}_${version#*:}.dsc
 $sha $size $tarball
 $(printf '%064d' 1) 5678 ${pkg}_${version#*:}.debian.tar.xz
Package-List: 
 $pkg-dev deb libdevel optional arch=any

EOF
}

set_candidate() { echo "$2" >"$FIX/$1/candidate"; }

# run CACHE ARGS...: python/build.sh ARGS with the stand-ins; sets STATUS,
# STDOUT, STDERR.
run() {
  STATUS=0
  WARDEN_CACHE=$1 WARDEN_APT_BIN_DIR=$BIN FAKE_APT_FIXTURE=$FIX \
    timeout 60 "$BUILD" "${@:2}" >"$TMP/stdout" 2>"$TMP/stderr" || STATUS=$?
  STDOUT=$(<"$TMP/stdout")
  STDERR=$(<"$TMP/stderr")
}

# check NAME COMMAND...: one assertion.
check() {
  if "${@:2}"; then
    passed=$((passed + 1))
    echo "ok   $1"
  else
    failed=$((failed + 1))
    echo "FAIL $1"
    echo "     status $STATUS; stdout: ${STDOUT//$'\n'/ | }"
    echo "     stderr: ${STDERR//$'\n'/ | }"
  fi
}
has() { [[ $1 == *"$2"* ]]; }
lacks() { [[ $1 != *"$2"* ]]; }
calls() { cat "$FIX/calls.log"; }
sha_of() { sha256sum <"$1" | cut -d' ' -f1; }
selected_field() { sed -n "s/^$2: //p" "$CACHE/sources/$1.selected" 2>/dev/null; }

# --- a candidate answering 404 -----------------------------------------------
CACHE=$TMP/cache
new_fixture
# Listed out of order, with a duplicate; 9.9-1 sorts first as text but last
# for dpkg (the others have an epoch).
add_version zlib 9.9-1 ok zlib_9.9.orig.tar.bz2 "zlib 9.9"
add_version zlib 1:1.2.13.dfsg-1+deb12u1 404 zlib_1.2.13.dfsg.orig.tar.bz2 "zlib 1.2.13"
add_version zlib 1:1.2.13.dfsg-1 ok zlib_1.2.13.dfsg.orig.tar.bz2 "zlib 1.2.13"
add_version zlib 1:1.2.11.dfsg-4 ok zlib_1.2.11.dfsg.orig.tar.bz2 "zlib 1.2.11"
add_version zlib 1:1.2.13.dfsg-1 ok zlib_1.2.13.dfsg.orig.tar.bz2 "zlib 1.2.13"
set_candidate zlib 1:1.2.13.dfsg-1+deb12u1
ZLIB_TAR=$CACHE/sources/zlib_1.2.13.dfsg.orig.tar.bz2
ZLIB_SHA=$(sha_of "$FIX/zlib/pool/1:1.2.13.dfsg-1/files/zlib_1.2.13.dfsg.orig.tar.bz2")

run "$CACHE" --fetch-only zlib
check "fallback: exit status 0" test "$STATUS" -eq 0
check "fallback: stdout names the version and tarball used" \
  test "$STDOUT" = "zlib"$'\t'"1:1.2.13.dfsg-1"$'\t'"$ZLIB_TAR"
check "fallback: stderr names the failed candidate, why, and the version used" \
  has "$STDERR" "python-wasi: zlib: candidate 1:1.2.13.dfsg-1+deb12u1 failed (404 Not Found); using 1:1.2.13.dfsg-1"
check "fallback: the candidate first, then the newest other version, once" \
  test "$(grep '^apt-get' "$FIX/calls.log")" = "apt-get source --download-only zlib
apt-get source --download-only zlib=1:1.2.13.dfsg-1"
check "fallback: the tarball is in sources/ with the listed digest" test "$(sha_of "$ZLIB_TAR")" = "$ZLIB_SHA"
check "fallback: zlib.selected records version, file and sha256" \
  test "$(selected_field zlib version) $(selected_field zlib file) $(selected_field zlib sha256)" \
  = "1:1.2.13.dfsg-1 zlib_1.2.13.dfsg.orig.tar.bz2 $ZLIB_SHA"
check "fallback: only the tarball and the record are kept (no .dsc, no attempt directories)" \
  test "$(cd "$CACHE/sources" && ls -A | tr '\n' ' ')" = "zlib.selected zlib_1.2.13.dfsg.orig.tar.bz2 "

: >"$FIX/calls.log"
run "$CACHE" --fetch-only zlib
check "recorded: a second run answers the same" test "$STATUS $STDOUT" = "0 zlib"$'\t'"1:1.2.13.dfsg-1"$'\t'"$ZLIB_TAR"
check "recorded: without calling apt-get or apt-cache" test ! -s "$FIX/calls.log"
check "recorded: and without fetch messages" test -z "$STDERR"

echo "not a tarball" >>"$ZLIB_TAR"
run "$CACHE" --fetch-only zlib
check "corrupt: a tarball failing its recorded digest is refused" \
  has "$STDERR" "zlib_1.2.13.dfsg.orig.tar.bz2 does not have the sha256 recorded in zlib.selected; fetching again"
check "corrupt: and fetched again (same fallback)" \
  has "$STDERR" "python-wasi: zlib: candidate 1:1.2.13.dfsg-1+deb12u1 failed (404 Not Found); using 1:1.2.13.dfsg-1"
check "corrupt: the tarball has its digest again" test "$STATUS $(sha_of "$ZLIB_TAR")" = "0 $ZLIB_SHA"
check "corrupt: apt-get was asked again" grep -q '^apt-get source --download-only zlib=1:1.2.13.dfsg-1$' "$FIX/calls.log"

rm "$ZLIB_TAR"
run "$CACHE" --fetch-only zlib
check "missing: a recorded tarball that is gone is fetched again" \
  test "$STATUS $(sha_of "$ZLIB_TAR" 2>/dev/null)" = "0 $ZLIB_SHA"

# --- apt-get fails on the .dsc after the orig tarball came ---------------------
add_version python3.11 3.11.2-6+deb12u8 ok python3.11_3.11.2.orig.tar.gz "cpython 3.11.2"
add_version python3.11 3.11.2-6+deb12u9 partial python3.11_3.11.2.orig.tar.gz "cpython 3.11.2"
set_candidate python3.11 3.11.2-6+deb12u9
: >"$FIX/calls.log"
run "$CACHE" --fetch-only python3.11
check "partial: the candidate's orig tarball counts" \
  test "$STATUS $(selected_field python3.11 version)" = "0 3.11.2-6+deb12u9"
check "partial: stderr says only the orig tarball came" \
  has "$STDERR" "python-wasi: python3.11: using 3.11.2-6+deb12u9 (orig tarball only; apt-get failed on the rest: 404 Not Found)"
check "partial: one apt-get call" test "$(grep -c '^apt-get' "$FIX/calls.log")" -eq 1

# --- a downloaded tarball without the listed digest ---------------------------
add_version sqlite3 3.40.1-2+deb12u2 ok sqlite3_3.40.1.orig.tar.xz "sqlite tampered" wrong
add_version sqlite3 3.40.1-2 ok sqlite3_3.40.1.orig.tar.xz "sqlite 3.40.1"
set_candidate sqlite3 3.40.1-2+deb12u2
run "$CACHE" --fetch-only sqlite3
check "digest: a download without the listed sha256 is refused" \
  has "$STDERR" "python-wasi: sqlite3: candidate 3.40.1-2+deb12u2 failed (sqlite3_3.40.1.orig.tar.xz does not have the sha256 apt-cache showsrc lists); using 3.40.1-2"
check "digest: the next version's tarball is the one kept" \
  test "$STATUS $(sha_of "$CACHE/sources/sqlite3_3.40.1.orig.tar.xz")" \
  = "0 $(sha_of "$FIX/sqlite3/pool/3.40.1-2/files/sqlite3_3.40.1.orig.tar.xz")"

# --- the cache key, --check, --print-dir and the stamp ------------------------
# The threaded sysroot's source is one of the recipe's sources too.
add_version wasi-libc 0.0~git20220510.9886d3d-2 ok wasi-libc_0.0~git20220510.9886d3d.orig.tar.xz "wasi-libc"
set_candidate wasi-libc 0.0~git20220510.9886d3d-2
run "$CACHE" --fetch-only wasi-libc
check "wasi-libc: fetched and recorded like the others" \
  test "$STATUS $(selected_field wasi-libc version)" = "0 0.0~git20220510.9886d3d-2"
: >"$FIX/calls.log"
run "$CACHE" --check
check "check: not built yet: exit 1, nothing printed" test "$STATUS:$STDOUT" = "1:"
run "$CACHE" --fetch-only
ENTRY=$(sed -n 's/^entry\t\([^\t]*\)\tnot built$/\1/p' <<<"$STDOUT")
check "key: --fetch-only names the entry the four tarballs key" has "$ENTRY" "$CACHE/python-"
check "key: no apt call while everything is recorded" test ! -s "$FIX/calls.log"

mkdir -p "$ENTRY/lib/python3.11"
touch "$ENTRY/python.wasm" "$ENTRY/python-driver.wasm" "$ENTRY/BUILD-INFO"
run "$CACHE" --check
check "check: a complete entry is printed" test "$STATUS $STDOUT" = "0 $ENTRY"
STAMP=$CACHE/python-home.stamp
stamp_ok() {
  local file size mtime n=0
  [[ $(tail -n 1 "$STAMP") == "home"$'\t'"$ENTRY" ]] || return 1
  while IFS=$'\t' read -r file size mtime; do
    [[ $file == home ]] && continue
    [[ $file == "$REPO/python/"* || $file == "$REPO/sysroot/"* || $file == "$REPO/scripts/"* ]] || return 1
    [[ "$size $mtime" == "$(stat -c '%s %.9Y' "$file")" ]] || return 1
    n=$((n + 1))
  done <"$STAMP"
  grep -q "^$REPO/python/build.sh"$'\t' "$STAMP" && grep -q "^$REPO/sysroot/build.sh"$'\t' "$STAMP" && ((n >= 2))
}
check "stamp: recipe files with size and mtime, then home" stamp_ok
rm -f "$STAMP"
run "$CACHE" --print-dir
check "print-dir: a complete entry is printed without apt or a build" \
  test "$STATUS $STDOUT $(wc -c <"$FIX/calls.log")" = "0 $ENTRY 0"
check "print-dir: the stamp is written again" stamp_ok

# Another zlib tarball (its version's files now answer 404 too): another entry.
echo 404 >"$FIX/zlib/pool/1:1.2.13.dfsg-1/mode"
rm "$ZLIB_TAR"
run "$CACHE" --fetch-only
check "key: the next version's tarball is used" \
  has "$STDERR" "candidate 1:1.2.13.dfsg-1+deb12u1 failed (404 Not Found); 1:1.2.13.dfsg-1 failed (404 Not Found); using 1:1.2.11.dfsg-4"
ENTRY2=$(sed -n 's/^entry\t\([^\t]*\)\tnot built$/\1/p' <<<"$STDOUT")
check "key: another tarball keys another entry" test -n "$ENTRY2" -a "$ENTRY2" != "$ENTRY"
run "$CACHE" --check
check "check: the new selection's entry is not built" test "$STATUS" -eq 1

# --- nothing can be fetched ---------------------------------------------------
new_fixture
add_version zlib 1:1.2.13.dfsg-1+deb12u1 404 zlib_1.2.13.dfsg.orig.tar.bz2 "zlib 1.2.13"
add_version zlib 1:1.2.13.dfsg-1 404 zlib_1.2.13.dfsg.orig.tar.bz2 "zlib 1.2.13"
set_candidate zlib 1:1.2.13.dfsg-1+deb12u1
run "$TMP/cache-fail" --fetch-only zlib
check "all fail: exit status 1" test "$STATUS" -eq 1
check "all fail: says what failed and where to look" \
  has "$STDERR" "python-wasi: could not download the zlib source (deb-src enabled? see scripts/setup.sh): candidate 1:1.2.13.dfsg-1+deb12u1 failed (404 Not Found); 1:1.2.13.dfsg-1 failed (404 Not Found)"
check "all fail: shows the last attempt's log" \
  has "$STDERR" "E: Failed to fetch http://archive.invalid/debian-security/pool/updates/main/z/zlib/zlib_1.2.13.dfsg-1.dsc  404  Not Found"
check "all fail: nothing recorded, no attempt directories left" \
  test -z "$(ls -A "$TMP/cache-fail/sources")"
check "all fail: no output on stdout" lacks "$STDOUT" "zlib"

echo "$passed passed, $failed failed"
((failed == 0))
