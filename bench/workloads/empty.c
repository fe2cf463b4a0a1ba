/* The startup probe: a module whose run() does nothing, so timing
 * `warden run --invoke run empty.wasm 0` measures process start, decode,
 * validation, instantiation and one call. */
#include "bench.h"

BENCH_EXPORT uint32_t run(uint32_t n) { return n; }
