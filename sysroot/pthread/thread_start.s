# wasi_thread_start(tid, start_arg): the entry the host calls in a new
# instance of the module, on a new thread. The instance's globals are fresh:
# __stack_pointer still holds the main thread's stack top and __tls_base the
# main thread's TLS, so both must be replaced before any C code runs, which
# is why this is assembly. start_arg points at a struct warden_start
# (thread.h): the new stack top at offset 0, the TLS block at offset 4.
#
# After the C side (__warden_thread_main, start.c) returns, nothing here
# touches the stack: the thread's last memory access is the store of 1 to
# its done word, after which its joiner (or the reaper) may free the block
# holding its stack and TLS.

	.globaltype __stack_pointer, i32
	.functype __wasm_init_tls (i32) -> ()
	.functype __warden_thread_main (i32, i32) -> (i32)

	.section .text.wasi_thread_start,"",@
	.globl wasi_thread_start
	.export_name wasi_thread_start, wasi_thread_start
	.type wasi_thread_start,@function
wasi_thread_start:
	.functype wasi_thread_start (i32, i32) -> ()
	.local i32
	local.get 1
	i32.load 0
	global.set __stack_pointer
	local.get 1
	i32.load 4
	call __wasm_init_tls
	local.get 0
	local.get 1
	call __warden_thread_main
	local.tee 2
	i32.const 1
	i32.atomic.store 0
	local.get 2
	i32.const -1
	memory.atomic.notify 0
	drop
	end_function
