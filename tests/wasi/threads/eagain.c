// pthread_create fails with EAGAIN when the host refuses another thread.
// argv[1] is the host's limit (warden run --max-threads N): exactly that
// many threads start, the next creation says EAGAIN, and the program goes
// on (after a join, a creation succeeds again).
// warden-test: flags=--max-threads 3
// warden-test: args=3
#include <errno.h>
#include <pthread.h>
#include "threads_test.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t release_cond = PTHREAD_COND_INITIALIZER;
static int released;

static void* hold(void* arg) {
  (void)arg;
  pthread_mutex_lock(&lock);
  while (!released) pthread_cond_wait(&release_cond, &lock);
  pthread_mutex_unlock(&lock);
  return NULL;
}

int main(int argc, char** argv) {
  CHECK(argc == 2);
  int limit = atoi(argv[1]);
  pthread_t threads[64];
  int started = 0, error = 0;
  while (started < 64 && (error = pthread_create(&threads[started], NULL, hold, NULL)) == 0) started++;
  printf("started %d threads (limit %d): %s\n", started, limit, started == limit ? "as expected" : "wrong");
  printf("the next pthread_create: %s\n", error == EAGAIN ? "EAGAIN" : strerror(error));
  pthread_mutex_lock(&lock);
  released = 1;
  pthread_cond_broadcast(&release_cond);
  pthread_mutex_unlock(&lock);
  for (int i = 0; i < started; i++) CHECK_OK(pthread_join(threads[i], NULL));
  pthread_t again;
  CHECK_OK(pthread_create(&again, NULL, hold, NULL));
  CHECK_OK(pthread_join(again, NULL));
  printf("after the joins a thread starts again\n");
  return 0;
}
