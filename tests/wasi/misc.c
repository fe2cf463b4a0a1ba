// The preview1 calls the other programs reach only indirectly or not at all:
// fd_advise, fd_allocate, fd_datasync, fd_sync, fd_fdstat_set_flags,
// fd_renumber, sched_yield, and sock_send/sock_recv/sock_shutdown on a
// descriptor that is not a socket.
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>
#include <wasi/api.h>

#include "wasi_test.h"

static void reportWasi(const char* label, __wasi_errno_t e) {
  printf("%s: %s\n", label, e == 0 ? "OK" : e == __WASI_ERRNO_NOTSOCK ? "ENOTSOCK" : e == __WASI_ERRNO_BADF ? "EBADF" : "E?");
}

int main(void) {
  int fd = open(SANDBOX "/m.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  report("open", fd);
  report("write", (int)write(fd, "abc", 3));
  // These two return the error number instead of setting errno.
  int rc = posix_fadvise(fd, 0, 3, POSIX_FADV_SEQUENTIAL);
  printf("fadvise: %s\n", rc ? errname(rc) : "OK");
  rc = posix_fallocate(fd, 0, 16);
  printf("fallocate: %s\n", rc ? errname(rc) : "OK");
  printf("size after fallocate: %lld\n", (long long)lseek(fd, 0, SEEK_END));
  report("fdatasync", fdatasync(fd));
  report("fsync", fsync(fd));
  report("sched_yield", sched_yield());

  // fd_fdstat_set_flags: switch on O_APPEND, then a write lands at the end
  // even after a seek to the start.
  report("set O_APPEND", fcntl(fd, F_SETFL, O_APPEND));
  printf("flags have O_APPEND: %d\n", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
  lseek(fd, 0, SEEK_SET);
  write(fd, "Z", 1);
  printf("size after append: %lld\n", (long long)lseek(fd, 0, SEEK_END));

  // fd_renumber: move fd onto a second descriptor; the old number is gone.
  int other = open(SANDBOX "/n.txt", O_RDWR | O_CREAT, 0644);
  reportWasi("renumber", __wasi_fd_renumber(fd, other));
  char c = 0;
  lseek(other, 0, SEEK_SET);
  read(other, &c, 1);
  printf("renumbered reads: %c\n", c);
  printf("old fd closed: %s\n", write(fd, "x", 1) < 0 ? errname(errno) : "still open");

  // Sockets: stdout is not one.
  __wasi_ciovec_t out = {(const uint8_t*)"s", 1};
  __wasi_size_t n = 0;
  reportWasi("sock_send on stdout", __wasi_sock_send(1, &out, 1, 0, &n));
  reportWasi("sock_shutdown on stdout", __wasi_sock_shutdown(1, __WASI_SDFLAGS_WR));
  reportWasi("sock_send on a closed fd", __wasi_sock_send(999, &out, 1, 0, &n));
  return 0;
}
