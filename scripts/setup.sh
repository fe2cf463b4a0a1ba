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
  lld-19              # wasm-ld for clang-19's wasm32 builds (bench/, WASI tests)
  wasi-libc           # C library for wasm32-wasi programs (bench/ hello.wasm)
  libclang-rt-19-dev-wasm32 # clang-19's wasm32 builtins (compiler-rt)
  python3             # bench/run.py, the benchmark runner and its ctest smoke check
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

main() {
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
