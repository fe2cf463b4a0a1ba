// The guest sees exactly the variables given with --env, none of the host's.
// warden-test: flags=--env GREETING=hello --env EMPTY= --env WITH_EQ=a=b=c
#include <stdlib.h>

#include "wasi_test.h"

extern char** environ;

static int cmp(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

int main(void) {
  int n = 0;
  while (environ[n]) n++;
  qsort(environ, n, sizeof *environ, cmp);
  printf("%d variables\n", n);
  for (int i = 0; i < n; i++) printf("[%s]\n", environ[i]);
  const char* g = getenv("GREETING");
  printf("getenv GREETING: %s\n", g ? g : "(null)");
  printf("getenv PATH: %s\n", getenv("PATH") ? "set" : "(null)");
  printf("getenv HOME: %s\n", getenv("HOME") ? "set" : "(null)");
  return 0;
}
