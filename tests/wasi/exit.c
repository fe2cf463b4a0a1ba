// exit(7): buffered output is flushed and warden exits with the guest's code.
// warden-test: exit=7
#include <stdlib.h>

#include "wasi_test.h"

int main(void) {
  printf("about to exit with 7");  // no newline: exit must still flush it
  exit(7);
  printf("unreachable\n");
}
