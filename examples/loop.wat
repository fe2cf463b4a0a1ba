;; Sums 1..n in a loop over linear memory: stores each term into memory, then
;; reads them back, so both loops, loads and stores are exercised.
;; n is capped at 16384 (one 64 KiB page of i32 terms).
;;   ./warden run --invoke sum build/examples/loop.wasm 10000   → 50005000
(module
  (memory 1)

  (func (export "sum") (param $n i32) (result i64)
    (local $i i32)
    (local $total i64)
    (if (i32.gt_u (local.get $n) (i32.const 16384))
      (then (local.set $n (i32.const 16384))))
    ;; memory[i] = i + 1 for i in [0, n)
    (block $filled
      (loop $fill
        (br_if $filled (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.shl (local.get $i) (i32.const 2))
                   (i32.add (local.get $i) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fill)))
    ;; total = memory[0] + ... + memory[n-1]
    (local.set $i (i32.const 0))
    (block $summed
      (loop $add
        (br_if $summed (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $total
          (i64.add (local.get $total)
                   (i64.extend_i32_u (i32.load (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $add)))
    (local.get $total)))
