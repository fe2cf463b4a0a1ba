/* Force-included (-include) when cross-compiling SQLite 3.40 for wasm32-wasi.
 *
 * SQLite gained WASI support only in 3.41; 3.40's unix VFS refers to POSIX
 * advisory locks and ownership calls that wasi-libc does not declare. The
 * recipe selects the "unix-none" VFS (no locking), so these are only needed
 * to compile: the lock constants are never passed to a real fcntl, and the
 * ownership/permission calls have nothing to act on inside the sandbox. */
#ifndef WARDEN_SQLITE_WASI_COMPAT_H
#define WARDEN_SQLITE_WASI_COMPAT_H

#include <sys/types.h>

#ifndef F_RDLCK
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#endif
#ifndef F_GETLK
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#endif

/* Permissions and owners do not exist for WASI files: report success. */
static inline int warden_fchmod(int fd, mode_t mode) { (void)fd; (void)mode; return 0; }
static inline int warden_fchown(int fd, uid_t uid, gid_t gid) { (void)fd; (void)uid; (void)gid; return 0; }
static inline uid_t warden_geteuid(void) { return 0; }
#define fchmod warden_fchmod
#define fchown warden_fchown
#define geteuid warden_geteuid

#endif
