// 4 threads resolve relative paths at once (chdir into the sandbox, then
// create, stat and read back files by relative name): each thread must
// always get its own file. libc resolves a relative path through buffers
// that must be per thread (sysroot/build.sh, chdir.c).
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "threads_test.h"

enum { THREADS = 4, ROUNDS = 300 };

static void* churn(void* arg) {
  long id = (long)arg;
  char name[64], want[64], got[64];
  for (int i = 0; i < ROUNDS; i++) {
    // Names of different lengths per thread, so a mixed-up path fails.
    snprintf(name, sizeof name, "t%ld-%.*s-%d.txt", id, (int)id * 7 + 1, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", i % 5);
    snprintf(want, sizeof want, "thread %ld round %d", id, i);
    FILE* f = fopen(name, "w");
    CHECK(f != NULL);
    CHECK(fputs(want, f) >= 0);
    CHECK(fclose(f) == 0);
    struct stat st;
    CHECK(stat(name, &st) == 0);
    CHECK(st.st_size == (off_t)strlen(want));
    int fd = open(name, O_RDONLY);
    CHECK(fd >= 0);
    ssize_t n = read(fd, got, sizeof got - 1);
    CHECK(n == (ssize_t)strlen(want));
    got[n] = 0;
    CHECK(strcmp(got, want) == 0);
    CHECK(close(fd) == 0);
    CHECK(unlink(name) == 0);
  }
  return NULL;
}

int main(void) {
  CHECK(chdir("/sandbox") == 0);
  CHECK(mkdir("work", 0755) == 0);
  CHECK(chdir("work") == 0);
  pthread_t threads[THREADS];
  for (long i = 0; i < THREADS; i++) CHECK_OK(pthread_create(&threads[i], NULL, churn, (void*)i));
  for (int i = 0; i < THREADS; i++) CHECK_OK(pthread_join(threads[i], NULL));
  char cwd[256];
  CHECK(getcwd(cwd, sizeof cwd) != NULL);
  printf("%d threads x %d rounds of relative paths in %s: all their own\n", THREADS, ROUNDS, cwd);
  return 0;
}
