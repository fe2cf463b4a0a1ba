/* Blocks of detached threads that ended. A thread cannot free the memory
 * it runs on, so it queues its block here; the next pthread_create frees
 * every queued block whose thread has marked it done. */
#include "thread.h"

static volatile int lock[1];
static struct warden_thread *dead;

void __warden_reap_later(struct warden_thread *t)
{
	LOCK(lock);
	t->next_dead = dead;
	dead = t;
	UNLOCK(lock);
}

void __warden_reap(void)
{
	struct warden_thread *gone = 0;
	LOCK(lock);
	for (struct warden_thread **p = &dead; *p;) {
		struct warden_thread *t = *p;
		if (a_cas(&t->done, 1, 1)) {
			*p = t->next_dead;
			t->next_dead = gone;
			gone = t;
		} else {
			p = &t->next_dead;
		}
	}
	UNLOCK(lock);
	while (gone) {
		struct warden_thread *next = gone->next_dead;
		free(gone->block);
		gone = next;
	}
}
