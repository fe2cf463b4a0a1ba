#!/usr/bin/env bash
# Builds CPython 3.11 for wasm32-wasi (python.wasm + a trimmed standard
# library) from Debian bookworm's source packages, with clang-19 and Debian's
# wasi-libc; zlib and sqlite3 are cross-built from their Debian sources too.
#
#   python/build.sh                 build if needed; print the output directory last
#   python/build.sh --print-dir     print the output directory, build only if missing
#   python/build.sh --check         print the output directory if built, else exit 1
#
# Output, cached outside git and keyed by a hash of the recipe files:
#   ${WARDEN_CACHE:-$HOME/.cache/warden}/python-<hash>/
#     python.wasm            stripped interpreter (wasm32-wasi command)
#     python-driver.wasm     the same interpreter as a reactor with the snapshot
#                            driver's exports (warden_driver.c, driver.mk)
#     lib/python3.11/        trimmed standard library, .py + precompiled __pycache__
#     testlib/test/          CPython's Lib/test, for the regrtest oracle only
#     share/zoneinfo/        IANA tz database (Debian's tzdata) for zoneinfo
#     BUILD-INFO             versions, sizes and build time
# The guest sees lib/ at /usr/local/lib (the prefix the interpreter was
# configured with) and share/zoneinfo at /usr/share/zoneinfo.
#
# Idempotent: a complete cache entry is reused at once; a build happens in a
# temporary directory and is renamed into place only when complete.
set -euo pipefail

readonly RECIPE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Everything that decides the output; changing any of them makes a new entry.
readonly RECIPE_FILES=(build.sh config.site sqlite-wasi-compat.h stdlib-trim.txt warden_driver.c driver.mk)
readonly CACHE_ROOT=${WARDEN_CACHE:-$HOME/.cache/warden}
readonly JOBS=${WARDEN_PYTHON_JOBS:-2}
readonly PY_VERSION=3.11.2
readonly BUILD_PYTHON=/usr/bin/python3.11

# Debian's tools only: pyenv shims or a cargo/local python must not leak into
# configure (the build python has to be exactly $PY_VERSION).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C.UTF-8
unset PYTHONPATH PYTHONHOME PYTHONSTARTUP CONFIG_SITE

recipe_hash() {
  (cd "$RECIPE_DIR" && for f in "${RECIPE_FILES[@]}"; do echo "== $f"; cat "$f"; done) |
    sha256sum | cut -c1-16
}

readonly OUT=$CACHE_ROOT/python-$(recipe_hash)

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
  for t in clang-19 wasm-ld-19 llvm-ar-19 llvm-ranlib-19 wasm-strip tclsh cc make apt-get; do
    command -v "$t" >/dev/null || missing+=("$t")
  done
  [[ -f /usr/lib/wasm32-wasi/libc.a ]] || missing+=("wasi-libc")
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

# fetch_source PACKAGE GLOB: downloads a Debian source package once into the
# shared download cache. Only the upstream orig tarball is used; apt may fail
# on a security update's .dsc/.debian.tar (404) after fetching it, which is fine.
fetch_source() {
  local package=$1 pattern=$2 dir=$CACHE_ROOT/sources
  mkdir -p "$dir"
  if ! compgen -G "$dir/$pattern" >/dev/null; then
    (cd "$dir" && apt-get source --download-only "$package") >"$WORK/logs/fetch-$package.log" 2>&1 || true
  fi
  local found
  found=$(compgen -G "$dir/$pattern" | head -n1 || true)
  if [[ -z $found ]]; then
    echo "python-wasi: could not download the $package source (deb-src enabled? see scripts/setup.sh):" >&2
    tail -n 10 "$WORK/logs/fetch-$package.log" >&2
    exit 1
  fi
  echo "$found"
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

make_sysroot() {
  # Debian installs wasi-libc multiarch-style; a sysroot of two links keeps
  # clang from also searching the host's /usr/include.
  mkdir -p "$SYSROOT/include" "$SYSROOT/lib"
  ln -sfn /usr/include/wasm32-wasi "$SYSROOT/include/wasm32-wasi"
  ln -sfn /usr/lib/wasm32-wasi "$SYSROOT/lib/wasm32-wasi"
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
    -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_WAL -DSQLITE_OMIT_LOAD_EXTENSION
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
  CFLAGS="-O2 -Wno-error=int-conversion" \
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
  {
    echo "recipe-hash: ${OUT##*-}"
    echo "cpython: $PY_VERSION (Debian source python3.11, $(basename "$PY_TAR"))"
    echo "zlib: $(basename "$ZLIB_TAR")"
    echo "sqlite: $(basename "$SQLITE_TAR")"
    echo "compiler: $(clang-19 --version | head -n1)"
    echo "wasi-libc: $(dpkg-query -W -f='${Version}' wasi-libc 2>/dev/null || echo unknown)"
    echo "python.wasm-bytes: $(stat -c %s "$STAGE/python.wasm")"
    echo "python-driver.wasm-bytes: $(stat -c %s "$STAGE/python-driver.wasm")"
    echo "stdlib-bytes: $(du -sb "$STAGE/lib" | cut -f1)"
    echo "build-seconds: $(($(date +%s) - START))"
    echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  } >"$STAGE/BUILD-INFO"
}

build() {
  check_tools
  mkdir -p "$CACHE_ROOT"
  WORK=$(mktemp -d "$CACHE_ROOT/.python-work.XXXXXX")
  # WARDEN_PYTHON_KEEP_WORK=1 keeps the build tree (to iterate on the driver).
  if [[ -z ${WARDEN_PYTHON_KEEP_WORK:-} ]]; then trap 'rm -rf "$WORK"' EXIT; fi
  mkdir -p "$WORK/logs"
  SYSROOT=$WORK/sysroot
  DEPS=$WORK/deps
  STAGE=$WORK/stage
  WASI_CC="clang-19 --target=wasm32-wasi --sysroot=$SYSROOT"

  stage "sources: Debian python3.11, zlib, sqlite3 (apt-get source)"
  PY_TAR=$(fetch_source python3.11 "python3.11_${PY_VERSION}.orig.tar.*")
  ZLIB_TAR=$(fetch_source zlib "zlib_*.orig.tar.bz2")
  SQLITE_TAR=$(fetch_source sqlite3 "sqlite3_*.orig.tar.xz")
  tar xzf "$PY_TAR" -C "$WORK"
  PYSRC=$WORK/Python-$PY_VERSION

  stage "sysroot and zlib (wasm32-wasi)"
  make_sysroot
  hide_wasm_opt
  run_logged zlib build_zlib

  stage "sqlite3 amalgamation (host) and library (wasm32-wasi)"
  run_logged sqlite build_sqlite

  stage "configure CPython for wasm32-wasi"
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

main() {
  case "${1:-}" in
    --check)
      is_complete || exit 1
      ;;
    --print-dir | "")
      if ! is_complete; then
        # One build at a time per cache: a second caller waits for the first
        # and then finds the entry complete.
        mkdir -p "$CACHE_ROOT"
        exec 9>"$CACHE_ROOT/.python-build.lock"
        if ! flock -n 9; then
          stage "another build of this recipe is running; waiting for it"
          flock 9
        fi
        is_complete || build
      fi
      ;;
    *)
      echo "usage: python/build.sh [--print-dir|--check]" >&2
      exit 2
      ;;
  esac
  echo "$OUT"
}

main "$@"
