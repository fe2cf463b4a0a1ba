// File times and stat fields: utimensat/futimens with exact values,
// UTIME_OMIT, "now", size, link count, type, inode.
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

#include "wasi_test.h"

static void show_times(const char* label, const char* path) {
  struct stat st;
  stat(path, &st);
  printf("%s: atime %lld.%09ld mtime %lld.%09ld\n", label, (long long)st.st_atim.tv_sec,
         st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

// Within a minute of the realtime clock.
static int is_now(struct timespec t) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  long long delta = (long long)now.tv_sec - (long long)t.tv_sec;
  return delta >= -60 && delta <= 60;
}

int main(void) {
  const char* path = SANDBOX "/t.txt";
  int fd = open(path, O_RDWR | O_CREAT, 0644);
  write(fd, "12345", 5);

  struct timespec ts[2] = {{1000000000, 500000000}, {1234567890, 250000000}};
  report("utimensat", utimensat(AT_FDCWD, path, ts, 0));
  show_times("after utimensat", path);

  struct timespec keep_atime[2] = {{0, UTIME_OMIT}, {1500000000, 0}};
  report("futimens (atime omitted)", futimens(fd, keep_atime));
  show_times("after futimens", path);

  // This wasi-libc mishandles "now" (EINVAL for UTIME_NOW in an array, zero
  // times for a NULL array, under any runtime), so "now" goes through WASI.
  report("fd_filestat_set_times MTIM_NOW",
         __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW) ? -1 : 0);
  struct stat st;
  stat(path, &st);
  printf("mtime is now: %s\n", is_now(st.st_mtim) ? "yes" : "no");
  printf("atime kept: %lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec);
  report("fd_filestat_set_times ATIM_NOW|MTIM_NOW",
         __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW) ? -1 : 0);
  stat(path, &st);
  printf("atime and mtime are now: %s\n", is_now(st.st_atim) && is_now(st.st_mtim) ? "yes" : "no");

  fstat(fd, &st);
  printf("size: %lld, regular: %s, nlink: %lld, inode set: %s\n", (long long)st.st_size,
         S_ISREG(st.st_mode) ? "yes" : "no", (long long)st.st_nlink, st.st_ino ? "yes" : "no");
  report("link t.txt -> hard.txt", link(path, SANDBOX "/hard.txt"));
  struct stat hard;
  stat(SANDBOX "/hard.txt", &hard);
  fstat(fd, &st);
  printf("nlink after link: %lld, same inode: %s\n", (long long)st.st_nlink,
         st.st_ino == hard.st_ino && st.st_dev == hard.st_dev ? "yes" : "no");

  mkdir(SANDBOX "/dir", 0755);
  stat(SANDBOX "/dir", &st);
  printf("dir: directory %s\n", S_ISDIR(st.st_mode) ? "yes" : "no");
  report("utimensat on missing", utimensat(AT_FDCWD, SANDBOX "/missing", ts, 0));
  close(fd);
  return 0;
}
