// Exhausts one resource; argv[1] says which. run_battery.py runs each mode
// under the matching warden limit and checks how it ended.
//   malloc      malloc 1 MiB blocks until NULL, then memory.grow until -1
//   grow        a memory.grow bomb: page by page, then 65536 pages at once
//   spin        an infinite loop with no calls (--timeout, or --fuel)
//   flood       printf forever (--max-output)
//   write_flood write to a file forever (--max-write)
//   fds         open descriptors until refused (--max-fds)
//   recurse     unbounded recursion (the call depth limit traps)
#include <stdlib.h>

#include "attack.h"

#define GROW_FAILED ((size_t)-1)  // what memory.grow returns when refused

static volatile char* volatile keep;  // makes each block observable: the compiler may not elide malloc

static void malloc_until_null(void) {
  unsigned mib = 0;
  for (;;) {
    char* p = malloc(1 << 20);
    if (!p) break;
    for (int i = 0; i < (1 << 20); i += 4096) p[i] = 1;  // touch every page: really used
    keep = p;
    mib++;
  }
  printf("info malloc returned NULL after %u MiB\n", mib);
  // What malloc left below the cap (less than one block) can still be grown into.
  unsigned long pages = 0;
  while (__builtin_wasm_memory_grow(0, 1) != GROW_FAILED && pages < 70000) pages++;
  printf("info then grew %lu more pages\n", pages);
  printf("memory pages: %lu\n", (unsigned long)__builtin_wasm_memory_size(0));
  probe("memory.grow past the cap", pages < 70000 ? __WASI_ERRNO_NOMEM : 0);
}

static void grow_bomb(void) {
  unsigned long pages = 0;
  while (__builtin_wasm_memory_grow(0, 1) != GROW_FAILED && pages < 70000) pages++;
  printf("info grew %lu pages one at a time\n", pages);
  printf("memory pages: %lu\n", (unsigned long)__builtin_wasm_memory_size(0));
  size_t r = __builtin_wasm_memory_grow(0, 65536);
  printf("probe memory.grow by 65536 pages: %s\n", r == GROW_FAILED ? "blocked (-1)" : "ESCAPED");
  // The memory that was granted is usable to its last byte.
  volatile char* last = (volatile char*)(__builtin_wasm_memory_size(0) * 65536 - 1);
  *last = 42;
  control("last byte of memory writable", *last == 42 ? 0 : __WASI_ERRNO_FAULT);
}

static void spin(void) {
  printf("spinning\n");
  fflush(stdout);
  volatile unsigned long counter = 0;
  for (;;) counter++;
}

// The floods give up after 64 MiB, so that a runner without the limit
// fails the battery instead of filling the disk or the harness's memory.
#define FLOOD_GIVE_UP (64ul << 20)

static void flood(void) {
  unsigned long bytes = 0;
  for (unsigned long i = 0; bytes < FLOOD_GIVE_UP; i++)
    bytes += (unsigned long)printf("flood line %lu ........................................\n", i);
  printf("probe output flood: ESCAPED (%lu bytes written)\n", bytes);
}

static void write_flood(void) {
  int sb = preopen_fd("/sandbox");
  __wasi_fd_t fd;
  control("create big.bin", __wasi_path_open(sb, 0, "big.bin", __WASI_OFLAGS_CREAT,
                                             RIGHTS_READ | RIGHTS_WRITE, 0, 0, &fd));
  fflush(stdout);
  static uint8_t block[64 * 1024];
  memset(block, 'w', sizeof block);
  unsigned long written = 0;
  while (written < FLOOD_GIVE_UP) {
    __wasi_ciovec_t iov = {block, sizeof block};
    __wasi_size_t n = 0;
    int err = __wasi_fd_write(fd, &iov, 1, &n);
    if (err) {
      printf("probe write flood: blocked (%s) after %lu bytes\n", wasi_errname(err), written);
      return;
    }
    written += n;
  }
  printf("probe write flood: ESCAPED (%lu bytes written)\n", written);
}

static void fds(void) {
  int sb = preopen_fd("/sandbox");
  __wasi_fd_t fd;
  control("create f.txt", __wasi_path_open(sb, 0, "f.txt", __WASI_OFLAGS_CREAT, RIGHTS_READ, 0, 0, &fd));
  unsigned opened = 1;
  int err;
  __wasi_fd_t last = fd;
  for (;;) {
    err = __wasi_path_open(sb, 0, "f.txt", 0, RIGHTS_READ, 0, 0, &fd);
    if (err) break;
    last = fd;
    if (++opened > 100000) break;
  }
  printf("probe open until refused: %s after %u more descriptors\n",
         err ? "blocked" : "ESCAPED (never refused)", opened);
  printf("info refused with %s\n", wasi_errname(err));
  // Closing one frees a slot again.
  (void)__wasi_fd_close(last);
  control("open after closing one", __wasi_path_open(sb, 0, "f.txt", 0, RIGHTS_READ, 0, 0, &fd));
}

static int recurse(int n);
static int (*volatile recurse_ptr)(int) = recurse;  // an indirect call: no tail-call rewrite
static int recurse(int n) { return recurse_ptr(n + 1) * 3 + 1; }

int main(int argc, char** argv) {
  if (argc < 2) return 100;
  const char* mode = argv[1];
  if (!strcmp(mode, "malloc")) malloc_until_null();
  else if (!strcmp(mode, "grow")) grow_bomb();
  else if (!strcmp(mode, "spin")) spin();
  else if (!strcmp(mode, "flood")) flood();
  else if (!strcmp(mode, "write_flood")) write_flood();
  else if (!strcmp(mode, "fds")) fds();
  else if (!strcmp(mode, "recurse")) printf("%d\n", recurse(0));
  else return 102;
  printf("done\n");
  return 0;
}
