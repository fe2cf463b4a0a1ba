// Tries to change a --ro-dir preopen (/ro) in every way WASI offers.
// run_battery.py lays out ROOT/ro = /ro: readme.txt, rodir/keep.txt,
// emptydir/; and /sandbox read-write for the controls.
#include "attack.h"

static int ro, sb;

static void probe_open_ro(const char* name, const char* path, int oflags, uint64_t rights, int fdflags) {
  __wasi_fd_t fd;
  int err = __wasi_path_open(ro, FOLLOW, path, oflags, rights, rights, fdflags, &fd);
  probe(name, err);
  if (!err) {
    __wasi_ciovec_t iov = {(const uint8_t*)"PWNED", 5};
    __wasi_size_t n;
    printf("  write through it: %s\n", wasi_errname(__wasi_fd_write(fd, &iov, 1, &n)));
    (void)__wasi_fd_close(fd);
  }
}

int main(void) {
  ro = preopen_fd("/ro");
  sb = preopen_fd("/sandbox");
  if (ro < 0 || sb < 0) {
    printf("control find preopens: FAILED (missing)\n");
    return 101;
  }
  __wasi_fd_t fd;
  int err = __wasi_path_open(ro, FOLLOW, "readme.txt", 0, RIGHTS_READ, 0, 0, &fd);
  control("open readme.txt for reading", err);
  if (!err) {
    dump(fd);
    __wasi_ciovec_t iov = {(const uint8_t*)"PWNED", 5};
    __wasi_size_t n;
    probe("fd_write on it", __wasi_fd_write(fd, &iov, 1, &n));
    probe("fd_pwrite on it", __wasi_fd_pwrite(fd, &iov, 1, 0, &n));
    probe("fd_filestat_set_size on it", __wasi_fd_filestat_set_size(fd, 0));
    probe("fd_filestat_set_times on it",
          __wasi_fd_filestat_set_times(fd, 1, 1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    probe("fd_allocate on it", __wasi_fd_allocate(fd, 0, 1 << 20));
    int grow = __wasi_fd_fdstat_set_rights(fd, RIGHTS_READ | RIGHTS_WRITE, 0);
    printf("info fd_fdstat_set_rights adding write: %s\n", wasi_errname(grow));
    probe("fd_write after trying to add rights", __wasi_fd_write(fd, &iov, 1, &n));
    (void)__wasi_fd_close(fd);
  }

  probe_open_ro("open readme.txt for writing", "readme.txt", 0, RIGHTS_READ | RIGHTS_WRITE, 0);
  probe_open_ro("open readme.txt for appending", "readme.txt", 0, __WASI_RIGHTS_FD_WRITE, __WASI_FDFLAGS_APPEND);
  probe_open_ro("open readme.txt with O_TRUNC", "readme.txt", __WASI_OFLAGS_TRUNC, RIGHTS_READ, 0);
  probe_open_ro("create new.txt", "new.txt", __WASI_OFLAGS_CREAT, RIGHTS_READ | RIGHTS_WRITE, 0);
  probe_open_ro("create rodir/new.txt", "rodir/new.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL,
                RIGHTS_READ, 0);
  probe("mkdir newdir", __wasi_path_create_directory(ro, "newdir"));
  probe("rmdir emptydir", __wasi_path_remove_directory(ro, "emptydir"));
  probe("unlink readme.txt", __wasi_path_unlink_file(ro, "readme.txt"));
  probe("unlink rodir/keep.txt", __wasi_path_unlink_file(ro, "rodir/keep.txt"));
  probe("rename readme.txt -> moved.txt", __wasi_path_rename(ro, "readme.txt", ro, "moved.txt"));
  probe("rename rodir -> emptydir", __wasi_path_rename(ro, "rodir", ro, "emptydir"));
  probe("rename /ro/readme.txt -> /sandbox/stolen", __wasi_path_rename(ro, "readme.txt", sb, "stolen"));
  control("create /sandbox/plant.txt", __wasi_path_open(sb, 0, "plant.txt", __WASI_OFLAGS_CREAT,
                                                        RIGHTS_READ | RIGHTS_WRITE, 0, 0, &fd));
  (void)__wasi_fd_close(fd);
  probe("rename /sandbox/plant.txt -> /ro/plant.txt", __wasi_path_rename(sb, "plant.txt", ro, "plant.txt"));
  probe("symlink /ro/link", __wasi_path_symlink("readme.txt", ro, "link"));
  probe("link readme.txt -> /ro/hard", __wasi_path_link(ro, 0, "readme.txt", ro, "hard"));
  // A hard link from the writable tree to a read-only file would let the
  // guest write it through the new name.
  err = __wasi_path_link(ro, 0, "readme.txt", sb, "hard_ro");
  probe("link /ro/readme.txt -> /sandbox/hard_ro", err);
  if (!err && __wasi_path_open(sb, 0, "hard_ro", 0, RIGHTS_READ | RIGHTS_WRITE, 0, 0, &fd) == 0) {
    __wasi_ciovec_t iov = {(const uint8_t*)"PWNED", 5};
    __wasi_size_t n;
    printf("  write through hard_ro: %s\n", wasi_errname(__wasi_fd_write(fd, &iov, 1, &n)));
  }
  probe("set times readme.txt",
        __wasi_path_filestat_set_times(ro, FOLLOW, "readme.txt", 1, 1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  probe("set times on /ro itself", __wasi_path_filestat_set_times(ro, FOLLOW, ".", 1, 1, __WASI_FSTFLAGS_MTIM));

  // Rights inherited through a directory opened from the read-only preopen.
  __wasi_fd_t dir;
  err = __wasi_path_open(ro, FOLLOW, "rodir", __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR,
                         ~(__wasi_rights_t)0, 0, &dir);
  printf("info open rodir asking for all inheriting rights: %s\n", wasi_errname(err));
  if (!err) {
    err = __wasi_path_open(dir, FOLLOW, "keep.txt", 0, RIGHTS_READ | RIGHTS_WRITE, 0, 0, &fd);
    probe("open rodir/keep.txt for writing through a sub-descriptor", err);
    probe("create through the sub-descriptor",
          __wasi_path_open(dir, FOLLOW, "x.txt", __WASI_OFLAGS_CREAT, RIGHTS_READ, 0, 0, &fd));
    probe("unlink through the sub-descriptor", __wasi_path_unlink_file(dir, "keep.txt"));
  }
  printf("done\n");
  return 0;
}
