// A bounded queue between one producer and two consumers with a mutex and
// two condition variables; the consumers' sum shows every item arrived
// once. Then a timed wait that times out (on CLOCK_MONOTONIC).
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include "threads_test.h"

enum { ITEMS = 10000, SLOTS = 4 };
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static int queue[SLOTS], head, count;

static void put(int v) {
  pthread_mutex_lock(&lock);
  while (count == SLOTS) pthread_cond_wait(&not_full, &lock);
  queue[(head + count++) % SLOTS] = v;
  pthread_cond_signal(&not_empty);
  pthread_mutex_unlock(&lock);
}

static int take(void) {
  pthread_mutex_lock(&lock);
  while (count == 0) pthread_cond_wait(&not_empty, &lock);
  int v = queue[head];
  head = (head + 1) % SLOTS;
  count--;
  pthread_cond_signal(&not_full);
  pthread_mutex_unlock(&lock);
  return v;
}

static void* producer(void* arg) {
  (void)arg;
  for (int i = 1; i <= ITEMS; i++) put(i);
  put(0);  // one end marker per consumer
  put(0);
  return NULL;
}

static void* consumer(void* arg) {
  long* sum = arg;
  for (int v; (v = take()) != 0;) *sum += v;
  return NULL;
}

int main(void) {
  pthread_t p, c[2];
  long sums[2] = {0, 0};
  CHECK_OK(pthread_create(&p, NULL, producer, NULL));
  for (int i = 0; i < 2; i++) CHECK_OK(pthread_create(&c[i], NULL, consumer, &sums[i]));
  CHECK_OK(pthread_join(p, NULL));
  for (int i = 0; i < 2; i++) CHECK_OK(pthread_join(c[i], NULL));
  printf("sum %ld (expected %ld)\n", sums[0] + sums[1], (long)ITEMS * (ITEMS + 1) / 2);

  pthread_condattr_t attr;
  pthread_cond_t cond;
  clockid_t clock;
  CHECK_OK(pthread_condattr_init(&attr));
  CHECK_OK(pthread_condattr_setclock(&attr, CLOCK_MONOTONIC));
  CHECK_OK(pthread_condattr_getclock(&attr, &clock));
  CHECK(clock == CLOCK_MONOTONIC);
  CHECK_OK(pthread_cond_init(&cond, &attr));
  struct timespec start, deadline, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  deadline = start;
  deadline.tv_nsec += 50 * 1000000;
  if (deadline.tv_nsec >= 1000000000) { deadline.tv_sec++; deadline.tv_nsec -= 1000000000; }
  pthread_mutex_lock(&lock);
  int r = pthread_cond_timedwait(&cond, &lock, &deadline);
  pthread_mutex_unlock(&lock);
  clock_gettime(CLOCK_MONOTONIC, &end);
  long ms = (end.tv_sec - start.tv_sec) * 1000 + (end.tv_nsec - start.tv_nsec) / 1000000;
  printf("timedwait: %s after >= 50 ms: %s\n", r == ETIMEDOUT ? "ETIMEDOUT" : "other", ms >= 49 ? "yes" : "no");
  return 0;
}
