// Shared by the thread test programs: a check that reports and exits, so a
// failure shows which call failed and the expected output cannot match.
#ifndef WARDEN_TESTS_WASI_THREADS_TEST_H
#define WARDEN_TESTS_WASI_THREADS_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      printf("check failed at line %d: %s\n", __LINE__, #cond);            \
      exit(1);                                                             \
    }                                                                      \
  } while (0)

// pthread functions return an error number instead of setting errno.
#define CHECK_OK(call)                                                     \
  do {                                                                     \
    int check_ok_error_ = (call);                                          \
    if (check_ok_error_ != 0) {                                            \
      printf("%s failed at line %d: %s\n", #call, __LINE__,                \
             strerror(check_ok_error_));                                   \
      exit(1);                                                             \
    }                                                                      \
  } while (0)

#endif
