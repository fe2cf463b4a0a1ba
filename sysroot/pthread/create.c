/* pthread_create on wasi-threads' thread-spawn: one allocation holds the
 * thread's header, key values, TLS block and stack (thread.h); the host
 * runs wasi_thread_start(tid, &header->start) in a new instance. */
#include <stdint.h>
#include <string.h>
#include "thread.h"
#include "stdio_impl.h"

int32_t __warden_thread_spawn(int32_t start_arg)
	__attribute__((import_module("wasi"), import_name("thread-spawn")));

/* Referenced so that linking pthread_create brings the exported entry
 * along; the host finds it by its export name. */
void wasi_thread_start(int tid, void *start_arg);
__attribute__((used)) static void (*const keep_entry)(int, void *) = wasi_thread_start;

static size_t align_up(size_t n, size_t a) { return (n + a - 1) & -a; }

/* Before the first thread: locks start to matter. Files musl created
 * unlocked (lock -1: the single-threaded fast path) get real locks; files
 * opened later get them from __fdopen/fopen (libc.threaded). Only the main
 * thread can get here while nothing else runs. */
static void become_threaded(void)
{
	if (libc.threaded) return;
	for (FILE *f = *__ofl_lock(); f; f = f->next)
		if (f->lock < 0) f->lock = 0;
	__ofl_unlock();
	FILE *std[] = { __stdin_used, __stdout_used, __stderr_used };
	for (size_t i = 0; i < sizeof std / sizeof *std; i++)
		if (std[i] && std[i]->lock < 0) std[i]->lock = 0;
	libc.threaded = 1;
	libc.need_locks = 1;
}

int pthread_create(pthread_t *restrict res, const pthread_attr_t *restrict attrp,
                   void *(*routine)(void *), void *restrict arg)
{
	pthread_attr_t attr = { 0 };
	if (attrp && attrp != __ATTRP_C11_THREAD) attr = *attrp;
	size_t tls_size = __builtin_wasm_tls_size();
	size_t tls_align = __builtin_wasm_tls_align();
	if (tls_align < 16) tls_align = 16;
	size_t stack_size = attr._a_stackaddr ? 0
		: align_up(attr._a_stacksize ? attr._a_stacksize : __default_stacksize, 16);

	size_t tsd_at = align_up(sizeof(struct warden_thread), sizeof(void *));
	size_t tls_at = align_up(tsd_at + PTHREAD_KEYS_MAX * sizeof(void *), tls_align);
	size_t stack_at = align_up(tls_at + tls_size, 16);
	size_t total = stack_at + stack_size;
	/* malloc's alignment (16) may be below the TLS alignment. */
	unsigned char *block = malloc(total + tls_align);
	if (!block) return EAGAIN;
	unsigned char *base = (unsigned char *)align_up((uintptr_t)block, tls_align);
	/* Header, key values and TLS start zeroed (__wasm_init_tls copies the
	 * initialised part of the TLS image; zeroing makes the rest certain). */
	memset(base, 0, stack_at);

	struct warden_thread *t = (struct warden_thread *)base;
	t->block = block;
	t->routine = routine;
	t->arg = arg;
	t->pt.self = &t->pt;
	t->pt.detach_state = attr._a_detach ? DT_DETACHED : DT_JOINABLE;
	t->pt.locale = &libc.global_locale;
	t->pt.robust_list.head = &t->pt.robust_list.head;
	t->pt.tsd = (void **)(base + tsd_at);
	if (attr._a_stackaddr) {
		/* musl's attribute records the top of a caller-given stack. */
		t->pt.stack = (void *)(attr._a_stackaddr & -(uintptr_t)16);
		t->pt.stack_size = attr._a_stacksize;
	} else {
		t->pt.stack = base + total;
		t->pt.stack_size = stack_size;
	}
	t->start.stack_top = t->pt.stack;
	t->start.tls_block = base + tls_at;

	become_threaded();
	__warden_reap();
	__warden_thread_list_add(&t->pt);
	a_inc(&libc.threads_minus_1);
	int tid = __warden_thread_spawn((int32_t)(uintptr_t)&t->start);
	if (tid < 0) {
		/* The host refused (its thread limit, or no resources). */
		__warden_thread_list_remove(&t->pt);
		a_dec(&libc.threads_minus_1);
		free(block);
		return EAGAIN;
	}
	*res = &t->pt;
	return 0;
}
