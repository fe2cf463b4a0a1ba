// pthread_create/pthread_join: arguments in, return values out, and
// pthread_self/pthread_equal telling threads apart.
#include <pthread.h>
#include <stdint.h>
#include "threads_test.h"

static pthread_t main_thread;

static void* square(void* arg) {
  intptr_t n = (intptr_t)arg;
  CHECK(!pthread_equal(pthread_self(), main_thread));
  return (void*)(n * n);
}

int main(void) {
  main_thread = pthread_self();
  CHECK(pthread_equal(pthread_self(), main_thread));
  pthread_t threads[5];
  for (intptr_t i = 0; i < 5; i++) CHECK_OK(pthread_create(&threads[i], NULL, square, (void*)(i + 1)));
  for (int i = 0; i < 5; i++) {
    void* result;
    CHECK_OK(pthread_join(threads[i], &result));
    printf("thread %d returned %d\n", i, (int)(intptr_t)result);
  }
  CHECK(pthread_join(pthread_self(), NULL) != 0);
  printf("done\n");
  return 0;
}
