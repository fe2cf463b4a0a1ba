// pthread_key_create destructors: run at thread exit for non-NULL values,
// once per thread and key, with the thread's own value; not for NULL; a
// destructor that sets a value again is called again. pthread_key_delete
// frees the key without calling destructors.
#include <pthread.h>
#include <stdint.h>
#include "threads_test.h"

static pthread_key_t key_a, key_b;
static int destroyed_a[8], destroyed_b;

static void destroy_a(void* value) { __atomic_fetch_add(&destroyed_a[(intptr_t)value], 1, __ATOMIC_SEQ_CST); }

static void destroy_b(void* value) {
  // Sets the value once more: the destructor runs a second round.
  if ((intptr_t)value == 1) pthread_setspecific(key_b, (void*)2);
  __atomic_fetch_add(&destroyed_b, 1, __ATOMIC_SEQ_CST);
}

static void* worker(void* arg) {
  intptr_t id = (intptr_t)arg;
  CHECK(pthread_getspecific(key_a) == NULL);
  if (id != 0) CHECK_OK(pthread_setspecific(key_a, (void*)id));  // thread 0 leaves NULL
  CHECK(pthread_getspecific(key_a) == (void*)id);
  if (id == 3) CHECK_OK(pthread_setspecific(key_b, (void*)1));
  return NULL;
}

int main(void) {
  CHECK_OK(pthread_key_create(&key_a, destroy_a));
  CHECK_OK(pthread_key_create(&key_b, destroy_b));
  CHECK_OK(pthread_setspecific(key_a, (void*)7));  // the main thread's own value
  pthread_t threads[5];
  for (intptr_t i = 0; i < 5; i++) CHECK_OK(pthread_create(&threads[i], NULL, worker, (void*)i));
  for (int i = 0; i < 5; i++) CHECK_OK(pthread_join(threads[i], NULL));
  for (int i = 0; i < 8; i++) printf("destructor a for value %d: %d call(s)\n", i, destroyed_a[i]);
  printf("destructor b: %d call(s)\n", destroyed_b);
  printf("main's value: %d\n", (int)(intptr_t)pthread_getspecific(key_a));
  CHECK_OK(pthread_key_delete(key_a));
  pthread_key_t again;
  CHECK_OK(pthread_key_create(&again, NULL));
  printf("a new key starts NULL: %s\n", pthread_getspecific(again) == NULL ? "yes" : "no");
  return 0;
}
