// _Thread_local: each thread starts from the initial values (initialised
// and zeroed parts), and its writes stay its own while all run at once.
#include <pthread.h>
#include <stdint.h>
#include "threads_test.h"

static _Thread_local int counter = 100;
static _Thread_local char buffer[64];  // zero-initialised TLS
static _Thread_local _Alignas(64) int aligned;
static char lines[5][128];
static pthread_barrier_t all_started;

static void* worker(void* arg) {
  int id = (int)(intptr_t)arg;
  int start = counter;
  int zero = buffer[0] == 0 && buffer[63] == 0 && aligned == 0;
  // Every thread writes its variables only once all have started.
  pthread_barrier_wait(&all_started);
  for (int i = 0; i < 1000 * id; i++) counter++;
  snprintf(buffer, sizeof buffer, "thread %d", id);
  aligned = id;
  CHECK(((uintptr_t)&aligned & 63) == 0);
  pthread_barrier_wait(&all_started);
  snprintf(lines[id], sizeof lines[id], "%s: started at %d, zeroed %s, now %d, aligned %d", buffer, start,
           zero ? "yes" : "no", counter, aligned);
  return NULL;
}

int main(void) {
  pthread_t threads[4];
  counter = 7;
  CHECK_OK(pthread_barrier_init(&all_started, NULL, 4));
  for (intptr_t i = 1; i <= 4; i++) CHECK_OK(pthread_create(&threads[i - 1], NULL, worker, (void*)i));
  for (int i = 0; i < 4; i++) CHECK_OK(pthread_join(threads[i], NULL));
  for (int i = 1; i <= 4; i++) printf("%s\n", lines[i]);
  printf("main: %d\n", counter);
  return 0;
}
