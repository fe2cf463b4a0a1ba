/* pthread_join and its timed and non-blocking forms: wait for the thread's
 * done word (set once it no longer touches its memory), then free it. */
#include <limits.h>
#include <time.h>
#include "thread.h"

static int join(pthread_t th, void **res, const struct timespec *at, int try)
{
	if (th == __pthread_self()) return EDEADLK;
	/* The main thread has no block to wait on. */
	if (th == &__warden_main_thread) return EINVAL;
	if (th->detach_state == DT_DETACHED) return EINVAL;
	struct warden_thread *t = (struct warden_thread *)th;
	while (!a_cas(&t->done, 1, 1)) {
		if (try) return EBUSY;
		int r = __timedwait_cp(&t->done, 0, CLOCK_REALTIME, at, 1);
		if (r == ETIMEDOUT || r == EINVAL) return r;
	}
	if (res) *res = t->pt.result;
	free(t->block);
	return 0;
}

int pthread_join(pthread_t th, void **res) { return join(th, res, 0, 0); }

int pthread_timedjoin_np(pthread_t th, void **res, const struct timespec *at)
{
	return join(th, res, at, 0);
}

int pthread_tryjoin_np(pthread_t th, void **res) { return join(th, res, 0, 1); }
