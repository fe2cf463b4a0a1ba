// readdir: every entry is listed once, through libc and through raw
// fd_readdir with a buffer so small that each call returns one or two
// entries and the listing continues from the last complete entry's cookie.
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

#include "wasi_test.h"

#define FILES 40

static int cmp(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

static void print_sorted(const char* label, char** names, int n) {
  qsort(names, n, sizeof *names, cmp);
  printf("%s: %d entries:", label, n);
  for (int i = 0; i < n; i++) printf(" %s", names[i]);
  printf("\n");
  for (int i = 0; i < n; i++) free(names[i]);
}

static int is_dot(const char* name) { return !strcmp(name, ".") || !strcmp(name, ".."); }

static void list_with_libc(void) {
  char* names[FILES + 8];
  int n = 0;
  DIR* d = opendir(SANDBOX "/dir");
  struct dirent* e;
  while ((e = readdir(d)) && n < FILES + 8) {
    if (is_dot(e->d_name)) continue;
    names[n++] = strdup(e->d_name);
  }
  print_sorted("libc readdir", names, n);
  rewinddir(d);
  int again = 0;
  while ((e = readdir(d))) again += !is_dot(e->d_name);
  printf("after rewinddir: %d entries\n", again);
  closedir(d);
}

static void list_with_tiny_buffer(size_t buf_len) {
  int fd = open(SANDBOX "/dir", O_RDONLY | O_DIRECTORY);
  char* names[FILES + 8];
  int n = 0, calls = 0;
  __wasi_dircookie_t cookie = 0;
  uint8_t buf[64];
  for (;;) {
    __wasi_size_t used = 0;
    __wasi_errno_t err = __wasi_fd_readdir(fd, buf, buf_len, cookie, &used);
    calls++;
    if (err) {
      printf("fd_readdir error %d\n", err);
      break;
    }
    size_t pos = 0;
    int complete = 0;
    while (pos + sizeof(__wasi_dirent_t) <= used) {
      __wasi_dirent_t ent;
      memcpy(&ent, buf + pos, sizeof ent);
      if (pos + sizeof ent + ent.d_namlen > used) break;  // name cut off: ask again
      char name[64] = {0};
      memcpy(name, buf + pos + sizeof ent, ent.d_namlen < 63 ? ent.d_namlen : 63);
      if (!is_dot(name) && n < FILES + 8) names[n++] = strdup(name);
      cookie = ent.d_next;
      pos += sizeof ent + ent.d_namlen;
      complete++;
    }
    if (used < buf_len) break;  // a short buffer means the end of the directory
    if (complete == 0) {
      printf("buffer too small for one entry\n");
      break;
    }
    if (calls > 1000) break;
  }
  char label[64];
  snprintf(label, sizeof label, "fd_readdir with %zu-byte buffer", buf_len);
  print_sorted(label, names, n);
  printf("  needed more than %d calls: %s\n", FILES / 2, calls > FILES / 2 ? "yes" : "no");
  close(fd);
}

int main(void) {
  mkdir(SANDBOX "/dir", 0755);
  for (int i = 0; i < FILES; i++) {
    char path[64];
    snprintf(path, sizeof path, SANDBOX "/dir/f%02d", i);
    close(open(path, O_WRONLY | O_CREAT, 0644));
  }
  mkdir(SANDBOX "/dir/subdir", 0755);

  list_with_libc();
  list_with_tiny_buffer(40);
  list_with_tiny_buffer(64);

  mkdir(SANDBOX "/empty", 0755);
  DIR* d = opendir(SANDBOX "/empty");
  int n = 0;
  struct dirent* e;
  while ((e = readdir(d))) n += !is_dot(e->d_name);
  closedir(d);
  printf("empty dir: %d entries\n", n);
  report("opendir on a file", opendir(SANDBOX "/dir/f00") ? 0 : -1);
  return 0;
}
