#!/usr/bin/env bash
# Installs the Debian packages Warden needs to build and test. Idempotent and
# fast: when every package is already installed it only asks dpkg and exits.
# Works as root; otherwise uses sudo when available, else says what to install.
set -euo pipefail

# One package per line, with why it is here (README.md "Dependencies" says the same).
readonly PACKAGES=(
  g++                 # the compiler (g++ 12: C++23 library mode for std::expected)
  cmake               # build configuration
  ninja-build         # the build tool CMake generates for
  libfmt-dev          # fmt::format (g++ 12 has no <format>)
  nlohmann-json3-dev  # JSON: reading wast2json's output in `warden wast`
  libcli11-dev        # the `warden` command line
  libgtest-dev        # unit tests
  libgmock-dev        # required by Debian's GTest CMake package (its targets name gmock)
  wabt                # wat2wasm (examples) and wast2json (spec testsuite)
  clang-19            # the fuzzer build (libFuzzer needs clang)
  libclang-rt-19-dev  # clang's sanitizer and libFuzzer runtimes
  lld-19              # python/build.sh: wasm-ld for the CPython-for-WASI recipe
  llvm-19             # python/build.sh: llvm-ar-19/llvm-ranlib-19 matching clang-19
  wasi-libc           # python/build.sh: the C library for wasm32-wasi
  libclang-rt-19-dev-wasm32  # python/build.sh: compiler-rt builtins for wasm32
  tcl                 # python/build.sh: generates SQLite's amalgamation
  patch               # python/build.sh: the test library's thread check (testlib-threads.patch)
  python3.11          # python/build.sh: the build python (same 3.11.2); runs the python test runners
  tzdata              # python/build.sh: the tz database shipped for zoneinfo
  lld-19              # wasm-ld for clang-19's wasm32 builds (bench/, WASI tests)
  wasi-libc           # C library for wasm32-wasi programs (bench/ hello.wasm)
  libclang-rt-19-dev-wasm32 # clang-19's wasm32 builtins (compiler-rt)
  python3             # bench/run.py, the benchmark runner and its ctest smoke check
  libboost1.81-dev    # warden serve: Beast/Asio HTTP server (header-only; not libboost-all-dev, which is 1.74)
  wrk                 # bench/service: HTTP load generator for the execution service
  libxxhash-dev       # snapshots: the fast digest that ties a snapshot file to its module
)

# Prints each package of PACKAGES that is not fully installed (one dpkg call).
missing_packages() {
  local -A installed=()
  local status name
  while read -r status name; do
    [[ "$status" == ii* ]] && installed[$name]=1
  done < <(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${PACKAGES[@]}" 2>/dev/null || true)
  for name in "${PACKAGES[@]}"; do
    [[ -n "${installed[$name]:-}" ]] || echo "$name"
  done
}

# python/build.sh downloads Debian source packages (apt-get source): it needs
# deb-src entries matching the deb ones. Writes them once; returns 0 when it
# did (so apt's lists need an update), 1 when they were already there.
readonly DEB_SRC_FILE=/etc/apt/sources.list.d/warden-deb-src.sources
enable_deb_src() {
  [[ -f $DEB_SRC_FILE ]] && return 1
  grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/ && return 1
  local text='Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg'
  if ((EUID == 0)); then
    echo "$text" >"$DEB_SRC_FILE"
  elif command -v sudo >/dev/null 2>&1; then
    echo "$text" | sudo tee "$DEB_SRC_FILE" >/dev/null
  else
    echo "warden setup: python/build.sh needs deb-src entries in $DEB_SRC_FILE (run as root)" >&2
    return 1
  fi
  echo "warden setup: enabled deb-src in $DEB_SRC_FILE" >&2
}

main() {
  if enable_deb_src; then
    if ((EUID == 0)); then
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    else
      sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    fi
  fi

  local missing
  mapfile -t missing < <(missing_packages)
  if ((${#missing[@]} == 0)); then
    return 0
  fi

  local -a runner=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1; then
      runner=(sudo)
    else
      echo "warden setup: missing Debian packages: ${missing[*]}" >&2
      echo "warden setup: run as root: apt-get install ${missing[*]}" >&2
      return 1
    fi
  fi

  echo "warden setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${runner[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  "${runner[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

main "$@"
