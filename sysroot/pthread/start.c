/* The C side of a new thread, called by wasi_thread_start once the stack
 * pointer and TLS are this thread's own. */
#include <stddef.h>
#include "thread.h"

hidden volatile int *__warden_thread_main(int tid, struct warden_start *start)
{
	struct warden_thread *t = (struct warden_thread *)
		((char *)start - offsetof(struct warden_thread, start));
	/* First: until now pthread_self() named the main thread (the TLS
	 * image's initial value). */
	__warden_thread_self = &t->pt;
	/* The thread writes its own id: its creator must not touch the block
	 * once the host runs the thread (a detached thread may already be
	 * gone and its block freed by then). */
	a_store(&t->pt.tid, tid);
	__warden_thread_finish(t, t->routine(t->arg));
	/* thread_start.s marks the block done on the way out. */
	return &t->done;
}
