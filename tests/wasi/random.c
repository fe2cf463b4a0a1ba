// random_get: two draws differ, a large draw covers every byte value, and a
// zero-length draw succeeds.
#include <stdint.h>
#include <unistd.h>
#include <wasi/api.h>

#include "wasi_test.h"

static uint8_t big[1 << 16];

int main(void) {
  uint8_t a[32] = {0}, b[32] = {0};
  printf("getentropy: %d %d\n", getentropy(a, sizeof a), getentropy(b, sizeof b));
  printf("two draws differ: %s\n", memcmp(a, b, sizeof a) ? "yes" : "no");
  int zero = 1;
  for (size_t i = 0; i < sizeof a; i++) zero &= a[i] == 0;
  printf("not all zero: %s\n", zero ? "no" : "yes");
  printf("random_get 64 KiB: %d\n", __wasi_random_get(big, sizeof big));
  int seen[256] = {0}, distinct = 0;
  for (size_t i = 0; i < sizeof big; i++) distinct += !seen[big[i]]++;
  printf("distinct byte values: %d\n", distinct);
  printf("random_get 0 bytes: %d\n", __wasi_random_get(big, 0));
  return 0;
}
