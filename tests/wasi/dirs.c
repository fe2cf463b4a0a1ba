// Directories: mkdir/rmdir, EEXIST, ENOTEMPTY, ENOTDIR, nested creation.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_test.h"

int main(void) {
  struct stat st;
  report("mkdir d", mkdir(SANDBOX "/d", 0755));
  report("mkdir d again", mkdir(SANDBOX "/d", 0755));
  stat(SANDBOX "/d", &st);
  printf("d is a directory: %s\n", S_ISDIR(st.st_mode) ? "yes" : "no");
  report("mkdir d/e", mkdir(SANDBOX "/d/e", 0755));
  report("mkdir x/y (no parent)", mkdir(SANDBOX "/x/y", 0755));

  int fd = open(SANDBOX "/d/e/file", O_WRONLY | O_CREAT, 0644);
  close(fd);
  report("rmdir d (not empty)", rmdir(SANDBOX "/d"));
  report("rmdir d/e (not empty)", rmdir(SANDBOX "/d/e"));
  report("rmdir on a file", rmdir(SANDBOX "/d/e/file"));
  report("unlink on a directory", unlink(SANDBOX "/d/e"));
  report("open file as directory", open(SANDBOX "/d/e/file", O_RDONLY | O_DIRECTORY));
  report("mkdir under a file", mkdir(SANDBOX "/d/e/file/sub", 0755));
  report("unlink d/e/file", unlink(SANDBOX "/d/e/file"));
  report("rmdir d/e", rmdir(SANDBOX "/d/e"));
  report("rmdir d", rmdir(SANDBOX "/d"));
  report("stat d after rmdir", stat(SANDBOX "/d", &st));
  report("rmdir missing", rmdir(SANDBOX "/d"));

  fd = open(SANDBOX, O_RDONLY | O_DIRECTORY);
  report("open preopen root as directory", fd);
  report("mkdirat relative to it", mkdirat(fd, "rel", 0755));
  report("stat through absolute path", stat(SANDBOX "/rel", &st));
  close(fd);
  return 0;
}
