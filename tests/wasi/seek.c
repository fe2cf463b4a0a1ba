// lseek/tell: SEEK_SET/CUR/END, seeking past the end makes a hole, bad whence.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_test.h"

int main(void) {
  int fd = open(SANDBOX "/s.bin", O_RDWR | O_CREAT, 0644);
  char data[100];
  for (int i = 0; i < 100; i++) data[i] = (char)('a' + i % 26);
  write(fd, data, sizeof data);
  printf("tell after write: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  printf("SEEK_SET 10: %lld\n", (long long)lseek(fd, 10, SEEK_SET));
  char buf[8] = {0};
  read(fd, buf, 5);
  printf("read 5: [%s]\n", buf);
  printf("tell: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  printf("SEEK_CUR -5: %lld\n", (long long)lseek(fd, -5, SEEK_CUR));
  printf("SEEK_END -1: %lld\n", (long long)lseek(fd, -1, SEEK_END));
  memset(buf, 0, sizeof buf);
  read(fd, buf, 5);
  printf("read at end-1: [%s]\n", buf);
  printf("read at end: %zd\n", read(fd, buf, 5));
  printf("SEEK_END +10: %lld\n", (long long)lseek(fd, 10, SEEK_END));
  write(fd, "Z", 1);
  struct stat st;
  fstat(fd, &st);
  printf("size after write past end: %lld\n", (long long)st.st_size);
  lseek(fd, 105, SEEK_SET);
  buf[0] = 'x';
  read(fd, buf, 1);
  printf("hole reads as zero: %s\n", buf[0] == 0 ? "yes" : "no");
  report("SEEK_SET -1", (int)lseek(fd, -1, SEEK_SET));
  printf("tell unchanged after failed seek: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  close(fd);

  fd = open(SANDBOX "/s.bin", O_RDONLY);
  printf("fresh open starts at: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  close(fd);
  return 0;
}
