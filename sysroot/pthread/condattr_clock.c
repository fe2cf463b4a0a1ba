/* The clock of a condition variable attribute. musl keeps it in the low 31
 * bits of the attribute word (the top bit is process-shared) and
 * pthread_cond_init copies it into the condition variable; WASI's
 * clockid_t is a pointer, which fits there in wasm32. 0 = CLOCK_REALTIME
 * (timedwait.c). */
#include <stdint.h>
#include <time.h>
#include "thread.h"

int pthread_condattr_setclock(pthread_condattr_t *a, clockid_t clk)
{
	if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC) return EINVAL;
	uintptr_t bits = clk == CLOCK_REALTIME ? 0 : (uintptr_t)clk;
	if (bits > 0x7fffffff) return EINVAL;
	a->__attr = (a->__attr & 0x80000000) | (unsigned)bits;
	return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t *restrict a, clockid_t *restrict clk)
{
	unsigned bits = a->__attr & 0x7fffffff;
	*clk = bits ? (clockid_t)(uintptr_t)bits : CLOCK_REALTIME;
	return 0;
}
