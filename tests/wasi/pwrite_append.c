// pwrite on a descriptor opened with O_APPEND: Linux appends (the offset
// argument is ignored), POSIX would write at the offset; failing is neither.
// The descriptor's own offset does not move, and pread does not move it.
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "wasi_test.h"

int main(void) {
  int fd = open(SANDBOX "/log", O_WRONLY | O_CREAT | O_APPEND, 0644);
  report("open O_APPEND", fd);
  report("write", (int)write(fd, "abc", 3));
  off_t before = lseek(fd, 0, SEEK_CUR);
  report("pwrite at 0", (int)pwrite(fd, "XY", 2, 0));
  off_t after = lseek(fd, 0, SEEK_CUR);
  printf("offset before %lld, after %lld\n", (long long)before, (long long)after);
  close(fd);
  char buf[16];
  slurp(SANDBOX "/log", buf, sizeof buf);
  printf("content [%s]\n", buf);

  fd = open(SANDBOX "/log", O_RDONLY);
  lseek(fd, 1, SEEK_SET);
  report("pread at 3", (int)pread(fd, buf, 2, 3));
  printf("offset after pread %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  close(fd);
  return 0;
}
