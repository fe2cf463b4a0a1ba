// errno is per thread: failures in several threads at once each see their
// own error, and the main thread's errno is untouched.
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>
#include "threads_test.h"

static pthread_barrier_t barrier;

static void* worker(void* arg) {
  intptr_t kind = (intptr_t)arg;
  pthread_barrier_wait(&barrier);
  if (kind == 0) CHECK(close(12345) == -1);              // EBADF
  else CHECK(lseek(1, 0, 99) == -1 || errno == EINVAL);  // EINVAL (or ESPIPE on a pipe)
  int mine = errno;
  pthread_barrier_wait(&barrier);  // both have failed; now each reads its errno again
  for (volatile int spin = 0; spin < 100000; spin++) {}
  return (void*)(intptr_t)(errno == mine ? mine : -1);
}

int main(void) {
  CHECK_OK(pthread_barrier_init(&barrier, NULL, 2));
  errno = ENOENT;
  pthread_t a, b;
  void *ra, *rb;
  CHECK_OK(pthread_create(&a, NULL, worker, (void*)0));
  CHECK_OK(pthread_create(&b, NULL, worker, (void*)1));
  CHECK_OK(pthread_join(a, &ra));
  CHECK_OK(pthread_join(b, &rb));
  int main_errno = errno;  // before printf, which may set errno itself
  printf("thread a kept EBADF: %s\n", (intptr_t)ra == EBADF ? "yes" : "no");
  printf("thread b kept its own error: %s\n", (intptr_t)rb > 0 && (intptr_t)rb != EBADF ? "yes" : "no");
  printf("main kept ENOENT: %s\n", main_errno == ENOENT ? "yes" : "no");
  return 0;
}
