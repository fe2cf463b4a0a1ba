/* A thread's end: after its start routine returns, or in pthread_exit. */
#include <limits.h>
#include "thread.h"

void __warden_thread_finish(struct warden_thread *t, void *result)
{
	__pthread_tsd_run_dtors();
	t->pt.result = result;
	__warden_thread_list_remove(&t->pt);
	/* The main thread's pthread_exit waits for this count to reach 0. */
	if (a_fetch_add(&libc.threads_minus_1, -1) == 1)
		__builtin_wasm_memory_atomic_notify((int *)&libc.threads_minus_1, UINT32_MAX);
	/* Joinable: the joiner frees the block once done is set. Detached:
	 * nobody will join, so the block goes to the reaper. */
	if (a_cas(&t->pt.detach_state, DT_JOINABLE, DT_EXITING) == DT_DETACHED)
		__warden_reap_later(t);
}

static volatile int never_changes;

_Noreturn void pthread_exit(void *result)
{
	struct pthread *self = __pthread_self();
	if (self == &__warden_main_thread) {
		/* The process lives on while other threads run; when the last
		 * one is gone it exits with status 0, as POSIX asks. */
		__pthread_tsd_run_dtors();
		int n;
		while ((n = libc.threads_minus_1) > 0)
			__builtin_wasm_memory_atomic_wait32((int *)&libc.threads_minus_1, n, -1);
		exit(0);
	}
	struct warden_thread *t = (struct warden_thread *)self;
	__warden_thread_finish(t, result);
	/* wasi-threads has no way to end a thread other than returning from
	 * wasi_thread_start, and without exception handling there is no
	 * unwinding back to it. So the thread hands its memory over (done)
	 * and parks for good, touching only a static word; the host ends it
	 * with the sandbox. */
	a_store(&t->done, 1);
	__builtin_wasm_memory_atomic_notify((int *)&t->done, UINT32_MAX);
	for (;;)
		__builtin_wasm_memory_atomic_wait32((int *)&never_changes, 0, -1);
}
