/* The thread pointer and the main thread.
 *
 * __warden_thread_self is _Thread_local: each instance (thread) has its own
 * TLS block, so musl's __pthread_self() (overlay/pthread_arch.h) is a
 * load from TLS. Its initial value, in the TLS image every thread starts
 * from, is the main thread's header; wasi_thread_start replaces it in a new
 * thread before the start routine runs. The main thread therefore has a
 * valid pthread_self() from the first instruction, with no setup call. */
#include "thread.h"

hidden void *__warden_main_tsd[PTHREAD_KEYS_MAX];

hidden struct pthread __warden_main_thread = {
	.self = &__warden_main_thread,
	.tid = WARDEN_MAIN_TID,
	.detach_state = DT_JOINABLE,
	.locale = &libc.global_locale,
	.robust_list.head = &__warden_main_thread.robust_list.head,
	.tsd = __warden_main_tsd,
	/* The main thread's list links: a ring of one until threads start. */
	.prev = &__warden_main_thread,
	.next = &__warden_main_thread,
};

_Thread_local struct pthread *__warden_thread_self = &__warden_main_thread;

hidden volatile int __warden_thread_list_lock[1];

void __warden_thread_list_add(struct pthread *t)
{
	LOCK(__warden_thread_list_lock);
	struct pthread *main = &__warden_main_thread;
	t->next = main;
	t->prev = main->prev;
	main->prev->next = t;
	main->prev = t;
	UNLOCK(__warden_thread_list_lock);
}

void __warden_thread_list_remove(struct pthread *t)
{
	LOCK(__warden_thread_list_lock);
	t->prev->next = t->next;
	t->next->prev = t->prev;
	t->next = t->prev = t;
	UNLOCK(__warden_thread_list_lock);
}
