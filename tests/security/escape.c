// Tries to leave the /sandbox preopen. argv[1] names the attack group,
// argv[2] is the host path of the directory holding the sandbox (the guest
// knowing real host paths must not help it). run_battery.py lays out:
//   ROOT/secret.txt  ROOT/outside/file.txt  ROOT/outside/subdir/
//   ROOT/sandbox/ = /sandbox: inside.txt, sub/, and host-made symlinks
//     pre_abs -> ROOT/secret.txt   pre_abs_dir -> ROOT/outside
//     pre_rel -> ../secret.txt     pre_rel_dir -> ../outside
//     sub/pre_rel2 -> ../../outside/file.txt
#include <stdlib.h>

#include "attack.h"

static int sb;               // the /sandbox descriptor
static const char* host_root;  // argv[2]

static const char* host_path(const char* rel) {
  static char buf[4][1024];
  static int next;
  char* out = buf[next++ % 4];
  snprintf(out, 1024, "%s/%s", host_root, rel);
  return out;
}

static void controls(void) {
  int fd;
  int err = open_file(sb, "inside.txt", 0, RIGHTS_READ, &fd);
  control("open inside.txt", err);
  if (!err) __wasi_fd_close(fd);
  err = open_file(sb, "sub/../inside.txt", 0, RIGHTS_READ, &fd);
  control("open sub/../inside.txt", err);
  if (!err) __wasi_fd_close(fd);
}

static void dotdot(void) {
  probe_open("../secret.txt", sb, "../secret.txt", FOLLOW);
  probe_open("./../secret.txt", sb, "./../secret.txt", FOLLOW);
  probe_open("sub/../../secret.txt", sb, "sub/../../secret.txt", FOLLOW);
  probe_open("sub/../sub/../../secret.txt", sb, "sub/../sub/../../secret.txt", FOLLOW);
  probe_open("../outside/file.txt", sb, "../outside/file.txt", FOLLOW);
  probe_open("../sandbox/../secret.txt", sb, "../sandbox/../secret.txt", FOLLOW);
  probe_open_raw("open .. as directory", sb, "..", 2, 0, __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR);
  char deep[4096] = {0};
  for (int i = 0; i < 60; i++) strcat(deep, "../");
  strcat(deep, "etc/passwd");
  probe_open("../ x60 etc/passwd", sb, deep, FOLLOW);
  __wasi_filestat_t st;
  probe("filestat ../secret.txt", __wasi_path_filestat_get(sb, FOLLOW, "../secret.txt", &st));
}

static void absolute(void) {
  probe_open("/etc/passwd", sb, "/etc/passwd", FOLLOW);
  probe_open("//etc/passwd", sb, "//etc/passwd", FOLLOW);
  probe_open("host path of secret", sb, host_path("secret.txt"), FOLLOW);
  probe_open("host path of outside/file.txt", sb, host_path("outside/file.txt"), FOLLOW);
  probe_open_raw("open / as directory", sb, "/", 1, 0, __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR);
  probe("mkdir at an absolute host path", __wasi_path_create_directory(sb, host_path("made_by_guest")));
}

static void symlink_absolute(void) {
  probe_open("pre_abs (host symlink to secret)", sb, "pre_abs", FOLLOW);
  probe_open("pre_abs_dir/file.txt", sb, "pre_abs_dir/file.txt", FOLLOW);
  probe_open_raw("pre_abs_dir as directory", sb, "pre_abs_dir", 11, FOLLOW, __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR);
  __wasi_filestat_t st;
  probe("filestat pre_abs (follow)", __wasi_path_filestat_get(sb, FOLLOW, "pre_abs", &st));
  // A guest-made symlink holding an absolute host path: making it may be
  // refused or allowed (it is only a string), following it must fail.
  int made = __wasi_path_symlink(host_path("secret.txt"), sb, "mine_abs");
  printf("info symlink to absolute host path: %s\n", wasi_errname(made));
  probe_open("mine_abs", sb, "mine_abs", FOLLOW);
  made = __wasi_path_symlink("/etc", sb, "mine_etc");
  printf("info symlink to /etc: %s\n", wasi_errname(made));
  probe_open("mine_etc/passwd", sb, "mine_etc/passwd", FOLLOW);
}

static void symlink_relative(void) {
  probe_open("pre_rel (-> ../secret.txt)", sb, "pre_rel", FOLLOW);
  probe_open("pre_rel_dir/file.txt", sb, "pre_rel_dir/file.txt", FOLLOW);
  probe_open("sub/pre_rel2 (-> ../../outside/file.txt)", sb, "sub/pre_rel2", FOLLOW);
  int made = __wasi_path_symlink("../../secret.txt", sb, "sub/mine_rel");
  printf("info symlink sub/mine_rel -> ../../secret.txt: %s\n", wasi_errname(made));
  probe_open("sub/mine_rel", sb, "sub/mine_rel", FOLLOW);
  made = __wasi_path_symlink("sub/../../outside", sb, "mine_rel_dir");
  printf("info symlink mine_rel_dir -> sub/../../outside: %s\n", wasi_errname(made));
  probe_open("mine_rel_dir/file.txt", sb, "mine_rel_dir/file.txt", FOLLOW);
  // A link that climbs out and back in names an inside file but its
  // intermediate path is outside: either answer is safe, none may leak.
  made = __wasi_path_symlink("../sandbox/inside.txt", sb, "out_and_in");
  printf("info symlink out_and_in -> ../sandbox/inside.txt: %s\n", wasi_errname(made));
  int fd;
  int err = open_file(sb, "out_and_in", 0, RIGHTS_READ, &fd);
  printf("info open out_and_in: %s\n", wasi_errname(err));
  if (!err) __wasi_fd_close(fd);
  // Symlinks that stay inside keep working.
  control("symlink sub/in -> ../inside.txt", __wasi_path_symlink("../inside.txt", sb, "sub/in"));
  err = open_file(sb, "sub/in", 0, RIGHTS_READ, &fd);
  control("open sub/in", err);
  if (!err) __wasi_fd_close(fd);
}

static void symlink_loops(void) {
  control("symlink loop1 -> loop2", __wasi_path_symlink("loop2", sb, "loop1"));
  control("symlink loop2 -> loop1", __wasi_path_symlink("loop1", sb, "loop2"));
  control("symlink self -> self", __wasi_path_symlink("self", sb, "self"));
  control("symlink dirloop -> dirloop/x", __wasi_path_symlink("dirloop/x", sb, "dirloop"));
  probe_open("loop1 <-> loop2", sb, "loop1", FOLLOW);
  probe_open("self -> self", sb, "self", FOLLOW);
  probe_open("dirloop -> dirloop/x", sb, "dirloop", FOLLOW);
  probe_open("loop1/file through a loop", sb, "loop1/file", FOLLOW);
  // A long chain of links ending inside: resolving it or refusing with
  // ELOOP are both fine; it must end.
  char name[32], target[32];
  int made = 0;
  for (int i = 0; i < 100; i++) {
    snprintf(name, sizeof name, "chain%d", i);
    if (i == 99)
      snprintf(target, sizeof target, "inside.txt");
    else
      snprintf(target, sizeof target, "chain%d", i + 1);
    made |= __wasi_path_symlink(target, sb, name);
  }
  control("make a 100-link chain", made);
  int fd;
  int err = open_file(sb, "chain0", 0, RIGHTS_READ, &fd);
  printf("info 100-link chain: %s\n", wasi_errname(err));
  // A directory link to "." repeated 200 times stays inside.
  control("symlink here -> .", __wasi_path_symlink(".", sb, "here"));
  char path[1024] = {0};
  for (int i = 0; i < 200; i++) strcat(path, "here/");
  strcat(path, "inside.txt");
  err = open_file(sb, path, 0, RIGHTS_READ, &fd);
  printf("info here/ x200 inside.txt: %s\n", wasi_errname(err));
}

static void hard_links(void) {
  probe("link ../secret.txt -> hl1", __wasi_path_link(sb, 0, "../secret.txt", sb, "hl1"));
  probe("link sub/../../secret.txt -> hl2", __wasi_path_link(sb, 0, "sub/../../secret.txt", sb, "hl2"));
  probe("link host path -> hl3", __wasi_path_link(sb, 0, host_path("secret.txt"), sb, "hl3"));
  probe("link pre_abs (follow) -> hl4", __wasi_path_link(sb, FOLLOW, "pre_abs", sb, "hl4"));
  probe("link pre_rel (follow) -> hl5", __wasi_path_link(sb, FOLLOW, "pre_rel", sb, "hl5"));
  probe("link pre_rel_dir/file.txt -> hl6", __wasi_path_link(sb, 0, "pre_rel_dir/file.txt", sb, "hl6"));
  probe("link inside.txt -> ../planted", __wasi_path_link(sb, 0, "inside.txt", sb, "../planted"));
  probe("link inside.txt -> pre_rel_dir/planted", __wasi_path_link(sb, 0, "inside.txt", sb, "pre_rel_dir/planted"));
  // Linking the symlink itself (no follow) is allowed or not; reading
  // through the new name must still not reach the secret.
  int made = __wasi_path_link(sb, 0, "pre_rel", sb, "hl_of_symlink");
  printf("info link of the symlink pre_rel itself: %s\n", wasi_errname(made));
  probe_open("open hl_of_symlink", sb, "hl_of_symlink", FOLLOW);
  control("link inside.txt -> inside2.txt", __wasi_path_link(sb, 0, "inside.txt", sb, "inside2.txt"));
}

static void renames(void) {
  control("mkdir movable", __wasi_path_create_directory(sb, "movable"));
  probe("rename movable -> ../moved", __wasi_path_rename(sb, "movable", sb, "../moved"));
  probe("rename movable -> host path", __wasi_path_rename(sb, "movable", sb, host_path("moved")));
  probe("rename movable -> pre_rel_dir/moved", __wasi_path_rename(sb, "movable", sb, "pre_rel_dir/moved"));
  probe("rename movable -> pre_abs_dir/moved", __wasi_path_rename(sb, "movable", sb, "pre_abs_dir/moved"));
  probe("rename ../secret.txt -> stolen", __wasi_path_rename(sb, "../secret.txt", sb, "stolen"));
  probe("rename pre_rel_dir/file.txt -> stolen", __wasi_path_rename(sb, "pre_rel_dir/file.txt", sb, "stolen"));
  probe("rename ../outside -> stolen_dir", __wasi_path_rename(sb, "../outside", sb, "stolen_dir"));
  probe("rename inside.txt over ../secret.txt", __wasi_path_rename(sb, "inside.txt", sb, "../secret.txt"));
  control("rename movable -> sub/moved", __wasi_path_rename(sb, "movable", sb, "sub/moved"));
  // Renaming the host-made symlink moves the link, not its target.
  control("rename pre_rel_dir -> sub/link_moved", __wasi_path_rename(sb, "pre_rel_dir", sb, "sub/link_moved"));
  probe_open("sub/link_moved/file.txt", sb, "sub/link_moved/file.txt", FOLLOW);
}

static void modify_outside(void) {
  probe("unlink ../secret.txt", __wasi_path_unlink_file(sb, "../secret.txt"));
  probe("unlink pre_rel_dir/file.txt", __wasi_path_unlink_file(sb, "pre_rel_dir/file.txt"));
  probe("unlink pre_abs_dir/file.txt", __wasi_path_unlink_file(sb, "pre_abs_dir/file.txt"));
  probe("rmdir ../outside/subdir", __wasi_path_remove_directory(sb, "../outside/subdir"));
  probe("rmdir pre_rel_dir/emptydir", __wasi_path_remove_directory(sb, "pre_rel_dir/emptydir"));
  probe("rmdir ../outside/emptydir", __wasi_path_remove_directory(sb, "../outside/emptydir"));
  probe("mkdir ../newdir", __wasi_path_create_directory(sb, "../newdir"));
  probe("mkdir pre_abs_dir/newdir", __wasi_path_create_directory(sb, "pre_abs_dir/newdir"));
  probe("symlink at ../newlink", __wasi_path_symlink("inside.txt", sb, "../newlink"));
  probe_open_raw("create ../created.txt", sb, "../created.txt", 14, FOLLOW,
                 __WASI_OFLAGS_CREAT, RIGHTS_READ | RIGHTS_WRITE);
  probe_open_raw("create pre_rel_dir/created.txt", sb, "pre_rel_dir/created.txt", 23, FOLLOW,
                 __WASI_OFLAGS_CREAT, RIGHTS_READ | RIGHTS_WRITE);
  probe_open_raw("truncate ../secret.txt", sb, "../secret.txt", 13, FOLLOW,
                 __WASI_OFLAGS_TRUNC, RIGHTS_READ | RIGHTS_WRITE);
  probe_open_raw("truncate through pre_abs", sb, "pre_abs", 7, FOLLOW,
                 __WASI_OFLAGS_TRUNC, RIGHTS_READ | RIGHTS_WRITE);
  probe("set times ../secret.txt",
        __wasi_path_filestat_set_times(sb, FOLLOW, "../secret.txt", 1, 1,
                                       __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  probe("set times through pre_rel",
        __wasi_path_filestat_set_times(sb, FOLLOW, "pre_rel", 1, 1,
                                       __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  // Removing the host-made symlink itself is fine: it lives inside.
  control("unlink the symlink pre_abs", __wasi_path_unlink_file(sb, "pre_abs"));
}

// Writes `piece` `count` times then `tail` into out (linear time: the
// interpreter under sanitizers is slow enough for strcat's O(n^2) to show).
static char* repeat(char* out, const char* piece, int count, const char* tail) {
  size_t len = strlen(piece);
  char* end = out;
  for (int i = 0; i < count; i++, end += len) memcpy(end, piece, len);
  strcpy(end, tail);
  return out;
}

static void long_paths(void) {
  static char path[70000];
  memset(path, 'a', 5000);
  path[5000] = '\0';
  probe_open("5000-byte name", sb, path, FOLLOW);
  probe("mkdir 5000-byte name", __wasi_path_create_directory(sb, path));
  probe_open("../ x2000 secret.txt", sb, repeat(path, "../", 2000, "secret.txt"), FOLLOW);
  probe_open("(sub/../) x3000 ../secret.txt", sb, repeat(path, "sub/../", 3000, "../secret.txt"), FOLLOW);
  // Just under and just over PATH_MAX (4096): both must end cleanly.
  probe_open("(sub/../) x583 ../secret.txt (4094 bytes)", sb, repeat(path, "sub/../", 583, "../secret.txt"), FOLLOW);
  probe_open("(./) x2100 ../secret.txt (4213 bytes)", sb, repeat(path, "./", 2100, "../secret.txt"), FOLLOW);
  memset(path, '/', 65536);
  path[65536] = '\0';
  probe_open("65536 slashes", sb, path, FOLLOW);
  // A legal deep tree: 100 nested directories, then a file at the bottom.
  char nested[1024] = "n";
  int ok = 1;
  for (int i = 0; i < 100 && ok; i++) {
    ok = __wasi_path_create_directory(sb, nested) == 0;
    strcat(nested, "/n");
  }
  control("mkdir 100 nested directories", ok ? 0 : __WASI_ERRNO_INVAL);
  nested[strlen(nested) - 1] = 'f';
  int fd;
  int err = open_file(sb, nested, __WASI_OFLAGS_CREAT, RIGHTS_READ | RIGHTS_WRITE, &fd);
  control("create a file 100 directories deep", err);
  if (!err) __wasi_fd_close(fd);
}

static void nul_paths(void) {
  static const char a[] = "inside.txt\0../secret.txt";
  static const char b[] = "../secret.txt\0inside.txt";
  static const char c[] = "sub\0/../../secret.txt";
  // A path is its full length: a NUL inside must be refused, never cut short.
  probe_open_raw("inside.txt NUL ../secret.txt", sb, a, sizeof a - 1, FOLLOW, 0, RIGHTS_READ);
  probe_open_raw("../secret.txt NUL inside.txt", sb, b, sizeof b - 1, FOLLOW, 0, RIGHTS_READ);
  probe_open_raw("sub NUL /../../secret.txt", sb, c, sizeof c - 1, FOLLOW, 0, RIGHTS_READ);
  probe("mkdir with a NUL", raw_path_create_directory(sb, "new\0dir", 7));
  probe("symlink target with a NUL", raw_path_symlink("inside.txt\0../x", 15, sb, "nul_link", 8));
  static const char d[] = "inside.txt";
  control("the same call without a NUL", 0);
  int32_t fd;
  control("raw open inside.txt", raw_path_open(sb, FOLLOW, d, 10, 0, RIGHTS_READ, RIGHTS_READ, 0, &fd));
}

static void bad_pointers(void) {
  int32_t fd;
  // Out-of-bounds guest pointers are the guest's fault: an errno (EFAULT)
  // or a trap are both acceptable; reading host memory is not.
  int err = raw_path_open(sb, FOLLOW, (const char*)0xFFFFFFF0u, 100, 0, RIGHTS_READ, RIGHTS_READ, 0, &fd);
  probe("path pointer past the end of memory", err);
  err = raw_path_open(sb, FOLLOW, "inside.txt", -1, 0, RIGHTS_READ, RIGHTS_READ, 0, &fd);
  probe("path length 0xffffffff", err);
  err = raw_path_open(sb, FOLLOW, "inside.txt", 10, 0, RIGHTS_READ, RIGHTS_READ, 0, (int32_t*)0xFFFFFFFEu);
  probe("result pointer past the end of memory", err);
  __wasi_ciovec_t iov = {(const uint8_t*)0xFFFFFF00u, 0x1000};
  __wasi_size_t n;
  probe("fd_write from outside memory", __wasi_fd_write(1, &iov, 1, &n));
}

int main(int argc, char** argv) {
  if (argc < 3) return 100;
  host_root = argv[2];
  sb = preopen_fd("/sandbox");
  if (sb < 0) {
    printf("control find /sandbox: FAILED (no preopen)\n");
    return 101;
  }
  controls();
  const char* group = argv[1];
  if (!strcmp(group, "dotdot")) dotdot();
  else if (!strcmp(group, "absolute")) absolute();
  else if (!strcmp(group, "symlink_absolute")) symlink_absolute();
  else if (!strcmp(group, "symlink_relative")) symlink_relative();
  else if (!strcmp(group, "symlink_loops")) symlink_loops();
  else if (!strcmp(group, "hard_links")) hard_links();
  else if (!strcmp(group, "renames")) renames();
  else if (!strcmp(group, "modify_outside")) modify_outside();
  else if (!strcmp(group, "long_paths")) long_paths();
  else if (!strcmp(group, "nul_paths")) nul_paths();
  else if (!strcmp(group, "bad_pointers")) bad_pointers();
  else return 102;
  printf("done\n");
  return 0;
}
