// Prints everything the guest can learn about its host: environment,
// arguments, and which descriptors exist. run_battery.py gives one --env
// variable and puts secrets in warden's own environment.
#include <stdlib.h>

#include "attack.h"

extern char** environ;

int main(int argc, char** argv) {
  for (char** e = environ; *e; e++) printf("env [%s]\n", *e);
  for (int i = 1; i < argc; i++) printf("arg [%s]\n", argv[i]);
  int fds = 0;
  for (int fd = 0; fd < 1024; fd++) {
    __wasi_fdstat_t st;
    if (__wasi_fd_fdstat_get(fd, &st) == 0) fds++;
  }
  printf("descriptors: %d\n", fds);
  __wasi_prestat_t pre;
  for (int fd = 3; fd < 1024; fd++)
    if (__wasi_fd_prestat_get(fd, &pre) == 0) printf("preopen fd %d\n", fd);
  printf("done\n");
  return 0;
}
