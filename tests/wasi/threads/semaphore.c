// Semaphores: a counting semaphore limits 3 of 8 threads at a time;
// sem_trywait on zero says EAGAIN; sem_timedwait on zero times out.
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <time.h>
#include "threads_test.h"

static sem_t slots;
static int inside, most_inside;

static void* worker(void* arg) {
  (void)arg;
  for (int i = 0; i < 200; i++) {
    CHECK(sem_wait(&slots) == 0);
    int now = __atomic_add_fetch(&inside, 1, __ATOMIC_SEQ_CST);
    int seen = __atomic_load_n(&most_inside, __ATOMIC_SEQ_CST);
    while (now > seen && !__atomic_compare_exchange_n(&most_inside, &seen, now, 0, __ATOMIC_SEQ_CST,
                                                      __ATOMIC_SEQ_CST)) {}
    for (volatile int spin = 0; spin < 100; spin++) {}
    __atomic_sub_fetch(&inside, 1, __ATOMIC_SEQ_CST);
    CHECK(sem_post(&slots) == 0);
  }
  return NULL;
}

int main(void) {
  CHECK(sem_init(&slots, 0, 3) == 0);
  pthread_t threads[8];
  for (int i = 0; i < 8; i++) CHECK_OK(pthread_create(&threads[i], NULL, worker, NULL));
  for (int i = 0; i < 8; i++) CHECK_OK(pthread_join(threads[i], NULL));
  int value;
  CHECK(sem_getvalue(&slots, &value) == 0);
  printf("at most 3 inside at once: %s; value back to %d\n", most_inside <= 3 ? "kept" : "broken", value);

  sem_t empty;
  CHECK(sem_init(&empty, 0, 0) == 0);
  printf("trywait on 0: %s\n", sem_trywait(&empty) == -1 && errno == EAGAIN ? "EAGAIN" : "other");
  struct timespec start, deadline, end;
  clock_gettime(CLOCK_REALTIME, &start);
  deadline = start;
  deadline.tv_nsec += 100 * 1000000;
  if (deadline.tv_nsec >= 1000000000) { deadline.tv_sec++; deadline.tv_nsec -= 1000000000; }
  int r = sem_timedwait(&empty, &deadline);
  int e = errno;
  clock_gettime(CLOCK_REALTIME, &end);
  long ms = (end.tv_sec - start.tv_sec) * 1000 + (end.tv_nsec - start.tv_nsec) / 1000000;
  printf("timedwait on 0: %s, after >= 100 ms: %s\n", r == -1 && e == ETIMEDOUT ? "ETIMEDOUT" : "other",
         ms >= 99 ? "yes" : "no");
  CHECK(sem_post(&empty) == 0);
  printf("timedwait on 1: %s\n", sem_timedwait(&empty, &deadline) == 0 ? "acquired" : "other");
  return 0;
}
