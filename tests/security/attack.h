// Shared by the security battery's guest programs: raw WASI imports (so a
// path can carry a NUL or point outside memory), the preopen lookup, and the
// report format run_battery.py checks:
//   probe NAME: blocked (ERRNO)     the attack failed, as it must
//   probe NAME: ESCAPED ...         the attack worked: the battery fails
//   control NAME: ok | FAILED (ERRNO)   a legitimate operation, must work
//   info NAME: ...                  outcome that is fine either way
//   done                            the program ran to its end
#ifndef WARDEN_TESTS_SECURITY_ATTACK_H
#define WARDEN_TESTS_SECURITY_ATTACK_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define WASI_IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(name)))

// path_open with an explicit path length (the libc wrapper uses strlen).
int32_t raw_path_open(int32_t dirfd, int32_t lookupflags, const char* path, int32_t path_len,
                      int32_t oflags, int64_t rights_base, int64_t rights_inheriting, int32_t fdflags,
                      int32_t* fd_out) WASI_IMPORT("path_open");
int32_t raw_path_create_directory(int32_t dirfd, const char* path, int32_t path_len)
    WASI_IMPORT("path_create_directory");
int32_t raw_path_symlink(const char* old_path, int32_t old_len, int32_t dirfd, const char* new_path,
                         int32_t new_len) WASI_IMPORT("path_symlink");

#define RIGHTS_READ (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_FILESTAT_GET)
#define RIGHTS_WRITE (__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE)
#define RIGHTS_DIR                                                                              \
  (__WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_FILESTAT_GET |      \
   __WASI_RIGHTS_FD_FILESTAT_GET)
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

static inline const char* wasi_errname(int e) {
  switch (e) {
    case __WASI_ERRNO_SUCCESS: return "SUCCESS";
    case __WASI_ERRNO_ACCES: return "EACCES";
    case __WASI_ERRNO_BADF: return "EBADF";
    case __WASI_ERRNO_EXIST: return "EEXIST";
    case __WASI_ERRNO_FAULT: return "EFAULT";
    case __WASI_ERRNO_FBIG: return "EFBIG";
    case __WASI_ERRNO_ILSEQ: return "EILSEQ";
    case __WASI_ERRNO_INVAL: return "EINVAL";
    case __WASI_ERRNO_ISDIR: return "EISDIR";
    case __WASI_ERRNO_LOOP: return "ELOOP";
    case __WASI_ERRNO_MFILE: return "EMFILE";
    case __WASI_ERRNO_NAMETOOLONG: return "ENAMETOOLONG";
    case __WASI_ERRNO_NFILE: return "ENFILE";
    case __WASI_ERRNO_NOENT: return "ENOENT";
    case __WASI_ERRNO_NOMEM: return "ENOMEM";
    case __WASI_ERRNO_NOSPC: return "ENOSPC";
    case __WASI_ERRNO_NOTDIR: return "ENOTDIR";
    case __WASI_ERRNO_NOTEMPTY: return "ENOTEMPTY";
    case __WASI_ERRNO_NOTCAPABLE: return "ENOTCAPABLE";
    case __WASI_ERRNO_PERM: return "EPERM";
    case __WASI_ERRNO_ROFS: return "EROFS";
    case __WASI_ERRNO_XDEV: return "EXDEV";
    default: return "E?";
  }
}

// The descriptor of the preopen named `guest_path`, or -1.
static inline int preopen_fd(const char* guest_path) {
  for (int fd = 3; fd < 64; fd++) {
    __wasi_prestat_t st;
    if (__wasi_fd_prestat_get(fd, &st) != 0) continue;
    char name[256] = {0};
    size_t len = st.u.dir.pr_name_len < 255 ? st.u.dir.pr_name_len : 255;
    if (__wasi_fd_prestat_dir_name(fd, (uint8_t*)name, len) == 0 && strcmp(name, guest_path) == 0) return fd;
  }
  return -1;
}

// A must-fail operation's errno: 0 means the attack worked.
static inline void probe(const char* name, int err) {
  if (err)
    printf("probe %s: blocked (%s)\n", name, wasi_errname(err));
  else
    printf("probe %s: ESCAPED\n", name);
}

static inline void control(const char* name, int err) {
  if (err)
    printf("control %s: FAILED (%s)\n", name, wasi_errname(err));
  else
    printf("control %s: ok\n", name);
}

// Prints up to 200 bytes of an opened file, so that the harness sees any
// content that came from outside the sandbox.
static inline void dump(int fd) {
  char buf[201] = {0};
  __wasi_iovec_t iov = {(uint8_t*)buf, 200};
  __wasi_size_t got = 0;
  __wasi_fd_read(fd, &iov, 1, &got);
  printf("  read %u bytes: [%s]\n", (unsigned)got, buf);
}

// Opening (path, len) under dirfd must fail; if it works, show what it reached.
static inline void probe_open_raw(const char* name, int dirfd, const char* path, size_t len,
                                  int lookup, int oflags, uint64_t rights) {
  int32_t fd = -1;
  int err = raw_path_open(dirfd, lookup, path, (int32_t)len, oflags, (int64_t)rights, (int64_t)rights, 0, &fd);
  probe(name, err);
  if (err == 0) {
    dump(fd);
    __wasi_fd_close(fd);
  }
}

static inline void probe_open(const char* name, int dirfd, const char* path, int lookup) {
  probe_open_raw(name, dirfd, path, strlen(path), lookup, 0, RIGHTS_READ);
}

static inline int open_file(int dirfd, const char* path, int oflags, uint64_t rights, int* fd_out) {
  __wasi_fd_t fd = 0;
  int err = __wasi_path_open(dirfd, FOLLOW, path, oflags, rights, rights, 0, &fd);
  *fd_out = (int)fd;
  return err;
}

#endif
