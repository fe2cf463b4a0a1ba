// 8 threads increment one counter 100000 times each under a mutex: the
// total is exact only if the mutex excludes.
#include <pthread.h>
#include <errno.h>
#include "threads_test.h"

enum { THREADS = 8, ROUNDS = 100000 };
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void* count(void* arg) {
  (void)arg;
  for (int i = 0; i < ROUNDS; i++) {
    CHECK_OK(pthread_mutex_lock(&lock));
    counter++;
    CHECK_OK(pthread_mutex_unlock(&lock));
  }
  return NULL;
}

int main(void) {
  pthread_t threads[THREADS];
  for (int i = 0; i < THREADS; i++) CHECK_OK(pthread_create(&threads[i], NULL, count, NULL));
  for (int i = 0; i < THREADS; i++) CHECK_OK(pthread_join(threads[i], NULL));
  printf("counter %ld (expected %ld)\n", counter, (long)THREADS * ROUNDS);

  // A recursive mutex, and trylock on a held mutex.
  pthread_mutexattr_t attr;
  pthread_mutex_t recursive;
  CHECK_OK(pthread_mutexattr_init(&attr));
  CHECK_OK(pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE));
  CHECK_OK(pthread_mutex_init(&recursive, &attr));
  CHECK_OK(pthread_mutex_lock(&recursive));
  CHECK_OK(pthread_mutex_lock(&recursive));
  CHECK_OK(pthread_mutex_unlock(&recursive));
  CHECK_OK(pthread_mutex_unlock(&recursive));
  CHECK_OK(pthread_mutex_lock(&lock));
  printf("trylock on a held mutex: %s\n", pthread_mutex_trylock(&lock) == EBUSY ? "EBUSY" : "other");
  CHECK_OK(pthread_mutex_unlock(&lock));
  return 0;
}
