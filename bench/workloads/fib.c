/* Recursive Fibonacci: call-heavy, almost no memory traffic. Measures call
 * and return cost and small-integer arithmetic. run(n) = fib(n) mod 2^32,
 * checked against an iterative computation. */
#include "bench.h"

/* noinline keeps the compilers from turning the recursion into a loop of
 * their own (gcc -O2 partially does otherwise, clang does not). */
__attribute__((noinline)) static uint32_t fib_recursive(uint32_t n) {
  if (n < 2) return n;
  return fib_recursive(n - 1) + fib_recursive(n - 2);
}

static uint32_t fib_iterative(uint32_t n) {
  uint32_t a = 0, b = 1;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t next = a + b;
    a = b;
    b = next;
  }
  return a;
}

BENCH_EXPORT uint32_t run(uint32_t n) {
  BENCH_CHECK(n <= 60);  /* beyond that the recursion would not finish anyway */
  uint32_t result = fib_recursive(n);
  BENCH_CHECK(result == fib_iterative(n));
  return result;
}
