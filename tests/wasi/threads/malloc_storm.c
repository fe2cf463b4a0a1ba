// malloc/free from 4 threads at once: blocks of many sizes, filled with a
// per-thread pattern and checked before being freed, with frees crossing
// threads through a shared table.
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include "threads_test.h"

enum { THREADS = 4, ROUNDS = 20000, SHARED = 64 };
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char* shared[SHARED];
static size_t shared_size[SHARED];

static int check_block(const unsigned char* p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != (unsigned char)(p[0] + i)) return 0;
  return 1;
}

static void* worker(void* arg) {
  uint32_t seed = (uint32_t)(uintptr_t)arg * 2654435761u + 1;
  int bad = 0;
  for (int i = 0; i < ROUNDS; i++) {
    seed = seed * 1103515245u + 12345u;
    size_t n = 1 + (seed >> 8) % ((seed & 3) == 0 ? 20000 : 200);
    unsigned char* p = malloc(n);
    CHECK(p != NULL);
    for (size_t k = 0; k < n; k++) p[k] = (unsigned char)(seed + k);
    // Swap with a slot of the shared table: free what another thread made.
    int slot = (seed >> 4) % SHARED;
    pthread_mutex_lock(&lock);
    unsigned char* old = shared[slot];
    size_t old_n = shared_size[slot];
    shared[slot] = p;
    shared_size[slot] = n;
    pthread_mutex_unlock(&lock);
    if (old) {
      bad |= !check_block(old, old_n);
      free(old);
    }
  }
  return (void*)(intptr_t)bad;
}

int main(void) {
  pthread_t threads[THREADS];
  for (intptr_t i = 0; i < THREADS; i++) CHECK_OK(pthread_create(&threads[i], NULL, worker, (void*)i));
  int bad = 0;
  for (int i = 0; i < THREADS; i++) {
    void* r;
    CHECK_OK(pthread_join(threads[i], &r));
    bad |= (int)(intptr_t)r;
  }
  for (int i = 0; i < SHARED; i++) {
    if (shared[i]) bad |= !check_block(shared[i], shared_size[i]);
    free(shared[i]);
  }
  printf("%d threads x %d allocations: blocks intact: %s\n", THREADS, ROUNDS, bad ? "no" : "yes");
  return 0;
}
