// Files: create/read/write, append, truncate, O_EXCL, pread/pwrite, unlink.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_test.h"

static void show(const char* path) {
  char buf[256];
  long n = slurp(path, buf, sizeof buf);
  if (n < 0) {
    printf("  %s: unreadable (%s)\n", path, errname(errno));
    return;
  }
  printf("  %s: %ld bytes [", path, n);
  for (long i = 0; i < n; i++) putchar(buf[i] == '\n' ? '|' : buf[i] == 0 ? '0' : buf[i]);
  printf("]\n");
}

int main(void) {
  const char* a = SANDBOX "/a.txt";

  FILE* f = fopen(a, "w");
  printf("create: %s\n", f ? "OK" : errname(errno));
  fputs("hello\n", f);
  fclose(f);
  show(a);

  f = fopen(a, "a");
  fputs("world\n", f);
  fclose(f);
  printf("after append:\n");
  show(a);

  int fd = open(a, O_WRONLY | O_APPEND);
  lseek(fd, 0, SEEK_SET);  // O_APPEND writes go to the end regardless
  write(fd, "!\n", 2);
  close(fd);
  printf("append ignores seek:\n");
  show(a);

  report("O_CREAT|O_EXCL on existing", open(a, O_WRONLY | O_CREAT | O_EXCL, 0644));
  fd = open(SANDBOX "/b.txt", O_WRONLY | O_CREAT | O_EXCL, 0644);
  report("O_CREAT|O_EXCL on new", fd);
  close(fd);

  fd = open(a, O_WRONLY | O_TRUNC);
  report("O_TRUNC", fd);
  close(fd);
  show(a);

  fd = open(a, O_RDWR);
  write(fd, "abcdef", 6);
  report("ftruncate to 3", ftruncate(fd, 3));
  report("ftruncate to 8", ftruncate(fd, 8));
  close(fd);
  show(a);

  fd = open(SANDBOX "/p.bin", O_RDWR | O_CREAT, 0644);
  printf("pwrite at 10: %zd\n", pwrite(fd, "XYZW", 4, 10));
  struct stat st;
  fstat(fd, &st);
  printf("size after pwrite: %lld\n", (long long)st.st_size);
  printf("position after pwrite: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  char buf[8] = {0};
  printf("pread at 11: %zd [%.3s]\n", pread(fd, buf, 3, 11), buf);
  printf("pread past end: %zd\n", pread(fd, buf, 3, 100));
  printf("position after pread: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  close(fd);

  fd = open(a, O_RDONLY);
  report("write on O_RDONLY fd", (int)write(fd, "x", 1));
  close(fd);
  fd = open(a, O_WRONLY);
  report("read on O_WRONLY fd", (int)read(fd, buf, 1));
  close(fd);
  report("read on closed fd", (int)read(fd, buf, 1));

  report("open missing", open(SANDBOX "/missing.txt", O_RDONLY));
  report("open missing dir component", open(SANDBOX "/nodir/x.txt", O_RDONLY | O_CREAT, 0644));
  report("unlink", unlink(a));
  report("stat after unlink", stat(a, &st));
  report("unlink missing", unlink(a));
  return 0;
}
