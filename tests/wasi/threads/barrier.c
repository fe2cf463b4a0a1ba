// pthread_barrier_wait: 6 threads in 3 phases; nobody starts phase n+1
// before everyone finished phase n; one waiter per round gets
// PTHREAD_BARRIER_SERIAL_THREAD.
#include <pthread.h>
#include "threads_test.h"

enum { THREADS = 6, PHASES = 3 };
static pthread_barrier_t barrier;
static int done[PHASES], serial[PHASES], early;

static void* worker(void* arg) {
  (void)arg;
  for (int phase = 0; phase < PHASES; phase++) {
    if (phase > 0 && __atomic_load_n(&done[phase - 1], __ATOMIC_SEQ_CST) != THREADS) early = 1;
    __atomic_fetch_add(&done[phase], 1, __ATOMIC_SEQ_CST);
    int r = pthread_barrier_wait(&barrier);
    CHECK(r == 0 || r == PTHREAD_BARRIER_SERIAL_THREAD);
    if (r == PTHREAD_BARRIER_SERIAL_THREAD) __atomic_fetch_add(&serial[phase], 1, __ATOMIC_SEQ_CST);
  }
  return NULL;
}

int main(void) {
  CHECK_OK(pthread_barrier_init(&barrier, NULL, THREADS));
  pthread_t threads[THREADS];
  for (int i = 0; i < THREADS; i++) CHECK_OK(pthread_create(&threads[i], NULL, worker, NULL));
  for (int i = 0; i < THREADS; i++) CHECK_OK(pthread_join(threads[i], NULL));
  for (int p = 0; p < PHASES; p++) printf("phase %d: %d arrived, %d serial\n", p, done[p], serial[p]);
  printf("a thread ran ahead: %s\n", early ? "yes" : "no");
  CHECK_OK(pthread_barrier_destroy(&barrier));
  return 0;
}
