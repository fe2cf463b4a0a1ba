/* WASI has no system calls. musl's thread code asks for the futex,
 * through __syscall(SYS_futex, ...) and __syscall_cp(...); it goes to
 * __warden_futex (pthread/futex.c: memory.atomic.wait32/notify). Every other
 * number (sysconf's sched_getaffinity; the robust-list calls, so robust
 * mutexes are refused) answers -ENOSYS (WASI's value, as <errno.h> has it for every
 * caller), which the callers handle. */

#define SYS_futex 240
#define SYS_sched_getaffinity 241
#define SYS_set_robust_list 242
#define SYS_get_robust_list 243

long __warden_futex(volatile int *addr, int op, int val, const void *timeout);

static inline long __warden_syscall(long n, long a, long b, long c, long d)
{
	if (n == SYS_futex) return __warden_futex((volatile int *)a, (int)b, (int)c, (const void *)d);
	return -ENOSYS;
}

static inline long __syscall0(long n) { return __warden_syscall(n, 0, 0, 0, 0); }
static inline long __syscall1(long n, long a) { return __warden_syscall(n, a, 0, 0, 0); }
static inline long __syscall2(long n, long a, long b) { return __warden_syscall(n, a, b, 0, 0); }
static inline long __syscall3(long n, long a, long b, long c) { return __warden_syscall(n, a, b, c, 0); }
static inline long __syscall4(long n, long a, long b, long c, long d) { return __warden_syscall(n, a, b, c, d); }
static inline long __syscall5(long n, long a, long b, long c, long d, long e) { return __warden_syscall(n, a, b, c, d); }
static inline long __syscall6(long n, long a, long b, long c, long d, long e, long f) { return __warden_syscall(n, a, b, c, d); }
