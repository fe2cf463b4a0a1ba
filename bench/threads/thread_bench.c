// Thread overhead and parallelism, the same C natively and under Warden:
//   spawn  create and join a thread, N times                 -> microseconds each
//   handoff two threads pass a turn back and forth through a mutex and two
//          condition variables, N times                      -> microseconds each
//   parallel the same CPU work split over 1 and 2 threads    -> seconds each
// Usage: thread_bench SPAWNS HANDOFFS WORK
// Prints "name value" lines and a checksum the runner compares.
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void* nothing(void* arg) { return arg; }

static double spawn_join(int n) {
  double start = now();
  for (int i = 0; i < n; ++i) {
    pthread_t t;
    if (pthread_create(&t, NULL, nothing, NULL) != 0) {
      fprintf(stderr, "pthread_create failed\n");
      exit(1);
    }
    pthread_join(t, NULL);
  }
  return (now() - start) / n * 1e6;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_changed = PTHREAD_COND_INITIALIZER;
static int turn;    // 0: main's turn, 1: the partner's
static int rounds;

static void* partner(void* arg) {
  (void)arg;
  pthread_mutex_lock(&lock);
  for (int i = 0; i < rounds; ++i) {
    while (turn != 1) pthread_cond_wait(&turn_changed, &lock);
    turn = 0;
    pthread_cond_signal(&turn_changed);
  }
  pthread_mutex_unlock(&lock);
  return NULL;
}

static double handoff(int n) {
  rounds = n;
  turn = 0;
  pthread_t t;
  pthread_create(&t, NULL, partner, NULL);
  double start = now();
  pthread_mutex_lock(&lock);
  for (int i = 0; i < n; ++i) {
    turn = 1;
    pthread_cond_signal(&turn_changed);
    while (turn != 0) pthread_cond_wait(&turn_changed, &lock);
  }
  pthread_mutex_unlock(&lock);
  double elapsed = now() - start;
  pthread_join(t, NULL);
  return elapsed / n * 1e6;  // one round trip: two hand-offs
}

struct Work {
  uint64_t iterations;
  uint64_t result;
};

// xorshift mixing: pure CPU, no memory traffic to share.
static void* crunch(void* arg) {
  struct Work* w = arg;
  uint64_t x = 88172645463325252ull ^ w->iterations;
  for (uint64_t i = 0; i < w->iterations; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
  }
  w->result = x;
  return NULL;
}

static double parallel(uint64_t work, int threads, uint64_t* checksum) {
  pthread_t t[8];
  struct Work w[8];
  double start = now();
  for (int i = 0; i < threads; ++i) {
    w[i].iterations = work / threads;
    pthread_create(&t[i], NULL, crunch, &w[i]);
  }
  uint64_t sum = 0;
  for (int i = 0; i < threads; ++i) {
    pthread_join(t[i], NULL);
    sum += w[i].result;
  }
  *checksum = sum;
  return now() - start;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: thread_bench SPAWNS HANDOFFS WORK\n");
    return 2;
  }
  int spawns = atoi(argv[1]), handoffs = atoi(argv[2]);
  uint64_t work = strtoull(argv[3], NULL, 10);
  uint64_t one, two;
  printf("spawn_join_us %.2f\n", spawn_join(spawns));
  printf("handoff_roundtrip_us %.2f\n", handoff(handoffs));
  printf("parallel_1_thread_s %.4f\n", parallel(work, 1, &one));
  printf("parallel_2_threads_s %.4f\n", parallel(work, 2, &two));
  printf("checksum %llu %llu\n", (unsigned long long)one, (unsigned long long)two);
  return 0;
}
