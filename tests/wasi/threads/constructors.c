// Constructors run once, on the main thread, however many threads start;
// and starting threads leaves the main thread's own frame alone. (wasm-ld
// wraps a command's exports in constructor calls unless _start makes them
// itself; a wrapped wasi_thread_start ran them again in every thread, on
// the main thread's stack: sysroot/crt/crt1-command.c.)
#include <pthread.h>
#include <sys/stat.h>
#include "threads_test.h"

static volatile int constructor_runs;
__attribute__((constructor, used)) void count_run(void) { constructor_runs++; }

static void* nothing(void* arg) { return arg; }

int main(void) {
  // The main function's frame is the innermost of the stack top.
  volatile unsigned canary[16];
  for (int i = 0; i < 16; i++) canary[i] = 0x5a5a0000u + i;
  // A path lookup links libc's preopen table, whose set-up is a constructor.
  struct stat st;
  CHECK(stat("/sandbox", &st) == 0);
  for (int round = 0; round < 8; round++) {
    pthread_t t;
    CHECK_OK(pthread_create(&t, NULL, nothing, NULL));
    CHECK_OK(pthread_join(t, NULL));
  }
  for (int i = 0; i < 16; i++) CHECK(canary[i] == 0x5a5a0000u + i);
  CHECK(stat("/sandbox", &st) == 0);
  printf("constructors ran %d time(s); the main thread's frame is intact\n", constructor_runs);
  return 0;
}
