/* Native driver: `./workload N` prints run(N) as a signed 32-bit integer,
 * the same text `warden run --invoke run` and node print for an i32 result. */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s N\n", argv[0]);
    return 1;
  }
  uint32_t n = (uint32_t)strtoul(argv[1], NULL, 0);
  printf("%d\n", (int32_t)run(n));
  return 0;
}
