/* __wasm_call_dtors, which wasm-ld calls after each export of a command
 * returns (see threads.mk): the process's exit cleanup belongs to the main
 * thread. After wasi_thread_start returns, the thread's block (stack and
 * TLS) may already be freed, so the test reads no TLS and no stack: only
 * the __tls_base global and a static word. */
#include "thread.h"

void __warden_process_cleanup(void);

hidden void *__warden_main_tls_base;

void __wasm_call_dtors(void)
{
	if (!__warden_main_tls_base || __builtin_wasm_tls_base() == __warden_main_tls_base)
		__warden_process_cleanup();
}
