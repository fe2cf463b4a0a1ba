// stdin: piped input arrives intact, in several reads, then EOF.
// warden-test: stdin=first line\nsecond line\n\nlast line without newline
#include <unistd.h>

#include "wasi_test.h"

int main(void) {
  char line[128];
  int lines = 0;
  while (fgets(line, sizeof line, stdin)) {
    size_t len = strlen(line);
    int newline = len > 0 && line[len - 1] == '\n';
    if (newline) line[--len] = '\0';
    printf("line %d (%zu bytes%s): [%s]\n", ++lines, len, newline ? "" : ", no newline", line);
  }
  printf("eof: %s\n", feof(stdin) ? "yes" : "no");
  char c;
  printf("read after eof: %zd\n", read(0, &c, 1));
  return 0;
}
