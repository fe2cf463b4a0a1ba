// Detached threads (by attribute and by pthread_detach) run to the end and
// are not joinable; their memory is reused (many more than fit at once).
#include <errno.h>
#include <pthread.h>
#include "threads_test.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t finished_cond = PTHREAD_COND_INITIALIZER;
static int finished;

static void* worker(void* arg) {
  (void)arg;
  pthread_mutex_lock(&lock);
  finished++;
  pthread_cond_signal(&finished_cond);
  pthread_mutex_unlock(&lock);
  return NULL;
}

static void wait_for(int n) {
  pthread_mutex_lock(&lock);
  while (finished < n) pthread_cond_wait(&finished_cond, &lock);
  pthread_mutex_unlock(&lock);
}

int main(void) {
  pthread_attr_t attr;
  CHECK_OK(pthread_attr_init(&attr));
  CHECK_OK(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED));
  int state;
  CHECK_OK(pthread_attr_getdetachstate(&attr, &state));
  CHECK(state == PTHREAD_CREATE_DETACHED);
  // 200 detached threads, at most 4 alive at a time (the host's limit may be low).
  for (int i = 0; i < 200; i++) {
    pthread_t t;
    if (i >= 4) wait_for(i - 3);
    CHECK_OK(pthread_create(&t, &attr, worker, NULL));
  }
  wait_for(200);
  printf("detached by attribute: %d finished\n", finished);

  pthread_t t;
  CHECK_OK(pthread_create(&t, NULL, worker, NULL));
  CHECK_OK(pthread_detach(t));
  wait_for(201);
  printf("detached by pthread_detach: %d finished\n", finished);
  return 0;
}
