;; Guest threads without a libc: the engine's wasi-threads support and the
;; limits that hold across a sandbox's threads. Each export below is one
;; scenario, run by run_threads.py with `warden run --invoke NAME`.
;; Memory words: [0] counter, [4] threads still running, [8] a word nobody
;; changes (waited on for ever), [12] pages a thread grew.
;; A thread's start_arg is its job: 1 count, 2 proc_exit(7), 3 trap,
;; 4 spin, 5 wait for ever, 6 grow memory until refused.
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "env" "memory" (memory 1 1000 shared))

  (func $done  ;; this thread's work is over: one fewer running, wake the main thread
    (drop (i32.atomic.rmw.sub (i32.const 4) (i32.const 1)))
    (drop (memory.atomic.notify (i32.const 4) (i32.const 1))))

  (func $wait_all  ;; until [4] is 0
    (local $v i32)
    (block $over
      (loop $again
        (local.set $v (i32.atomic.load (i32.const 4)))
        (br_if $over (i32.eqz (local.get $v)))
        (drop (memory.atomic.wait32 (i32.const 4) (local.get $v) (i64.const -1)))
        (br $again))))

  (func $wait_forever
    (loop $again
      (drop (memory.atomic.wait32 (i32.const 8) (i32.const 0) (i64.const -1)))
      (br $again)))

  (func (export "wasi_thread_start") (param $tid i32) (param $job i32)
    (local $i i32)
    (if (i32.eq (local.get $job) (i32.const 1))
      (then
        (local.set $i (i32.const 10000))
        (loop $add
          (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
          (local.set $i (i32.sub (local.get $i) (i32.const 1)))
          (br_if $add (local.get $i)))
        (call $done)))
    (if (i32.eq (local.get $job) (i32.const 2)) (then (call $exit (i32.const 7))))
    (if (i32.eq (local.get $job) (i32.const 3)) (then unreachable))
    (if (i32.eq (local.get $job) (i32.const 4)) (then (loop $spin (br $spin))))
    (if (i32.eq (local.get $job) (i32.const 5)) (then (call $wait_forever)))
    (if (i32.eq (local.get $job) (i32.const 6))
      (then
        (block $refused
          (loop $grow
            (br_if $refused (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
            (i32.atomic.store (i32.const 12) (i32.add (i32.atomic.load (i32.const 12)) (i32.const 1)))
            (br $grow)))
        (call $done))))

  ;; n threads each add 10000 to [0]; returns [0] once all are done.
  (func (export "count") (param $n i32) (result i32)
    (local $i i32)
    (i32.atomic.store (i32.const 4) (local.get $n))
    (block $spawned
      (loop $more
        (br_if $spawned (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.le_s (call $spawn (i32.const 1)) (i32.const 0)) (then unreachable))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $more)))
    (call $wait_all)
    (i32.atomic.load (i32.const 0)))

  ;; Starts threads with `job` until thread-spawn refuses (or `limit` of
  ;; them); returns how many started. The main thread's return ends them all.
  (func (export "spawn_until_refused") (param $job i32) (param $limit i32) (result i32)
    (local $n i32)
    (block $refused
      (loop $more
        (br_if $refused (i32.ge_u (local.get $n) (local.get $limit)))
        (br_if $refused (i32.le_s (call $spawn (local.get $job)) (i32.const 0)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $more)))
    (local.get $n))

  ;; One thread does `job`; the main thread waits for ever.
  (func (export "one_then_wait") (param $job i32)
    (drop (call $spawn (local.get $job)))
    (call $wait_forever))

  ;; n spinning threads, and the main thread spins too.
  (func (export "all_spin") (param $n i32)
    (local $i i32)
    (block $spawned
      (loop $more
        (br_if $spawned (i32.ge_u (local.get $i) (local.get $n)))
        (drop (call $spawn (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $more)))
    (loop $spin (br $spin)))

  ;; The main thread waits with a timeout of about 31 years.
  (func (export "long_wait") (result i32)
    (memory.atomic.wait32 (i32.const 8) (i32.const 0) (i64.const 1000000000000000000)))

  ;; A thread grows memory until refused; then the main thread tries once
  ;; more. Returns the pages the thread got, or -1 if the main thread got one.
  (func (export "grow_in_thread") (result i32)
    (i32.atomic.store (i32.const 4) (i32.const 1))
    (drop (call $spawn (i32.const 6)))
    (call $wait_all)
    (if (result i32) (i32.eq (memory.grow (i32.const 1)) (i32.const -1))
      (then (i32.atomic.load (i32.const 12)))
      (else (i32.const -1))))
)
