#!/usr/bin/env bash
# Builds CPython 3.11 for wasm32-wasi-threads (python.wasm + a trimmed
# standard library) from Debian bookworm's source packages, with clang-19 and
# the threaded sysroot of sysroot/build.sh (Debian's wasi-libc source with
# the project's thread layer), so `threading` runs on real guest threads;
# zlib and sqlite3 are cross-built from their Debian sources too. Only the
# upstream orig tarballs of those source packages are used: no Debian
# patches are applied.
#
#   python/build.sh                 build if needed; print the output directory last
#   python/build.sh --print-dir     print the output directory, build only if missing
#   python/build.sh --check         print the output directory if built, else exit 1
#                                   (no network, no build)
#   python/build.sh --fetch-only [PACKAGE...]
#                                   select the sources only (fetching if needed):
#                                   prints "PACKAGE<TAB>VERSION<TAB>TARBALL" lines,
#                                   and with no PACKAGE the entry they key last
#
# Sources, cached in ${WARDEN_CACHE:-$HOME/.cache/warden}/sources/:
#   <orig tarball>           e.g. zlib_1.2.13.dfsg.orig.tar.bz2
#   PACKAGE.selected         the choice: "version: V", "file: F", "sha256: D"
# A source is fetched with `apt-get source --download-only`: apt's candidate
# first, then every other version `apt-cache showsrc` lists, newest first (an
# archive may list a version and answer 404 for its files). An attempt counts
# when it produced the orig tarball with the sha256 apt-cache lists for that
# version. Later runs use the recorded file without asking apt; a recorded
# file that is missing or fails its digest is fetched again.
#
# Output, cached outside git and keyed by a hash of the recipe files (the
# sysroot's recipe included) and of the orig tarballs used (their sha256):
#   ${WARDEN_CACHE:-$HOME/.cache/warden}/python-<hash>/
#     python.wasm            stripped interpreter (wasm32-wasi command; its
#                            memory is imported and shared, for threads)
#     python-driver.wasm     the same interpreter as a reactor with the snapshot
#                            driver's exports (warden_driver.c, driver.mk)
#     lib/python3.11/        trimmed standard library, .py + precompiled __pycache__
#     testlib/test/          CPython's Lib/test, for the regrtest oracle only
#     share/zoneinfo/        IANA tz database (Debian's tzdata) for zoneinfo
#     BUILD-INFO             versions, source tarballs and digests, sizes, build time
# The guest sees lib/ at /usr/local/lib (the prefix the interpreter was
# configured with) and share/zoneinfo at /usr/share/zoneinfo.
#
# Stamp for a fast lookup, ${WARDEN_CACHE:-$HOME/.cache/warden}/python-home.stamp:
# rewritten (temporary file + rename) whenever this script resolves a complete
# output directory (--print-dir, a successful --check, a build). Text, one line
# per recipe file, "FILE<TAB>SIZE<TAB>MTIME" (FILE absolute, SIZE in bytes,
# MTIME as `stat -c %.9Y` prints it), then "home<TAB>OUTPUT-DIRECTORY". The
# warden binary trusts the directory while every listed file still has that
# size and mtime, and runs this script otherwise (src/sandbox/python_home.cpp).
#
# Idempotent: a complete cache entry is reused at once; a build happens in a
# temporary directory and is renamed into place only when complete. One fetch
# or build at a time per cache (a lock file); a second caller waits.
#
# WARDEN_APT_BIN_DIR (tests only): a directory whose apt-get and apt-cache
# stand in for the system's when fetching sources
# (tests/python/fetch_fallback_test.sh); nothing else is looked up there.
set -euo pipefail

readonly RECIPE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Everything that decides the output, with the orig tarballs' digests; changing
# any of them makes a new entry.
readonly RECIPE_FILES=(build.sh config.site sqlite-wasi-compat.h stdlib-trim.txt warden_driver.c driver.mk
  testlib-threads.patch)
readonly REPO=$(cd "$RECIPE_DIR/.." && pwd)
readonly SYSROOT_RECIPE=$REPO/sysroot/build.sh
# The threaded sysroot's recipe decides the output too (relative to the
# repository; README.md is left out: it does not enter the build).
mapfile -t SYSROOT_FILES < <(cd "$REPO" && find sysroot -type f ! -name README.md | LC_ALL=C sort; echo scripts/debian_source.sh)
readonly SYSROOT_FILES
readonly CACHE_ROOT=${WARDEN_CACHE:-$HOME/.cache/warden}
readonly SOURCES=$CACHE_ROOT/sources
readonly STAMP=$CACHE_ROOT/python-home.stamp
readonly JOBS=${WARDEN_PYTHON_JOBS:-2}
readonly PY_VERSION=3.11.2
readonly BUILD_PYTHON=/usr/bin/python3.11
# Every link, configure's tests included: the memory is imported (the host
# gives every thread's instance the same one) and shared, with a maximum.
readonly THREAD_LDFLAGS="-Wl,--import-memory,--export-memory,--shared-memory,--max-memory=4294967296"
# A new thread's C stack (the sysroot's default is 128 KiB; the main thread
# has 512 KiB, CPython's WASI default). C recursion in a thread (json, re,
# repr of nested data) is bounded by CPython's recursion limit, not a guard.
readonly THREAD_STACK_BYTES=0x100000

# The Debian source packages used, and the one file of each the build reads:
# the upstream orig tarball.
# wasi-libc's is the threaded sysroot's source: fetched here with the same
# fallback and recorded in sources/wasi-libc.selected, which sysroot/build.sh
# reads (scripts/debian_source.sh), so the key below covers it.
readonly SOURCE_PACKAGES=(python3.11 zlib sqlite3 wasi-libc)
declare -rA SOURCE_TARBALL=(
  [python3.11]="python3.11_${PY_VERSION}.orig.tar.*"
  [zlib]="zlib_*.orig.tar.bz2"
  [sqlite3]="sqlite3_*.orig.tar.xz"
  [wasi-libc]="wasi-libc_*.orig.tar.*"
)
# The selected sources, per package: Debian version, tarball path, sha256.
declare -A SEL_VERSION=() SEL_TARBALL=() SEL_SHA256=()
OUT=

# Debian's tools only: pyenv shims or a cargo/local python must not leak into
# configure (the build python has to be exactly $PY_VERSION).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C.UTF-8
unset PYTHONPATH PYTHONHOME PYTHONSTARTUP CONFIG_SITE

# The cache key: a hash over the recipe files and the sha256 of each orig
# tarball used. No Debian patches are applied, so nothing else from the
# source packages enters the build: two Debian versions with the same orig
# tarball build the same thing and share an entry; different tarballs never do.
cache_key() {
  local package
  {
    (cd "$RECIPE_DIR" && for f in "${RECIPE_FILES[@]}"; do echo "== $f"; cat "$f"; done)
    (cd "$REPO" && for f in "${SYSROOT_FILES[@]}"; do echo "== $f"; cat "$f"; done)
    for package in "${SOURCE_PACKAGES[@]}"; do echo "== source $package ${SEL_SHA256[$package]}"; done
  } | sha256sum | cut -c1-16
}

set_out() { OUT=$CACHE_ROOT/python-$(cache_key); }

is_complete() { [[ -f $OUT/python.wasm && -f $OUT/python-driver.wasm && -d $OUT/lib/python3.11 && -f $OUT/BUILD-INFO ]]; }

START=$(date +%s)
stage() { printf '[python-wasi %4ds] %s\n' $(($(date +%s) - START)) "$*" >&2; }

# run_logged NAME COMMAND...: runs a step with its output in $WORK/logs/NAME.log;
# on failure prints the log's tail and stops the build.
run_logged() {
  local name=$1
  shift
  if ! "$@" >"$WORK/logs/$name.log" 2>&1; then
    echo "python-wasi: step '$name' failed; last lines of $WORK/logs/$name.log:" >&2
    tail -n 40 "$WORK/logs/$name.log" >&2
    echo "python-wasi: work directory kept for inspection: $WORK" >&2
    trap - EXIT
    exit 1
  fi
}

check_tools() {
  local missing=() t
  for t in clang-19 wasm-ld-19 llvm-ar-19 llvm-ranlib-19 wasm-strip tclsh cc make patch apt-get; do
    command -v "$t" >/dev/null || missing+=("$t")
  done
  [[ -f /usr/lib/llvm-19/lib/clang/19/lib/wasi/libclang_rt.builtins-wasm32.a ]] ||
    missing+=("libclang-rt-19-dev-wasm32")
  [[ -x $BUILD_PYTHON ]] || missing+=("python3.11")
  [[ -d /usr/share/zoneinfo ]] || missing+=("tzdata")
  if ((${#missing[@]})); then
    echo "python-wasi: missing tools: ${missing[*]} (run scripts/setup.sh)" >&2
    exit 1
  fi
  local have
  have=$("$BUILD_PYTHON" -c 'import platform; print(platform.python_version())')
  if [[ $have != "$PY_VERSION" ]]; then
    echo "python-wasi: $BUILD_PYTHON is $have, the source is $PY_VERSION" >&2
    exit 1
  fi
}

# apt_tool apt-get|apt-cache ARGS...: the system's, or the stand-in in
# $WARDEN_APT_BIN_DIR when that is set (tests only).
apt_tool() {
  local tool=$1
  shift
  if [[ -n ${WARDEN_APT_BIN_DIR:-} ]]; then tool=$WARDEN_APT_BIN_DIR/$tool; fi
  "$tool" "$@"
}

# showsrc_files PACKAGE: "VERSION SHA256 FILE" for each file of each version
# of the source package that apt-cache lists (deduplicated; no network).
showsrc_files() {
  { apt_tool apt-cache showsrc "$1" 2>/dev/null || true; } | awk -v pkg="$1" '
    /^Package: / { p = $2; v = ""; sums = 0; next }
    /^Version: / { v = $2; next }
    /^Checksums-Sha256:/ { sums = 1; next }
    /^ / { if (sums && p == pkg && v != "") print v, $1, $3; next }
    { sums = 0 }' | sort -u
}

# sort_versions_desc: Debian versions (stdin, one a line), newest first.
sort_versions_desc() {
  local sorted=() v i
  while IFS= read -r v; do
    [[ -n $v ]] || continue
    i=${#sorted[@]}
    while ((i > 0)) && dpkg --compare-versions "$v" gt "${sorted[i - 1]}"; do
      sorted[i]=${sorted[i - 1]}
      i=$((i - 1))
    done
    sorted[i]=$v
  done
  ((${#sorted[@]} == 0)) || printf '%s\n' "${sorted[@]}"
}

# attempted_version PACKAGE LOG: the version `apt-get source` went for, from
# its "Get:1 URI SUITE PACKAGE VERSION (dsc)" or "Err:1 ..." lines.
attempted_version() {
  local re=${1//./\\.}
  re=${re//+/\\+}
  sed -n -E "/^(Get|Err|Ign|Hit):[0-9]+ .* $re [^ ]+ \((dsc|tar|diff)\)/{s/^.* $re ([^ ]+) \((dsc|tar|diff)\).*/\1/p;q}" "$2"
}

# failure_reason LOG STATUS: apt-get's first error in short ("404 Not Found").
failure_reason() {
  local why
  why=$(sed -n -E '/^E: /{s/^E: (Failed to fetch [^ ]+ +)?//; s/ *\[IP: [^]]*\]//; s/  +/ /g; p; q}' "$1")
  echo "${why:-apt-get exit status $2}"
}

# join_failures MESSAGE...: "MESSAGE; MESSAGE; " (nothing for none).
join_failures() { if (($#)); then printf '%s; ' "$@"; fi; }

# read_selected PACKAGE: loads $SOURCES/PACKAGE.selected into SEL_*; fails
# when it is missing or malformed, names a file the recipe does not take, or
# that file is gone. (The digest is checked by select_sources.)
read_selected() {
  local package=$1 key value version='' tarball='' sha256=''
  [[ -f $SOURCES/$package.selected ]] || return 1
  while read -r key value; do
    case $key in
      version:) version=$value ;;
      file:) tarball=$value ;;
      sha256:) sha256=$value ;;
    esac
  done <"$SOURCES/$package.selected"
  # shellcheck disable=SC2053 # the right side is the recipe's glob
  [[ -n $version && $sha256 =~ ^[0-9a-f]{64}$ && $tarball != */* &&
     $tarball == ${SOURCE_TARBALL[$package]} && -f $SOURCES/$tarball ]] || return 1
  SEL_VERSION[$package]=$version
  SEL_TARBALL[$package]=$SOURCES/$tarball
  SEL_SHA256[$package]=$sha256
}

# load_selection: read_selected for every package (no network, no hashing).
load_selection() {
  local package
  for package in "${SOURCE_PACKAGES[@]}"; do
    read_selected "$package" || return 1
  done
}

# write_selected PACKAGE VERSION TARBALL SHA256: records the choice (atomically).
write_selected() {
  local tmp
  tmp=$(mktemp "$SOURCES/.$1.selected.XXXXXX")
  {
    echo "# python/build.sh: the Debian source version whose orig tarball the build uses"
    echo "version: $2"
    echo "file: ${3##*/}"
    echo "sha256: $4"
  } >"$tmp"
  chmod 644 "$tmp"
  mv -f "$tmp" "$SOURCES/$1.selected"
  SEL_VERSION[$1]=$2
  SEL_TARBALL[$1]=$SOURCES/${3##*/}
  SEL_SHA256[$1]=$4
}

# fetch_source PACKAGE: downloads PACKAGE's orig tarball into $SOURCES and
# records the choice in PACKAGE.selected. Tries apt's candidate, then every
# other version apt-cache showsrc lists, newest first: an archive that lists
# a version but answers 404 for its files (seen on bookworm-security) must not
# stop the build. Each attempt downloads into a directory of its own and
# counts when it produced the orig tarball with the sha256 apt-cache lists for
# that version; apt-get may still fail on the .dsc or .debian.tar, which the
# recipe does not use (no Debian patches are applied).
fetch_source() {
  local package=$1 pattern=${SOURCE_TARBALL[$1]}
  local listing attempts=('') failed=() candidate='' version label n=0 dir log='' status
  local found sha base note=''
  stage "fetching the $package source (apt-get source; only its orig tarball is kept)"
  mkdir -p "$SOURCES"
  listing=$(showsrc_files "$package")
  mapfile -t -O 1 attempts < <(cut -d' ' -f1 <<<"$listing" | sort -u | sort_versions_desc)
  FETCH_TMP=$(mktemp -d "$SOURCES/.fetch-$package.XXXXXX")
  trap 'rm -rf "$FETCH_TMP"' EXIT
  for version in "${attempts[@]}"; do
    [[ -n $version && $version == "$candidate" ]] && continue
    n=$((n + 1))
    dir=$FETCH_TMP/$n
    log=$FETCH_TMP/$n.log
    mkdir "$dir"
    status=0
    (cd "$dir" && apt_tool apt-get source --download-only "$package${version:+=$version}") >"$log" 2>&1 || status=$?
    if [[ -z $version ]]; then
      version=$(attempted_version "$package" "$log")
      candidate=$version
      label="candidate ${version:-(version unknown)}"
    else
      label=$version
    fi
    found=$(compgen -G "$dir/$pattern" | head -n1 || true)
    if [[ -z $found ]]; then
      failed+=("$label failed ($(failure_reason "$log" "$status"))")
      continue
    fi
    sha=$(sha256sum <"$found" | cut -d' ' -f1)
    base=${found##*/}
    if [[ -z $version ]]; then
      version=$(awk -v s="$sha" -v f="$base" '$2 == s && $3 == f { print $1 }' <<<"$listing" |
        sort_versions_desc | sed -n 1p)
    fi
    if [[ -z $version ]] || ! grep -qxF "$version $sha $base" <<<"$listing"; then
      failed+=("$label failed ($base does not have the sha256 apt-cache showsrc lists)")
      continue
    fi
    ((status == 0)) || note=" (orig tarball only; apt-get failed on the rest: $(failure_reason "$log" "$status"))"
    mv -f "$found" "$SOURCES/$base"
    write_selected "$package" "$version" "$SOURCES/$base" "$sha"
    rm -rf "$FETCH_TMP"
    trap - EXIT
    echo "python-wasi: $package: $(join_failures "${failed[@]}")using $version$note" >&2
    return 0
  done
  local all
  all=$(join_failures "${failed[@]}")
  echo "python-wasi: could not download the $package source (deb-src enabled? see scripts/setup.sh): ${all%; }" >&2
  if [[ -n $log ]]; then
    echo "python-wasi: last lines of the last attempt's log:" >&2
    tail -n 10 "$log" >&2
  fi
  exit 1
}

# select_sources PACKAGE...: fills SEL_* from the recorded choices whose
# tarball is present and has the recorded sha256, fetching the others.
select_sources() {
  local package actual
  for package in "$@"; do
    if read_selected "$package"; then
      actual=$(sha256sum <"${SEL_TARBALL[$package]}" | cut -d' ' -f1)
      [[ $actual == "${SEL_SHA256[$package]}" ]] && continue
      echo "python-wasi: $package: ${SEL_TARBALL[$package]} does not have the sha256 recorded in $package.selected; fetching again" >&2
    elif [[ -f $SOURCES/$package.selected ]]; then
      echo "python-wasi: $package: the tarball $package.selected names is missing (or the record is unusable); fetching again" >&2
    fi
    fetch_source "$package"
  done
}

# write_stamp: records $OUT for the warden binary (see the top of this file).
# Best effort: a cache it cannot write to does not fail the run.
write_stamp() {
  local files=() f text old='' tmp
  for f in "${RECIPE_FILES[@]}"; do files+=("$RECIPE_DIR/$f"); done
  for f in "${SYSROOT_FILES[@]}"; do files+=("$REPO/$f"); done
  text=$(stat --printf '%n\t%s\t%.9Y\n' "${files[@]}") || return 0
  text+=$'\n'"home"$'\t'"$OUT"$'\n'
  if [[ -f $STAMP ]]; then IFS= read -r -d '' old <"$STAMP" || true; fi
  [[ $old == "$text" ]] && return 0
  tmp=$(mktemp "$STAMP.XXXXXX" 2>/dev/null) || return 0
  if printf '%s' "$text" >"$tmp" && chmod 644 "$tmp" && mv -f "$tmp" "$STAMP"; then
    return 0
  fi
  rm -f "$tmp"
}

# clang 16+ runs `wasm-opt` after every optimized link when one is on PATH;
# bookworm's binaryen 108 cannot parse clang-19's output, so configure's link
# tests would fail. A no-op stand-in (the link output stays as wasm-ld wrote it).
hide_wasm_opt() {
  mkdir -p "$WORK/bin"
  printf '#!/bin/sh\nexit 0\n' >"$WORK/bin/wasm-opt"
  chmod +x "$WORK/bin/wasm-opt"
  export PATH=$WORK/bin:$PATH
}

# make_sysroot: the threaded sysroot (sysroot/build.sh; cached, built from
# the wasi-libc source selected above on the first run, about 90 s).
make_sysroot() {
  SYSROOT=$("$SYSROOT_RECIPE" | tail -n 1)
  [[ -f $SYSROOT/.complete ]]
}

build_zlib() {
  local src=$WORK/zlib
  mkdir -p "$src"
  tar xjf "$ZLIB_TAR" -C "$src" --strip-components=1
  cd "$src"
  CC="$WASI_CC" AR=llvm-ar-19 RANLIB=llvm-ranlib-19 CFLAGS="-O2" CHOST=wasm32-wasi \
    ./configure --static --prefix="$DEPS"
  make -j"$JOBS" libz.a
  make install
}

build_sqlite() {
  local src=$WORK/sqlite
  mkdir -p "$src"
  tar xJf "$SQLITE_TAR" -C "$src" --strip-components=1
  cd "$src"
  # The amalgamation is generated by host tools (lemon, mkkeywordhash, tclsh).
  ./configure --disable-tcl >/dev/null
  make -j"$JOBS" sqlite3.c
  local flags=(
    -O2 -include "$RECIPE_DIR/sqlite-wasi-compat.h"
    -DSQLITE_THREADSAFE=1 -DSQLITE_OMIT_WAL -DSQLITE_OMIT_LOAD_EXTENSION
    -DSQLITE_MAX_MMAP_SIZE=0 '-DSQLITE_DEFAULT_UNIX_VFS="unix-none"'
    -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_MATH_FUNCTIONS
    -D_WASI_EMULATED_GETPID -Wno-error=int-conversion
  )
  $WASI_CC "${flags[@]}" -c sqlite3.c -o sqlite3.o
  mkdir -p "$DEPS/lib" "$DEPS/include"
  llvm-ar-19 rcs "$DEPS/lib/libsqlite3.a" sqlite3.o
  cp sqlite3.h sqlite3ext.h "$DEPS/include/"
}

configure_python() {
  cd "$PYSRC"
  mkdir -p builddir/wasi
  cd builddir/wasi
  CONFIG_SITE=$RECIPE_DIR/config.site \
  CC="$WASI_CC" CPP="$WASI_CC -E" AR=llvm-ar-19 RANLIB=llvm-ranlib-19 READELF=true \
  CFLAGS="-O2 -Wno-error=int-conversion -DTHREAD_STACK_SIZE=$THREAD_STACK_BYTES" \
  LDFLAGS="$THREAD_LDFLAGS" \
  PKG_CONFIG_LIBDIR="$DEPS/lib/pkgconfig" PKG_CONFIG_PATH="" \
  ZLIB_CFLAGS="-I$DEPS/include" ZLIB_LIBS="-L$DEPS/lib -lz" \
  LIBSQLITE3_CFLAGS="-I$DEPS/include" LIBSQLITE3_LIBS="-L$DEPS/lib -lsqlite3" \
    ../../configure \
      --host=wasm32-unknown-wasi --build="$(../../config.guess)" \
      --with-build-python="$BUILD_PYTHON" \
      --prefix=/usr/local --disable-ipv6 --without-ensurepip
}

# The modules this recipe exists to provide; configure silently drops a module
# whose dependency fails a link test, so stop here instead of shipping without it.
readonly REQUIRED_MODULES=(zlib _sqlite3 _decimal pyexpat _elementtree
  _sha256 _blake2 _md5 _socket)
check_modules() {
  local log=$WORK/logs/configure.log missing=() m
  for m in "${REQUIRED_MODULES[@]}"; do
    grep -q "extension module $m\.\.\. yes" "$log" || missing+=("$m")
  done
  if ((${#missing[@]})); then
    echo "python-wasi: configure did not enable: ${missing[*]}; configure output:" >&2
    grep "extension module" "$log" >&2 || true
    echo "python-wasi: logs kept in $WORK/logs" >&2
    trap - EXIT
    exit 1
  fi
}

install_python() {
  cd "$PYSRC/builddir/wasi"
  make DESTDIR="$WORK/install" install
}

# trim_stdlib LIBDIR: removes what stdlib-trim.txt lists.
trim_stdlib() {
  local lib=$1 entry
  while IFS= read -r entry; do
    entry=${entry%%#*}
    entry=${entry//[[:space:]]/}
    [[ -n $entry ]] && rm -rf "${lib:?}/$entry"
  done <"$RECIPE_DIR/stdlib-trim.txt"
  find "$lib" -name __pycache__ -type d -prune -exec rm -rf {} +
}

# The shipped form: sources plus __pycache__/*.pyc, checked by hash only
# (unchecked-hash): measured fastest to start under node, and tracebacks still
# show source lines. See python/README.md for the figures.
precompile_stdlib() {
  "$BUILD_PYTHON" -m compileall -q -j "$JOBS" --invalidation-mode unchecked-hash \
    -x 'lib2to3/tests|bad_coding|badsyntax' "$1" || true
}

copy_zoneinfo() {
  # The IANA database from Debian's tzdata, without the duplicate right/ and
  # posix/ trees, so zoneinfo works without host files.
  mkdir -p "$STAGE/share"
  cp -a /usr/share/zoneinfo "$STAGE/share/zoneinfo"
  rm -rf "$STAGE/share/zoneinfo/right" "$STAGE/share/zoneinfo/posix"
}

write_build_info() {
  local package
  {
    echo "cache-key: ${OUT##*-} (recipe files and the sha256 of the orig tarballs below)"
    echo "cpython: $PY_VERSION"
    for package in "${SOURCE_PACKAGES[@]}"; do
      echo "source $package: ${SEL_VERSION[$package]} ${SEL_TARBALL[$package]##*/} sha256:${SEL_SHA256[$package]} (orig tarball only, no Debian patches)"
    done
    echo "compiler: $(clang-19 --version | head -n1)"
    echo "sysroot: $SYSROOT ($(sed -n 's/^cache-key: //p' "$SYSROOT/BUILD-INFO"))"
    echo "threads: wasm32-wasi-threads, shared memory ($THREAD_LDFLAGS), thread stack $THREAD_STACK_BYTES bytes"
    echo "python.wasm-bytes: $(stat -c %s "$STAGE/python.wasm")"
    echo "python-driver.wasm-bytes: $(stat -c %s "$STAGE/python-driver.wasm")"
    echo "stdlib-bytes: $(du -sb "$STAGE/lib" | cut -f1)"
    echo "build-seconds: $(($(date +%s) - START))"
    echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  } >"$STAGE/BUILD-INFO"
}

# build: builds $OUT from the selected sources (select_sources first).
build() {
  mkdir -p "$CACHE_ROOT"
  WORK=$(mktemp -d "$CACHE_ROOT/.python-work.XXXXXX")
  # WARDEN_PYTHON_KEEP_WORK=1 keeps the build tree (to iterate on the driver).
  if [[ -z ${WARDEN_PYTHON_KEEP_WORK:-} ]]; then trap 'rm -rf "$WORK"' EXIT; fi
  mkdir -p "$WORK/logs"
  DEPS=$WORK/deps
  STAGE=$WORK/stage

  stage "sources (orig tarballs): python3.11 ${SEL_VERSION[python3.11]}, zlib ${SEL_VERSION[zlib]}, sqlite3 ${SEL_VERSION[sqlite3]}, wasi-libc ${SEL_VERSION[wasi-libc]}"
  PY_TAR=${SEL_TARBALL[python3.11]}
  ZLIB_TAR=${SEL_TARBALL[zlib]}
  SQLITE_TAR=${SEL_TARBALL[sqlite3]}
  tar xzf "$PY_TAR" -C "$WORK"
  PYSRC=$WORK/Python-$PY_VERSION

  stage "threaded sysroot (sysroot/build.sh) and zlib (wasm32-wasi-threads)"
  run_logged sysroot make_sysroot
  SYSROOT=$("$SYSROOT_RECIPE" --check)
  # -pthread: atomics and bulk memory in every object (wasm-ld refuses a
  # shared memory otherwise) and _REENTRANT.
  WASI_CC="clang-19 --target=wasm32-wasi-threads --sysroot=$SYSROOT -pthread"
  hide_wasm_opt
  run_logged zlib build_zlib

  stage "sqlite3 amalgamation (host) and library (wasm32-wasi-threads)"
  run_logged sqlite build_sqlite

  stage "configure CPython for wasm32-wasi-threads"
  run_logged configure configure_python
  check_modules

  stage "compile CPython (make -j$JOBS)"
  run_logged make make -C "$PYSRC/builddir/wasi" -j"$JOBS" all

  stage "link the snapshot driver (python-driver.wasm)"
  run_logged driver make -C "$PYSRC/builddir/wasi" -f Makefile -f "$RECIPE_DIR/driver.mk" \
    WARDEN_DRIVER_SRC="$RECIPE_DIR/warden_driver.c" python-driver.wasm

  stage "install, strip, trim the standard library"
  run_logged install install_python
  mkdir -p "$STAGE/lib" "$STAGE/testlib"
  cp "$PYSRC/builddir/wasi/python.wasm" "$STAGE/python.wasm"
  wasm-strip "$STAGE/python.wasm"
  cp "$PYSRC/builddir/wasi/python-driver.wasm" "$STAGE/python-driver.wasm"
  wasm-strip "$STAGE/python-driver.wasm"
  cp -a "$WORK/install/usr/local/lib/python3.11" "$STAGE/lib/python3.11"
  cp -a "$PYSRC/Lib/test" "$STAGE/testlib/test"
  # The tests' own check for threads answers "no" for every WASI build;
  # this one has them where the host gives thread-spawn: ask by starting one.
  run_logged testlib-patch patch -d "$STAGE/testlib" -p2 -i "$RECIPE_DIR/testlib-threads.patch"
  trim_stdlib "$STAGE/lib/python3.11"
  copy_zoneinfo

  stage "precompile the standard library (.pyc)"
  run_logged compileall precompile_stdlib "$STAGE/lib/python3.11"

  cp -a "$WORK/logs" "$STAGE/logs"
  write_build_info
  rm -rf "$OUT"
  mv "$STAGE" "$OUT"
  stage "done: $OUT ($(stat -c %s "$OUT/python.wasm") bytes python.wasm, $(du -sh "$OUT/lib" | cut -f1) stdlib)"
}

# take_lock: one fetch or build at a time per cache; a second caller waits
# for the first and then finds the sources selected and the entry complete.
take_lock() {
  mkdir -p "$CACHE_ROOT"
  exec 9>"$CACHE_ROOT/.python-build.lock"
  if ! flock -n 9; then
    stage "another run of this recipe is fetching or building; waiting for it"
    flock 9
  fi
}

# selected_and_complete: the recorded sources key a complete entry (no
# network, no hashing of the tarballs: a complete entry does not read them).
selected_and_complete() { load_selection && set_out && is_complete; }

main() {
  case "${1:-}" in
    --check)
      selected_and_complete || exit 1
      ;;
    --print-dir | "")
      if ! selected_and_complete; then
        take_lock
        if ! selected_and_complete; then
          check_tools
          select_sources "${SOURCE_PACKAGES[@]}"
          set_out
          is_complete || build
        fi
      fi
      ;;
    --fetch-only)
      shift
      local packages=("$@") package
      ((${#packages[@]})) || packages=("${SOURCE_PACKAGES[@]}")
      for package in "${packages[@]}"; do
        if [[ -z ${SOURCE_TARBALL[$package]+set} ]]; then
          echo "python-wasi: --fetch-only: $package is not one of: ${SOURCE_PACKAGES[*]}" >&2
          exit 2
        fi
      done
      take_lock
      select_sources "${packages[@]}"
      for package in "${packages[@]}"; do
        printf '%s\t%s\t%s\n' "$package" "${SEL_VERSION[$package]}" "${SEL_TARBALL[$package]}"
      done
      (($#)) && exit 0
      set_out
      if is_complete; then
        write_stamp
        printf 'entry\t%s\tcomplete\n' "$OUT"
      else
        printf 'entry\t%s\tnot built\n' "$OUT"
      fi
      exit 0
      ;;
    *)
      echo "usage: python/build.sh [--print-dir|--check|--fetch-only [PACKAGE...]]" >&2
      exit 2
      ;;
  esac
  write_stamp
  echo "$OUT"
}

main "$@"
