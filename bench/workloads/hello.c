/* The WASI startup probe (built with wasi-libc as a command): print a line. */
#include <stdio.h>

int main(void) {
  puts("hello");
  return 0;
}
