#!/usr/bin/env bash
# Builds a threaded sysroot for wasm32-wasi-threads: Debian bookworm's
# wasi-libc source compiled with -pthread (atomics, bulk memory, TLS) by
# clang-19, with musl's synchronisation objects from the same source and the
# project's own thread layer (sysroot/pthread/: pthread_create on the
# wasi-threads thread-spawn import, wasi_thread_start, exit/join/detach,
# keys, the futex on memory.atomic.wait32/notify). See sysroot/README.md.
#
#   sysroot/build.sh          build if needed; the sysroot's path is the last
#                             line of stdout (progress goes to stderr)
#   sysroot/build.sh --check  print the path if built, else exit 1 (no network)
#   sysroot/build.sh --help
#
# Use it as:
#   clang-19 --target=wasm32-wasi-threads --sysroot=DIR -pthread prog.c \
#     -Wl,--import-memory,--export-memory,--shared-memory,--max-memory=N
#
# Output, keyed by a hash of the recipe files and the source tarball's
# sha256: ${WARDEN_CACHE:-$HOME/.cache/warden}/sysroot-threads-<key>/
#   include/wasm32-wasi-threads/   headers (pthread.h, semaphore.h included)
#   lib/wasm32-wasi-threads/       crt1*.o, libc.a, empty libm/libpthread/...
#   BUILD-INFO, .complete          what was built from what; the stamp
# The source tarball is cached in ${WARDEN_CACHE:-...}/sources/ (shared with
# python/build.sh) and chosen by scripts/debian_source.sh.
set -euo pipefail

readonly RECIPE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO=$(cd "$RECIPE_DIR/.." && pwd)
readonly CACHE_ROOT=${WARDEN_CACHE:-$HOME/.cache/warden}
readonly SOURCES=$CACHE_ROOT/sources
readonly JOBS=${WARDEN_SYSROOT_JOBS:-2}
readonly TRIPLE=wasm32-wasi-threads
readonly TAG=sysroot-threads

export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C.UTF-8

# shellcheck source=../scripts/debian_source.sh
source "$REPO/scripts/debian_source.sh"

START=$(date +%s)
stage() { printf '[%s %4ds] %s\n' "$TAG" $(($(date +%s) - START)) "$*" >&2; }
die() { echo "$TAG: $*" >&2; exit 1; }

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }

# Every file of the recipe, in a fixed order: a change to any makes a new entry.
recipe_files() {
  (cd "$RECIPE_DIR" && find build.sh threads.mk overlay pthread crt -type f | LC_ALL=C sort)
  echo ../scripts/debian_source.sh
}

cache_key() { # SOURCE_SHA256
  {
    while IFS= read -r f; do echo "== $f"; cat "$RECIPE_DIR/$f"; done < <(recipe_files)
    echo "== source wasi-libc $1"
  } | sha256sum | cut -c1-16
}

check_tools() {
  local missing=() t
  for t in clang-19 wasm-ld-19 llvm-ar-19 llvm-nm-19 wasm-objdump make tar xz flock apt-get dpkg; do
    command -v "$t" >/dev/null || missing+=("$t")
  done
  [[ -f /usr/lib/llvm-19/lib/clang/19/lib/wasi/libclang_rt.builtins-wasm32.a ]] ||
    missing+=("libclang-rt-19-dev-wasm32")
  ((${#missing[@]} == 0)) || die "missing tools: ${missing[*]} (run scripts/setup.sh)"
}

# The recorded source's sha256 without touching the network ("" if none).
recorded_sha() { sed -n 's/^sha256: //p' "$SOURCES/wasi-libc.selected" 2>/dev/null || true; }

# prepare_source DIR: two header adjustments the threaded build needs in
# this version (each checked, so a different source fails loudly here):
# pthread.h names struct sched_param, which WASI's sched.h leaves out; and
# limits.h hides SEM_VALUE_MAX ("WASI has no semaphores", written before
# threads).
prepare_source() {
  local musl=$1/libc-top-half/musl/include
  sed -i 's|^#include <sched.h>$|&\nstruct sched_param; /* for the prototypes below: WASI'"'"'s <sched.h> has none */|' \
    "$musl/pthread.h"
  grep -q '^struct sched_param;' "$musl/pthread.h" || die "pthread.h: unexpected layout"
  sed -i 's|^#ifdef __wasilibc_unmodified_upstream /\* WASI has no semaphores \*/$|#if defined(__wasilibc_unmodified_upstream) \|\| defined(_REENTRANT) /* with threads */|' \
    "$musl/limits.h"
  grep -q 'defined(_REENTRANT) /\* with threads \*/' "$musl/limits.h" || die "limits.h: unexpected layout"
  # chdir.c resolves every relative path (open, stat, ... in any thread)
  # through static buffers: make them per thread. chdir frees the previous
  # working directory's string while another thread may be reading it: keep
  # it instead (a few bytes per chdir).
  local chdir=$1/libc-bottom-half/sources/chdir.c
  sed -i -E 's/^( +)static (char \*(relative_buf|make_absolute_buf) = NULL;)$/\1static _Thread_local \2/;
             s/^( +)static (size_t (relative_buf_len|make_absolute_len) = 0;)$/\1static _Thread_local \2/;
             s|^( +)free\(prev_cwd\);$|\1(void)prev_cwd; /* kept: another thread may be reading it */|' "$chdir"
  [[ $(grep -c 'static _Thread_local' "$chdir") == 4 && $(grep -c 'kept: another thread' "$chdir") == 1 ]] ||
    die "chdir.c: unexpected layout"
  # The command entry point that calls the constructors itself (see there).
  cp "$RECIPE_DIR/crt/crt1-command.c" "$1/libc-bottom-half/crt/crt1-command.c"
}

# smoke_test SYSROOT: a threaded program compiles and links against it.
smoke_test() {
  local dir=$WORK/smoke
  mkdir -p "$dir"
  cat >"$dir/t.c" <<'C'
#include <pthread.h>
#include <semaphore.h>
static _Thread_local int n;
static void *run(void *p) { n++; return p; }
int main(void) { pthread_t t; void *r; if (pthread_create(&t, 0, run, 0)) return 1; return pthread_join(t, &r); }
C
  clang-19 --target=$TRIPLE --sysroot="$1" -pthread -O2 "$dir/t.c" -o "$dir/t.wasm" \
    -Wl,--import-memory,--export-memory,--shared-memory,--max-memory=1048576 || return 1
  # The thread entry must be exported as it is, not in wasm-ld's constructor
  # wrapper (crt/crt1-command.c says why).
  if wasm-objdump -x -j Export "$dir/t.wasm" | grep -q 'command_export'; then
    echo "$TAG: the exports are wrapped in constructor calls" >&2
    return 1
  fi
}

build() { # TARBALL SHA256 OUT
  local tarball=$1 sha=$2 out=$3
  mkdir -p "$CACHE_ROOT"
  WORK=$(mktemp -d "$CACHE_ROOT/.sysroot-threads-work.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
  stage "unpack ${tarball##*/}"
  tar xJf "$tarball" -C "$WORK"
  local src
  src=$(find "$WORK" -mindepth 1 -maxdepth 1 -type d -name 'wasi-libc*' | head -n1)
  [[ -n $src && -f $src/Makefile ]] || die "${tarball##*/}: no wasi-libc source tree inside"
  prepare_source "$src"

  stage "compile libc for $TRIPLE (make -j$JOBS; log: $WORK/make.log)"
  # The source's own Makefile with threads.mk after it. --target stays the
  # Makefile's wasm32-wasi: with -pthread the objects are the same as for
  # wasm32-wasi-threads, and only the install layout below differs.
  if ! make -C "$src" -j"$JOBS" -f Makefile -f "$RECIPE_DIR/threads.mk" \
      WARDEN_SYSROOT_DIR="$RECIPE_DIR" THREAD_MODEL=posix \
      CC=clang-19 AR=llvm-ar-19 NM=llvm-nm-19 \
      EXTRA_CFLAGS="-O2 -DNDEBUG -fno-stack-protector -I$RECIPE_DIR/overlay -DUSE_SPIN_LOCKS=0" \
      SYSROOT="$WORK/stage" OBJDIR="$WORK/obj" startup_files libc >"$WORK/make.log" 2>&1; then
    grep -E 'error:|Error [0-9]' "$WORK/make.log" | head -n 20 >&2 || tail -n 30 "$WORK/make.log" >&2
    trap - EXIT
    die "compiling libc failed; work directory kept: $WORK"
  fi

  stage "lay out the sysroot"
  local root=$WORK/root n
  mkdir -p "$root/include" "$root/lib"
  mv "$WORK/stage/include" "$root/include/$TRIPLE"
  mv "$WORK/stage/lib/wasm32-wasi" "$root/lib/$TRIPLE"
  # clang links -lpthread (and programs ask for -lm, -lrt, ...): all of it is
  # in libc.a, so these are empty, as in the single-threaded sysroot.
  for n in m rt pthread crypt util xnet resolv dl; do
    llvm-ar-19 crs "$root/lib/$TRIPLE/lib$n.a"
  done
  cp "$WORK/make.log" "$root/lib/$TRIPLE/BUILD-LOG"

  stage "smoke test: link a threaded program"
  smoke_test "$root" || { trap - EXIT; die "a threaded test program does not link; work directory kept: $WORK"; }

  {
    echo "target: $TRIPLE"
    echo "cache-key: ${out##*-} (recipe files and the source tarball's sha256)"
    echo "source wasi-libc: $(sed -n 's/^version: //p' "$SOURCES/wasi-libc.selected") ${tarball##*/} sha256:$sha (orig tarball; pthread.h and limits.h adjusted, see build.sh)"
    echo "compiler: $(clang-19 --version | head -n1)"
    echo "compiler-rt builtins: $(clang-19 --target=$TRIPLE -print-libgcc-file-name)"
    echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) in $(($(date +%s) - START)) s"
  } >"$root/BUILD-INFO"
  touch "$root/.complete"
  rm -rf "$out"
  mv "$root" "$out"
  rm -rf "$WORK"
  trap - EXIT
}

main() {
  case "${1:-}" in
    -h | --help) usage; exit 0 ;;
    --check | "") ;;
    *) usage >&2; exit 2 ;;
  esac
  local sha out
  sha=$(recorded_sha)
  if [[ -n $sha ]]; then
    out=$CACHE_ROOT/sysroot-threads-$(cache_key "$sha")
    if [[ -f $out/.complete ]]; then echo "$out"; exit 0; fi
  fi
  [[ ${1:-} == --check ]] && exit 1

  check_tools
  mkdir -p "$CACHE_ROOT"
  exec 9>"$CACHE_ROOT/.sysroot-threads.lock"
  if ! flock -n 9; then
    stage "another run is building; waiting for it"
    flock 9
  fi
  stage "source: Debian's wasi-libc (orig tarball)"
  local tarball
  tarball=$(debian_orig_tarball wasi-libc 'wasi-libc_*.orig.tar.*' "$SOURCES" "$TAG") || exit 1
  sha=$(recorded_sha)
  out=$CACHE_ROOT/sysroot-threads-$(cache_key "$sha")
  if [[ ! -f $out/.complete ]]; then
    build "$tarball" "$sha" "$out"
    stage "done"
  fi
  echo "$out"
}

main "$@"
