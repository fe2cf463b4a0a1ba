/* The futex that musl's locks, condition variables, barriers and
 * semaphores are written against, on Wasm's wait/notify instructions.
 * Reached through __syscall(SYS_futex, ...) (overlay/syscall_arch.h).
 * Private and clock flags do not matter here: there is one process, and
 * the timeout musl passes is already relative. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <time.h>

#define WAIT 0
#define WAKE 1
#define REQUEUE 3
#define CMP_REQUEUE 4
#define COMMAND_MASK 127

long __warden_futex(volatile int *addr, int op, int val, const void *timeout)
{
	switch (op & COMMAND_MASK) {
	case WAIT: {
		int64_t ns = -1; /* no timeout */
		if (timeout) {
			const struct timespec *ts = timeout;
			if (ts->tv_sec < 0) return -ETIMEDOUT;
			/* About 292 years fit in int64 nanoseconds; clamp beyond. */
			ns = ts->tv_sec > INT64_MAX / 1000000000 - 1
				? INT64_MAX
				: (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
		}
		switch (__builtin_wasm_memory_atomic_wait32((int *)addr, val, ns)) {
		case 0: return 0;          /* woken */
		case 1: return -EAGAIN;    /* *addr was not val */
		default: return -ETIMEDOUT;
		}
	}
	case WAKE:
		return __builtin_wasm_memory_atomic_notify((int *)addr, val < 0 ? UINT32_MAX : (unsigned)val);
	case REQUEUE:
	case CMP_REQUEUE:
		/* No requeue in Wasm: waking everyone is correct (waiters
		 * recheck their condition), only less efficient. */
		return __builtin_wasm_memory_atomic_notify((int *)addr, UINT32_MAX);
	default:
		return -ENOSYS;
	}
}
