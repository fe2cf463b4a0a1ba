/* The thread pointer for musl's pthread_impl.h. Wasm has no thread
 * register; every instance (one per thread) has its own __tls_base, so a
 * _Thread_local variable is per thread. It points at the thread's
 * struct pthread: the main thread's is static (pthread/self.c), a new
 * thread's is set by wasi_thread_start before its start routine runs.
 * (pthread_impl.h renames struct pthread to struct __pthread after
 * including this file, hence the spelled-out name.) */
#include <stdint.h>

extern _Thread_local struct __pthread *__warden_thread_self;

static inline uintptr_t __get_tp(void)
{
	return (uintptr_t)__warden_thread_self;
}

#define TP_ADJ(p) (p)
#define tls_mod_off_t unsigned long long
