// Symlinks inside the preopen: create, readlink, follow (also through a
// relative "../" that stays inside), dangling links, O_NOFOLLOW, unlink.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wasi_test.h"

static void show_link(const char* path) {
  char buf[128];
  ssize_t n = readlink(path, buf, sizeof buf - 1);
  if (n < 0) {
    printf("  readlink %s: %s\n", path, errname(errno));
    return;
  }
  buf[n] = '\0';
  printf("  readlink %s: [%s]\n", path, buf);
}

static void show(const char* path) {
  char buf[64];
  if (slurp(path, buf, sizeof buf) < 0)
    printf("  read %s: %s\n", path, errname(errno));
  else
    printf("  read %s: [%s]\n", path, buf);
}

int main(void) {
  FILE* f = fopen(SANDBOX "/target.txt", "w");
  fputs("target", f);
  fclose(f);
  mkdir(SANDBOX "/sub", 0755);

  report("symlink link -> target.txt", symlink("target.txt", SANDBOX "/link"));
  show_link(SANDBOX "/link");
  show(SANDBOX "/link");
  struct stat st;
  lstat(SANDBOX "/link", &st);
  printf("  lstat is symlink: %s\n", S_ISLNK(st.st_mode) ? "yes" : "no");
  stat(SANDBOX "/link", &st);
  printf("  stat is regular, size %lld: %s\n", (long long)st.st_size, S_ISREG(st.st_mode) ? "yes" : "no");

  report("symlink sub/up -> ../target.txt", symlink("../target.txt", SANDBOX "/sub/up"));
  show(SANDBOX "/sub/up");
  report("symlink dirlink -> sub", symlink("sub", SANDBOX "/dirlink"));
  show(SANDBOX "/dirlink/up");
  report("symlink chain -> link", symlink("link", SANDBOX "/chain"));
  show(SANDBOX "/chain");

  report("symlink onto existing name", symlink("target.txt", SANDBOX "/link"));
  report("symlink dangling -> nowhere", symlink("nowhere", SANDBOX "/dangling"));
  show_link(SANDBOX "/dangling");
  show(SANDBOX "/dangling");
  report("open O_NOFOLLOW on a symlink", open(SANDBOX "/link", O_RDONLY | O_NOFOLLOW));
  report("readlink on a regular file", (int)readlink(SANDBOX "/target.txt", (char[8]){0}, 8));

  report("unlink link", unlink(SANDBOX "/link"));
  show(SANDBOX "/target.txt");
  show(SANDBOX "/chain");
  return 0;
}
