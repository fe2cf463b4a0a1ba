// Shared by the WASI test programs: the guest path of the preopened scratch
// directory and helpers that print results in a stable, comparable form.
#ifndef WARDEN_TESTS_WASI_TEST_H
#define WARDEN_TESTS_WASI_TEST_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

// run_tests.py preopens a fresh, empty host directory here for every program.
#define SANDBOX "/sandbox"

// The symbolic name of an errno value, so expected files do not depend on
// strerror wording.
static inline const char* errname(int e) {
  switch (e) {
    case 0: return "OK";
    case EACCES: return "EACCES";
    case EBADF: return "EBADF";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case EISDIR: return "EISDIR";
    case ELOOP: return "ELOOP";
    case ENOENT: return "ENOENT";
    case ENOTDIR: return "ENOTDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    case EPERM: return "EPERM";
    case ESPIPE: return "ESPIPE";
    case EXDEV: return "EXDEV";
    default: return "E?";
  }
}

// Prints "label: OK" when rc >= 0, else "label: <errno name>".
static inline void report(const char* label, int rc) {
  printf("%s: %s\n", label, rc >= 0 ? "OK" : errname(errno));
}

// Reads a whole small file into buf (NUL-terminated); returns its length or -1.
static inline long slurp(const char* path, char* buf, size_t cap) {
  FILE* f = fopen(path, "rb");
  if (!f) return -1;
  size_t n = fread(buf, 1, cap - 1, f);
  buf[n] = '\0';
  fclose(f);
  return (long)n;
}

#endif
