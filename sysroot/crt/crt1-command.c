/* The entry of a command module (replaces the source's crt1-command.c).
 *
 * It calls the constructors and the exit cleanup itself. When no object
 * calls __wasm_call_ctors, wasm-ld instead wraps every export of a command
 * in a function that runs the constructors before it and
 * __wasm_call_dtors after it -- wasi_thread_start included, so every new
 * thread would run the constructors again, on the stack pointer its
 * instance starts with, which is the main thread's stack top: it
 * overwrote the main thread's frames and re-registered the preopens
 * while other threads read them. Calling them here leaves the exports
 * unwrapped. */
#include <stdlib.h>

extern void __wasm_call_ctors(void);
extern int __original_main(void);
extern void __wasm_call_dtors(void);

__attribute__((export_name("_start")))
void _start(void)
{
	__wasm_call_ctors();
	/* __original_main: the program's main without arguments, or libc's
	 * routine that gathers them and calls main(argc, argv). */
	int r = __original_main();
	/* exit runs the cleanup (atexit handlers, stdio flush) itself. */
	if (r != 0) exit(r);
	__wasm_call_dtors();
}
