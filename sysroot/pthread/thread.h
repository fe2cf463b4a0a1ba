/* The thread layer's private view of a thread (not installed).
 *
 * One allocation per created thread holds, in order: this header (musl's
 * struct pthread first, so a pthread_t is its address), the thread's
 * key values, its TLS block and, unless the caller gave one, its stack.
 * The main thread's header is static (self.c). */
#ifndef WARDEN_PTHREAD_THREAD_H
#define WARDEN_PTHREAD_THREAD_H

#include "pthread_impl.h"
#include "lock.h"

/* wasi-threads gives spawned threads ids 1 .. 2^29-1; the main thread takes
 * the first value past them. musl's mutexes store an owner's id in the low
 * 30 bits of a lock word, so every id must stay below 2^30. */
#define WARDEN_MAIN_TID 0x20000000

/* What wasi_thread_start (thread_start.s) reads before any C code runs:
 * the layout is fixed, the assembly loads the first two words. */
struct warden_start {
	void *stack_top;   /* offset 0: the new __stack_pointer */
	void *tls_block;   /* offset 4: handed to __wasm_init_tls */
};

struct warden_thread {
	struct pthread pt;            /* musl's view; must stay first */
	struct warden_start start;
	void *(*routine)(void *);
	void *arg;
	/* 0 while the thread may still touch its memory, 1 once it never
	 * will: set by thread_start.s after the C side returned, or just
	 * before a thread parks for good in pthread_exit. The joiner (or the
	 * reaper, for a detached thread) frees the block only after that. */
	volatile int done;
	struct warden_thread *next_dead; /* reap.c's list */
	void *block;                  /* the allocation to free */
};

static inline struct warden_thread *warden_thread_of(pthread_t t)
{
	return (struct warden_thread *)t;
}

/* The main thread's header (self.c). */
extern hidden struct pthread __warden_main_thread;

/* The list of live threads (for key deletion), and its lock (self.c). */
extern hidden volatile int __warden_thread_list_lock[1];
hidden void __warden_thread_list_add(struct pthread *);
hidden void __warden_thread_list_remove(struct pthread *);


/* Key values: run the destructors of the calling thread (key.c). */
hidden void __pthread_tsd_run_dtors(void);

/* Blocks of exited detached threads, freed once done (reap.c). */
hidden void __warden_reap_later(struct warden_thread *);
hidden void __warden_reap(void);

/* Exit work shared by a return from the start routine and pthread_exit
 * (exit.c); returns 1 when the thread's block is the joiner's to free. */
hidden void __warden_thread_finish(struct warden_thread *, void *result);

#endif
