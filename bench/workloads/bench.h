/* Shared by every benchmark workload. Each workload defines
 *   uint32_t run(uint32_t n)
 * which does n units of work on deterministic inputs, checks its own result
 * (a wrong result traps: `unreachable` in Wasm, SIGILL natively) and returns a
 * checksum. The same source is built natively (gcc -O2, with native_main.c)
 * and as a Wasm reactor with no imports (clang-19 -nostdlib, with
 * wasm_support.c), so the checksums of every runtime must agree. */
#ifndef WARDEN_BENCH_H
#define WARDEN_BENCH_H

#include <stddef.h>
#include <stdint.h>

#if defined(__wasm__)
#define BENCH_EXPORT __attribute__((export_name("run")))
#else
#define BENCH_EXPORT
#endif

/* A failed self-check must not go unnoticed: trap rather than return. */
#define BENCH_CHECK(cond)      \
  do {                         \
    if (!(cond)) __builtin_trap(); \
  } while (0)

/* Deterministic input: a 32-bit linear congruential generator (Numerical
 * Recipes constants), identical on every target. */
static inline uint32_t bench_lcg(uint32_t* state) {
  *state = *state * 1664525u + 1013904223u;
  return *state;
}

BENCH_EXPORT uint32_t run(uint32_t n);

#endif
