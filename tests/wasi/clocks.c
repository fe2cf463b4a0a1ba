// Clocks: monotonic never goes back, realtime is a plausible date, and both
// report a positive resolution of at most a millisecond.
#include <time.h>
#include <wasi/api.h>

#include "wasi_test.h"

int main(void) {
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  volatile unsigned spin = 0;
  for (int i = 0; i < 1000000; i++) spin += i;
  clock_gettime(CLOCK_MONOTONIC, &b);
  long long da = a.tv_sec * 1000000000ll + a.tv_nsec, db = b.tv_sec * 1000000000ll + b.tv_nsec;
  printf("monotonic advances: %s\n", db > da ? "yes" : "no");
  int ok = 1;
  long long prev = 0;
  for (int i = 0; i < 1000; i++) {
    __wasi_timestamp_t t;
    if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t)) ok = 0;
    if ((long long)t < prev) ok = 0;
    prev = (long long)t;
  }
  printf("monotonic never decreases: %s\n", ok ? "yes" : "no");

  struct timespec r;
  clock_gettime(CLOCK_REALTIME, &r);
  // 2020-01-01 .. 2100-01-01
  printf("realtime plausible: %s\n", r.tv_sec > 1577836800 && r.tv_sec < 4102444800 ? "yes" : "no");
  time_t t = time(NULL);
  printf("time() agrees with realtime: %s\n", t - r.tv_sec >= 0 && t - r.tv_sec < 5 ? "yes" : "no");

  struct timespec res;
  printf("clock_getres monotonic: %d\n", clock_getres(CLOCK_MONOTONIC, &res));
  printf("  resolution in (0, 1ms]: %s\n", (res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000) ? "yes" : "no");
  printf("clock_getres realtime: %d\n", clock_getres(CLOCK_REALTIME, &res));
  printf("  resolution in (0, 1ms]: %s\n", (res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000) ? "yes" : "no");
  __wasi_timestamp_t bad;
  printf("unknown clock id rejected: %s\n", __wasi_clock_time_get(99, 1, &bad) == __WASI_ERRNO_INVAL ? "yes" : "no");
  return 0;
}
