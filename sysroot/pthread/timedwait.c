/* musl's timed futex wait (__timedwait, __timedwait_cp), used by mutexes,
 * condition variables, semaphores and join. Replaces musl's version, which
 * takes clockid_t as an integer (WASI's is a pointer) and routes through
 * cancellation, which this layer does not have. A null clock (a condition
 * variable whose attribute never set one) means CLOCK_REALTIME. */
#include <time.h>
#include "futex.h"
#include "thread.h"

long __warden_futex(volatile int *addr, int op, int val, const void *timeout);

int __timedwait_cp(volatile int *addr, int val, clockid_t clk,
                   const struct timespec *at, int priv)
{
	(void)priv;
	struct timespec left, *leftp = 0;
	if (at) {
		if (at->tv_nsec < 0 || at->tv_nsec >= 1000000000L) return EINVAL;
		struct timespec now;
		if (clock_gettime(clk ? clk : CLOCK_REALTIME, &now)) return EINVAL;
		left.tv_sec = at->tv_sec - now.tv_sec;
		left.tv_nsec = at->tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_sec--;
			left.tv_nsec += 1000000000L;
		}
		if (left.tv_sec < 0) return ETIMEDOUT;
		leftp = &left;
	}
	/* Woken, or *addr had changed: both mean "look again" to the caller. */
	return __warden_futex(addr, FUTEX_WAIT, val, leftp) == -ETIMEDOUT ? ETIMEDOUT : 0;
}

int __timedwait(volatile int *addr, int val, clockid_t clk,
                const struct timespec *at, int priv)
{
	return __timedwait_cp(addr, val, clk, at, priv);
}
