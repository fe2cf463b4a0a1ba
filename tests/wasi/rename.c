// rename: files and directories, replacing, and the errors POSIX promises.
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_test.h"

static void put(const char* path, const char* text) {
  FILE* f = fopen(path, "w");
  fputs(text, f);
  fclose(f);
}

static void show(const char* path) {
  char buf[64];
  if (slurp(path, buf, sizeof buf) < 0)
    printf("  %s: %s\n", path, errname(errno));
  else
    printf("  %s: [%s]\n", path, buf);
}

int main(void) {
  put(SANDBOX "/a", "A");
  put(SANDBOX "/b", "B");
  report("rename a -> c", rename(SANDBOX "/a", SANDBOX "/c"));
  show(SANDBOX "/a");
  show(SANDBOX "/c");
  report("rename c -> b (replaces)", rename(SANDBOX "/c", SANDBOX "/b"));
  show(SANDBOX "/b");
  show(SANDBOX "/c");
  report("rename missing", rename(SANDBOX "/nope", SANDBOX "/x"));

  mkdir(SANDBOX "/d1", 0755);
  put(SANDBOX "/d1/inner", "I");
  report("rename dir d1 -> d2", rename(SANDBOX "/d1", SANDBOX "/d2"));
  show(SANDBOX "/d2/inner");
  mkdir(SANDBOX "/sub", 0755);
  report("rename file into subdir", rename(SANDBOX "/b", SANDBOX "/sub/b"));
  show(SANDBOX "/sub/b");
  report("rename dir onto non-empty dir", rename(SANDBOX "/sub", SANDBOX "/d2"));
  mkdir(SANDBOX "/emptydir", 0755);
  report("rename dir onto empty dir", rename(SANDBOX "/d2", SANDBOX "/emptydir"));
  show(SANDBOX "/emptydir/inner");
  report("rename file onto dir", rename(SANDBOX "/sub/b", SANDBOX "/emptydir"));
  report("rename dir onto file", rename(SANDBOX "/emptydir", SANDBOX "/sub/b"));
  report("rename dir into itself", rename(SANDBOX "/sub", SANDBOX "/sub/inside"));
  return 0;
}
