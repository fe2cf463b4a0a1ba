// pthread_once: 8 threads race to run one initialiser; it runs once and
// every thread sees its effect.
#include <pthread.h>
#include "threads_test.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int runs, value;

static void init(void) {
  __atomic_fetch_add(&runs, 1, __ATOMIC_SEQ_CST);
  value = 42;
}

static void* worker(void* arg) {
  (void)arg;
  CHECK_OK(pthread_once(&once, init));
  return (void*)(long)value;
}

int main(void) {
  pthread_t threads[8];
  for (int i = 0; i < 8; i++) CHECK_OK(pthread_create(&threads[i], NULL, worker, NULL));
  int all_saw = 1;
  for (int i = 0; i < 8; i++) {
    void* seen;
    CHECK_OK(pthread_join(threads[i], &seen));
    all_saw &= (long)seen == 42;
  }
  CHECK_OK(pthread_once(&once, init));
  printf("initialiser ran %d time(s); every thread saw 42: %s\n", runs, all_saw ? "yes" : "no");
  return 0;
}
