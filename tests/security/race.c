// The guest half of the rename race: it opens swap/probe.txt in a loop while
// run_battery.py swaps ROOT/sandbox/swap between a real directory (whose
// probe.txt says "inside") and a symlink to ROOT/outside (whose probe.txt is
// a secret). Any read that is not "inside" escaped.
//   argv[1] = the longest time to loop, in milliseconds
#include <stdlib.h>

#include "attack.h"

static uint64_t now_ms(void) {
  __wasi_timestamp_t t = 0;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1000000, &t);
  return t / 1000000;
}

int main(int argc, char** argv) {
  int sb = preopen_fd("/sandbox");
  if (sb < 0 || argc < 2) return 101;
  uint64_t end = now_ms() + (uint64_t)atoi(argv[1]);
  unsigned opens = 0, inside = 0, failed = 0, escaped = 0;
  static const char* paths[] = {"swap/probe.txt", "swap/../swap/probe.txt", "swap/sub/../probe.txt"};
  while (now_ms() < end) {
    const char* path = paths[opens % 3];
    opens++;
    __wasi_fd_t fd;
    if (__wasi_path_open(sb, FOLLOW, path, 0, RIGHTS_READ, 0, 0, &fd) != 0) {
      failed++;
      continue;
    }
    char buf[128] = {0};
    __wasi_iovec_t iov = {(uint8_t*)buf, sizeof buf - 1};
    __wasi_size_t got = 0;
    (void)__wasi_fd_read(fd, &iov, 1, &got);
    (void)__wasi_fd_close(fd);
    if (!strcmp(buf, "inside")) {
      inside++;
    } else if (escaped++ < 3) {
      printf("probe %s: ESCAPED read [%s]\n", path, buf);
    }
  }
  printf("info opens %u, read inside %u, refused %u\n", opens, inside, failed);
  printf("probe rename race (%u opens): %s\n", opens, escaped ? "ESCAPED" : "blocked (no read outside)");
  control("some opens reached the real directory", inside > 0 ? 0 : __WASI_ERRNO_NOENT);
  printf("done\n");
  return 0;
}
