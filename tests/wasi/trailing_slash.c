// A last path component written with a trailing slash ("x/") means "x, a
// directory": each path_* function's answer must be Linux's. The expected
// output was taken from this same program built natively on Linux.
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_test.h"

static void put(const char* path) {
  FILE* f = fopen(path, "w");
  fputs("x", f);
  fclose(f);
}

static void exists(const char* path) {
  struct stat info;
  printf("  %s %s\n", path, lstat(path, &info) == 0 ? (S_ISDIR(info.st_mode) ? "is a directory" : S_ISLNK(info.st_mode) ? "is a link" : "is a file") : "does not exist");
}

int main(void) {
  put(SANDBOX "/file");
  mkdir(SANDBOX "/dir", 0755);
  symlink("file", SANDBOX "/link-to-file");
  symlink("dir", SANDBOX "/link-to-dir");

  // Creating: mkdir accepts "new/"; symlink and link refuse it.
  report("mkdir newdir/", mkdir(SANDBOX "/newdir/", 0755));
  exists(SANDBOX "/newdir");
  report("symlink file -> new/", symlink("file", SANDBOX "/new/"));
  exists(SANDBOX "/new");
  report("symlink file -> dir/ (exists)", symlink("file", SANDBOX "/dir/"));
  report("symlink file -> file/ (exists)", symlink("file", SANDBOX "/file/"));
  report("link file -> new/", link(SANDBOX "/file", SANDBOX "/new/"));
  exists(SANDBOX "/new");
  report("link file -> dir/ (exists)", link(SANDBOX "/file", SANDBOX "/dir/"));
  report("link file/ -> new", link(SANDBOX "/file/", SANDBOX "/new"));
  exists(SANDBOX "/new");
  report("link dir/ -> new", link(SANDBOX "/dir/", SANDBOX "/new"));

  // Opening.
  int fd = open(SANDBOX "/file/", O_RDONLY);
  report("open file/", fd);
  if (fd >= 0) close(fd);
  fd = open(SANDBOX "/dir/", O_RDONLY | O_DIRECTORY);
  report("open dir/", fd);
  if (fd >= 0) close(fd);
  fd = open(SANDBOX "/created/", O_WRONLY | O_CREAT, 0644);
  report("open O_CREAT created/", fd);
  if (fd >= 0) close(fd);
  exists(SANDBOX "/created");
  fd = open(SANDBOX "/link-to-file/", O_RDONLY);
  report("open link-to-file/", fd);
  if (fd >= 0) close(fd);

  // Reading attributes and links.
  struct stat info;
  report("stat file/", stat(SANDBOX "/file/", &info));
  report("stat dir/", stat(SANDBOX "/dir/", &info));
  report("lstat link-to-file/", lstat(SANDBOX "/link-to-file/", &info));
  char buf[64];
  report("readlink link-to-file/", (int)readlink(SANDBOX "/link-to-file/", buf, sizeof buf));
  report("readlink link-to-dir/", (int)readlink(SANDBOX "/link-to-dir/", buf, sizeof buf));
  report("readlink missing/", (int)readlink(SANDBOX "/missing/", buf, sizeof buf));
  struct timespec times[2] = {{1500000000, 0}, {1500000000, 0}};  // not UTIME_NOW: wasi-libc mishandles it (times.c)
  report("utimensat nofollow file/", utimensat(AT_FDCWD, SANDBOX "/file/", times, AT_SYMLINK_NOFOLLOW));
  report("utimensat nofollow dir/", utimensat(AT_FDCWD, SANDBOX "/dir/", times, AT_SYMLINK_NOFOLLOW));

  // Renaming.
  report("rename file -> renamed/", rename(SANDBOX "/file", SANDBOX "/renamed/"));
  exists(SANDBOX "/renamed");
  report("rename file/ -> renamed", rename(SANDBOX "/file/", SANDBOX "/renamed"));
  exists(SANDBOX "/renamed");
  report("rename dir/ -> dir2/", rename(SANDBOX "/dir/", SANDBOX "/dir2/"));
  exists(SANDBOX "/dir2");
  report("rename dir2 -> file/ (a file)", rename(SANDBOX "/dir2", SANDBOX "/file/"));

  // Removing.
  report("unlink file/", unlink(SANDBOX "/file/"));
  exists(SANDBOX "/file");
  report("unlink dir2/", unlink(SANDBOX "/dir2/"));
  report("rmdir file/", rmdir(SANDBOX "/file/"));
  report("rmdir dir2/", rmdir(SANDBOX "/dir2/"));
  exists(SANDBOX "/dir2");
  return 0;
}
