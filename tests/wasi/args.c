// Arguments after the module name reach the guest exactly, spaces and all.
// warden-test: args=one "two words" "" --flag=x héllo
#include "wasi_test.h"

int main(int argc, char** argv) {
  printf("argc: %d\n", argc);
  printf("argv[0] present: %s\n", argc > 0 && argv[0] ? "yes" : "no");
  for (int i = 1; i < argc; i++) printf("argv[%d]: [%s]\n", i, argv[i]);
  printf("argv[argc] is NULL: %s\n", argv[argc] == NULL ? "yes" : "no");
  return 0;
}
