/* Thread-specific data (pthread_key_*). Each thread has PTHREAD_KEYS_MAX
 * value slots (the main thread's are static, self.c; others' are in their
 * block); a key is a slot index, in use while it has a destructor. */
#include "thread.h"

static void no_destructor(void *value) { (void)value; }

static void (*volatile destructors[PTHREAD_KEYS_MAX])(void *);
static volatile int keys_lock[1];

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
	if (!destructor) destructor = no_destructor;
	LOCK(keys_lock);
	for (unsigned i = 0; i < PTHREAD_KEYS_MAX; i++) {
		if (!destructors[i]) {
			destructors[i] = destructor;
			UNLOCK(keys_lock);
			*key = i;
			return 0;
		}
	}
	UNLOCK(keys_lock);
	return EAGAIN;
}

int pthread_key_delete(pthread_key_t key)
{
	if (key >= PTHREAD_KEYS_MAX) return EINVAL;
	/* Clear the slot in every live thread, so a key created later in the
	 * same slot starts out NULL everywhere. */
	LOCK(__warden_thread_list_lock);
	struct pthread *t = &__warden_main_thread;
	do {
		t->tsd[key] = 0;
		t = t->next;
	} while (t != &__warden_main_thread);
	UNLOCK(__warden_thread_list_lock);
	LOCK(keys_lock);
	destructors[key] = 0;
	UNLOCK(keys_lock);
	return 0;
}

void *pthread_getspecific(pthread_key_t key)
{
	return __pthread_self()->tsd[key];
}

int pthread_setspecific(pthread_key_t key, const void *value)
{
	struct pthread *self = __pthread_self();
	if (self->tsd[key] != value) {
		self->tsd[key] = (void *)value;
		self->tsd_used = 1;
	}
	return 0;
}

/* At a thread's exit: call each destructor whose value is non-NULL, with
 * the slot cleared first; repeat while destructors set values again. */
void __pthread_tsd_run_dtors(void)
{
	struct pthread *self = __pthread_self();
	for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS && self->tsd_used; round++) {
		self->tsd_used = 0;
		for (unsigned i = 0; i < PTHREAD_KEYS_MAX; i++) {
			void *value = self->tsd[i];
			void (*destructor)(void *) = destructors[i];
			if (value && destructor && destructor != no_destructor) {
				self->tsd[i] = 0;
				destructor(value);
			}
		}
	}
}
