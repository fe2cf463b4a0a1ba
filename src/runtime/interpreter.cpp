// The interpreter tier: executes internal code (internal_ops.def) with
// computed-goto dispatch. Wasm→Wasm calls never recurse on the C++ stack:
// frames are values on ExecContext's heap stack and `frames` vector.
//
// Hot state lives in locals: ip, fp, the current function/instance and a cache
// of memory 0 (base, size). The cache is reloaded whenever it may be stale:
// after memory.grow, after a host call, and whenever the current instance
// changes (call or return). A Wasm callee in the same instance runs in this
// same loop, so its memory.grow updates the cache the caller sees.
#include "runtime/interpreter.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <expected>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "runtime/atomic_table.h"
#include "runtime/atomic_wait.h"
#include "runtime/internal_code.h"
#include "runtime/lazy_bodies.h"
#include "runtime/memory_faults.h"
#include "runtime/numerics.h"
#include "runtime/numerics_simd.h"
#include "runtime/threaded_code.h"

namespace warden {

static_assert(std::endian::native == std::endian::little,
              "linear memory is accessed with memcpy and assumes a little-endian host");

namespace {

// ---- slot access --------------------------------------------------------

template <typename T> T readSlot(const Value& v);
template <> inline uint32_t readSlot<uint32_t>(const Value& v) { return v.i32; }
template <> inline uint64_t readSlot<uint64_t>(const Value& v) { return v.i64; }
template <> inline float readSlot<float>(const Value& v) { return v.f32; }
template <> inline double readSlot<double>(const Value& v) { return v.f64; }

// Writes zero the upper half of 32-bit values so slots compare bitwise.
inline void writeSlot(Value& v, uint32_t x) { v = Value::fromI32(x); }
inline void writeSlot(Value& v, uint64_t x) { v = Value::fromI64(x); }
inline void writeSlot(Value& v, float x) { v = Value::fromF32(x); }
inline void writeSlot(Value& v, double x) { v = Value::fromF64(x); }

template <typename T> struct IsTrapping : std::false_type {};
template <typename T> struct IsTrapping<std::expected<T, ErrorCode>> : std::true_type {};

// Stores a numeric result; trapping operations (std::expected) report their
// code through `trap` and return false instead.
template <typename R>
inline bool storeResult(Value& dst, const R& r, ErrorCode& trap) {
  if constexpr (IsTrapping<R>::value) {
    if (!r) [[unlikely]] {
      trap = r.error();
      return false;
    }
    writeSlot(dst, *r);
  } else {
    writeSlot(dst, r);
  }
  return true;
}

// An opaque copy of `x`: the compiler cannot fuse the operation that made it
// with the next one (no multiply-add contraction), so fused handlers round
// exactly as the separate Wasm ops do. Costs no instruction on x86-64.
inline double separatelyRounded(double x) {
#if defined(__x86_64__)
  asm("" : "+x"(x));
#else
  asm("" : "+m"(x));
#endif
  return x;
}

// ---- linear memory ------------------------------------------------------

// Loads `Mem` from memory and widens it to `Out` (sign- or zero-extending per
// the signedness of Mem).
template <typename Mem, typename Out>
inline Out loadAs(const uint8_t* p) {
  Mem m;
  std::memcpy(&m, p, sizeof m);
  return static_cast<Out>(m);
}

template <typename Mem, typename In>
inline void storeAs(uint8_t* p, In value) {
  Mem m = static_cast<Mem>(value);
  std::memcpy(p, &m, sizeof m);
}

// `addr + len` lies within [0, size): all operands are at most 2^32-1 (memory32
// and table indices), so the sum cannot overflow 64 bits.
inline bool rangeFits(uint64_t addr, uint64_t len, uint64_t size) { return addr + len <= size; }

// ---- frames -------------------------------------------------------------

// Restores the context's stack top and depth on every exit from an invocation,
// traps included, so the Store stays usable.
struct ContextRestore {
  ExecContext& ctx;
  Value* stack_top;
  uint32_t depth;
  ~ContextRestore() {
    ctx.stack_top = stack_top;
    ctx.depth = depth;
  }
};

// Makes room to record a frame at index ctx.depth; depth < max_call_depth is
// checked by the caller, so growth stops at the configured limit.
inline void reserveFrame(ExecContext& ctx) {
  if (ctx.depth < ctx.frames.size()) [[likely]] return;
  size_t wanted = std::max<size_t>(256, ctx.frames.size() * 2);
  ctx.frames.resize(std::min<size_t>(wanted, size_t(ctx.max_call_depth) + 1));
}

// Out of ticks (exec_context.h): reports an interrupt request (consuming it,
// so the Store can run again) or exhausted fuel, else hands out the next
// ticks, this check taking one.
[[gnu::noinline]] bool grantTicks(ExecContext& ctx, ErrorCode& stop) {
  ctx.ticks = 0;
  if (ctx.interrupt_requested.load(std::memory_order_relaxed)) {
    ctx.interrupt_requested.store(false, std::memory_order_relaxed);
    stop = ErrorCode::Interrupted;
    return false;
  }
  int64_t grant = ExecContext::kTicksPerGrant;
  if (ctx.fuel_enabled) {
    // One compare-and-swap per grant: the budget may be shared by threads.
    std::atomic<uint64_t>& source = *ctx.fuel_source;
    uint64_t left = source.load(std::memory_order_relaxed);
    do {
      if (left == 0) {
        stop = ErrorCode::OutOfFuel;
        return false;
      }
      grant = int64_t(std::min<uint64_t>(left, uint64_t(ExecContext::kTicksPerGrant)));
    } while (!source.compare_exchange_weak(left, left - uint64_t(grant), std::memory_order_relaxed));
  }
  ctx.ticks = grant - 1;
  return true;
}

// Interrupt and fuel: checked at loop headers and on every call, as one
// count down (a subtraction and a branch; callgrind: LoopCheck 9 -> 5
// machine instructions). Returns false, with the reason in `stop`, when
// execution must stop.
inline bool limitsAllow(ExecContext& ctx, ErrorCode& stop) {
  if (--ctx.ticks >= 0) [[likely]] return true;
  return grantTicks(ctx, stop);
}

// An interrupt requested on this thread (by a host function, or before an
// invocation) is seen at the very next check, not after the ticks left.
inline void noticeInterrupt(ExecContext& ctx) {
  if (ctx.interrupt_requested.load(std::memory_order_relaxed)) ctx.ticks = 0;
}

// Calls a host function. Arguments are copied out first because the host
// writes results into the same slots (args and results overlap in the frame).
// Arguments and results are in slot layout (a v128 takes two Values).
Expect<void> callHost(Store& store, Instance* caller, const FunctionInstance& callee, Value* slots) {
  size_t num_params = slotCount(callee.type->params);
  size_t num_results = slotCount(callee.type->results);
  std::array<Value, 16> small_args, small_results;
  std::vector<Value> big_args, big_results;
  std::span<Value> args(small_args.data(), num_params);
  std::span<Value> results(small_results.data(), num_results);
  if (num_params > small_args.size()) {
    big_args.resize(num_params);
    args = big_args;
  }
  if (num_results > small_results.size()) {
    big_results.assign(num_results, Value::zero());
    results = big_results;
  }
  std::copy_n(slots, num_params, args.begin());
  std::fill(results.begin(), results.end(), Value::zero());
  HostCall call{store, caller};
  auto outcome = callee.host(call, args, results);
  if (!outcome) return outcome;
  std::copy(results.begin(), results.end(), slots);
  return {};
}

// Cold path: names the trapping function by its index in its instance.
[[gnu::cold]] std::string whereTrapped(const Instance& instance, const FunctionInstance* func) {
  auto it = std::find(instance.funcs.begin(), instance.funcs.end(), func);
  if (it == instance.funcs.end()) return {};
  return fmt::format("in function {}", it - instance.funcs.begin());
}

// ---- fixed-width SIMD -------------------------------------------------------

// One body per simd_ops.def entry, by shape, run by simdStep() below.
// A v128 operand is two slots starting at the named one; each body reads
// every operand before writing its result, which may overlap them. Memory
// shapes return false for an out-of-bounds access.
#define V128_AT(n) simd::loadV128(&fp[ip[n]])
#define PUT_V128(n, v) simd::storeV128(&fp[ip[n]], (v))
#define SLOT(n) fp[ip[n]]
#define WARDEN_SIMD_CTYPE_None uint32_t
#define WARDEN_SIMD_CTYPE_I32 uint32_t
#define WARDEN_SIMD_CTYPE_I64 uint64_t
#define WARDEN_SIMD_CTYPE_F32 float
#define WARDEN_SIMD_CTYPE_F64 double
#define SIMD_MEM_BODY(name, align, addr_word, offset_word, body)                              \
  inline bool simd_##name(Value* fp, const uint32_t* ip, uint8_t* mem, uint64_t size) {         \
    uint64_t ea = uint64_t(SLOT(addr_word).i32) + ip[offset_word];                           \
    if (!rangeFits(ea, 1u << (align), size)) return false;                                    \
    body;                                                                                     \
    return true;                                                                              \
  }
#define SIMD_BODY(name, body) \
  inline void simd_##name(Value* fp, const uint32_t* ip) { body; }
#define SIMD_BODY_Load(name, scalar, align) SIMD_MEM_BODY(name, align, 2, 3, PUT_V128(1, simd::name(mem + ea)))
#define SIMD_BODY_Store(name, scalar, align) SIMD_MEM_BODY(name, align, 1, 3, simd::name(mem + ea, V128_AT(2)))
#define SIMD_BODY_LoadLane(name, scalar, align) \
  SIMD_MEM_BODY(name, align, 2, 4, PUT_V128(1, simd::name(mem + ea, V128_AT(3), ip[5])))
#define SIMD_BODY_StoreLane(name, scalar, align) \
  SIMD_MEM_BODY(name, align, 1, 3, simd::name(mem + ea, V128_AT(2), ip[4]))
#define SIMD_BODY_Const(name, scalar, align) SIMD_BODY(name, std::memcpy(&fp[ip[1]], ip + 2, 16))
#define SIMD_BODY_Shuffle(name, scalar, align)                     \
  SIMD_BODY(name, uint8_t lanes[16]; std::memcpy(lanes, ip + 4, 16); \
            PUT_V128(1, simd::name(V128_AT(2), V128_AT(3), lanes)))
#define SIMD_BODY_Extract(name, scalar, align) SIMD_BODY(name, writeSlot(SLOT(1), simd::name(V128_AT(2), ip[3])))
#define SIMD_BODY_Replace(name, scalar, align) \
  SIMD_BODY(name, PUT_V128(1, simd::name(V128_AT(2), readSlot<WARDEN_SIMD_CTYPE_##scalar>(SLOT(3)), ip[4])))
#define SIMD_BODY_Splat(name, scalar, align) \
  SIMD_BODY(name, PUT_V128(1, simd::name(readSlot<WARDEN_SIMD_CTYPE_##scalar>(SLOT(2)))))
#define SIMD_BODY_Unary(name, scalar, align) SIMD_BODY(name, PUT_V128(1, simd::name(V128_AT(2))))
#define SIMD_BODY_Binary(name, scalar, align) SIMD_BODY(name, PUT_V128(1, simd::name(V128_AT(2), V128_AT(3))))
#define SIMD_BODY_Ternary(name, scalar, align) \
  SIMD_BODY(name, PUT_V128(1, simd::name(V128_AT(2), V128_AT(3), V128_AT(4))))
#define SIMD_BODY_Test(name, scalar, align) SIMD_BODY(name, writeSlot(SLOT(1), simd::name(V128_AT(2))))
#define SIMD_BODY_Shift(name, scalar, align) SIMD_BODY(name, PUT_V128(1, simd::name(V128_AT(2), SLOT(3).i32)))
#define SIMD(name, code, text, shape, scalar, align, lanes) SIMD_BODY_##shape(name, scalar, align)
#include "runtime/simd_ops.def"
#undef SIMD
#undef V128_AT
#undef PUT_V128
#undef SLOT

// Runs the SIMD instruction at `ip`; returns the next instruction, or null
// after an out-of-bounds memory access. All SIMD ops share one label in run()
// that calls this out of line, so the 236 SIMD bodies stay out of the scalar
// dispatch loop. Measured with callgrind: straight-line scalar code runs the
// same instructions as before SIMD (scalar build of bench/simd, N=5: 271.8M
// vs 272.0M Ir); the call-bound fib.wasm 22 went from 11.81M to 12.26M Ir with
// handlers inline in run() and to 12.15M-12.30M with this shared step
// (register allocation of the call path), i.e. about +3%.
[[gnu::noinline]] const uint32_t* simdStep(Value* fp, const uint32_t* ip, uint8_t* mem, uint64_t size) {
  switch (static_cast<InternalOp>(*ip)) {
#define SIMD_CASE_MEM(name, n) \
  case InternalOp::name:       \
    return simd_##name(fp, ip, mem, size) ? ip + 1 + (n) : nullptr;
#define SIMD_CASE(name, n) \
  case InternalOp::name:   \
    simd_##name(fp, ip);   \
    return ip + 1 + (n);
#define SIMD_CASE_Load(name) SIMD_CASE_MEM(name, WARDEN_SIMD_OPERANDS_Load)
#define SIMD_CASE_Store(name) SIMD_CASE_MEM(name, WARDEN_SIMD_OPERANDS_Store)
#define SIMD_CASE_LoadLane(name) SIMD_CASE_MEM(name, WARDEN_SIMD_OPERANDS_LoadLane)
#define SIMD_CASE_StoreLane(name) SIMD_CASE_MEM(name, WARDEN_SIMD_OPERANDS_StoreLane)
#define SIMD_CASE_Const(name) SIMD_CASE(name, WARDEN_SIMD_OPERANDS_Const)
#define SIMD_CASE_Shuffle(name) SIMD_CASE(name, WARDEN_SIMD_OPERANDS_Shuffle)
#define SIMD_CASE_Extract(name) SIMD_CASE(name, WARDEN_SIMD_OPERANDS_Extract)
#define SIMD_CASE_Replace(name) SIMD_CASE(name, WARDEN_SIMD_OPERANDS_Replace)
#define SIMD_CASE_Splat(name) SIMD_CASE(name, WARDEN_SIMD_OPERANDS_Splat)
#define SIMD_CASE_Unary(name) SIMD_CASE(name, WARDEN_SIMD_OPERANDS_Unary)
#define SIMD_CASE_Binary(name) SIMD_CASE(name, WARDEN_SIMD_OPERANDS_Binary)
#define SIMD_CASE_Ternary(name) SIMD_CASE(name, WARDEN_SIMD_OPERANDS_Ternary)
#define SIMD_CASE_Test(name) SIMD_CASE(name, WARDEN_SIMD_OPERANDS_Test)
#define SIMD_CASE_Shift(name) SIMD_CASE(name, WARDEN_SIMD_OPERANDS_Shift)
#define SIMD(name, code, text, shape, scalar, align, lanes) SIMD_CASE_##shape(name)
#include "runtime/simd_ops.def"
#undef SIMD
    default: break;
  }
  __builtin_unreachable();  // run() sends only SIMD ops here
}

// ---- atomics (threads proposal) -------------------------------------------

template <unsigned Width> struct AtomicWord;
template <> struct AtomicWord<1> { using type = uint8_t; };
template <> struct AtomicWord<2> { using type = uint16_t; };
template <> struct AtomicWord<4> { using type = uint32_t; };
template <> struct AtomicWord<8> { using type = uint64_t; };

// The host address of an atomic access of `width` bytes at fp[addr] +
// offset, or null with the trap: unaligned first (as the reference
// interpreter checks), then out of bounds. The size is read afresh: another
// thread may have grown a shared memory since this one cached it.
inline uint8_t* atomicAddress(const MemoryInstance& mem, uint32_t addr, uint32_t offset, uint32_t width,
                              ErrorCode& trap) {
  uint64_t ea = uint64_t(addr) + offset;
  if (ea & (width - 1)) {
    trap = ErrorCode::UnalignedAtomic;
    return nullptr;
  }
  if (!rangeFits(ea, width, mem.currentSize())) {
    trap = ErrorCode::MemoryOutOfBounds;
    return nullptr;
  }
  return mem.base + ea;
}

// One body per atomic_ops.def kind. `T` is the value type's C type, `M` the
// memory word; the narrow forms zero-extend what they read, and cmpxchg
// compares against the expected value wrapped to the access width.
// Each reads its operands before writing its result (which may alias one).
#define WARDEN_ATOMIC_PROLOGUE(addr_word, offset_word)                                                 \
  using M = typename AtomicWord<Width>::type;                                                          \
  M* p = reinterpret_cast<M*>(atomicAddress(*mem, fp[ip[addr_word]].i32, ip[offset_word], Width, trap)); \
  if (!p) return false
template <typename T, unsigned Width>
bool atomicLoad(Value* fp, const uint32_t* ip, MemoryInstance* mem, ErrorCode& trap) {
  WARDEN_ATOMIC_PROLOGUE(2, 3);
  writeSlot(fp[ip[1]], T(__atomic_load_n(p, __ATOMIC_SEQ_CST)));
  return true;
}
template <typename T, unsigned Width>
bool atomicStore(Value* fp, const uint32_t* ip, MemoryInstance* mem, ErrorCode& trap) {
  WARDEN_ATOMIC_PROLOGUE(1, 3);
  __atomic_store_n(p, M(readSlot<T>(fp[ip[2]])), __ATOMIC_SEQ_CST);
  return true;
}
template <typename T, unsigned Width, AtomicKind Kind>
bool atomicRmw(Value* fp, const uint32_t* ip, MemoryInstance* mem, ErrorCode& trap) {
  WARDEN_ATOMIC_PROLOGUE(2, 4);
  M v = M(readSlot<T>(fp[ip[3]]));
  M old;
  if constexpr (Kind == AtomicKind::RmwAdd) old = __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
  else if constexpr (Kind == AtomicKind::RmwSub) old = __atomic_fetch_sub(p, v, __ATOMIC_SEQ_CST);
  else if constexpr (Kind == AtomicKind::RmwAnd) old = __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST);
  else if constexpr (Kind == AtomicKind::RmwOr) old = __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST);
  else if constexpr (Kind == AtomicKind::RmwXor) old = __atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST);
  else old = __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
  writeSlot(fp[ip[1]], T(old));
  return true;
}
template <typename T, unsigned Width>
bool atomicCmpxchg(Value* fp, const uint32_t* ip, MemoryInstance* mem, ErrorCode& trap) {
  WARDEN_ATOMIC_PROLOGUE(2, 5);
  M expected = M(readSlot<T>(fp[ip[3]]));
  M replacement = M(readSlot<T>(fp[ip[4]]));
  // On failure `expected` receives the value found; on success it was it.
  __atomic_compare_exchange_n(p, &expected, replacement, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  writeSlot(fp[ip[1]], T(expected));
  return true;
}
template <typename T, unsigned Width>
bool atomicWait(Value* fp, const uint32_t* ip, MemoryInstance* mem, ExecContext& ctx, ErrorCode& trap) {
  if (!mem->shared()) {
    trap = ErrorCode::ExpectedSharedMemory;
    return false;
  }
  WARDEN_ATOMIC_PROLOGUE(2, 5);
  T expected = readSlot<T>(fp[ip[3]]);
  auto timeout = int64_t(fp[ip[4]].i64);
  WaitOutcome outcome;
  if constexpr (Width == 4) outcome = atomicWait32(ctx, p, expected, timeout);
  else outcome = atomicWait64(ctx, p, expected, timeout);
  if (outcome == WaitOutcome::Interrupted) {
    trap = ErrorCode::Interrupted;
    return false;
  }
  writeSlot(fp[ip[1]], uint32_t(outcome));
  return true;
}
template <typename T, unsigned Width>
bool atomicNotify(Value* fp, const uint32_t* ip, MemoryInstance* mem, ErrorCode& trap) {
  WARDEN_ATOMIC_PROLOGUE(2, 4);
  uint32_t count = fp[ip[3]].i32;
  // An unshared memory has no waiters (nothing can wait on it).
  writeSlot(fp[ip[1]], mem->shared() ? warden::atomicNotify(p, count) : uint32_t(0));
  return true;
}
#undef WARDEN_ATOMIC_PROLOGUE

#define WARDEN_ATOMIC_CTYPE_I32 uint32_t
#define WARDEN_ATOMIC_CTYPE_I64 uint64_t
#define WARDEN_ATOMIC_CALL_Load(T, W) atomicLoad<T, W>(fp, ip, mem, trap)
#define WARDEN_ATOMIC_CALL_Store(T, W) atomicStore<T, W>(fp, ip, mem, trap)
#define WARDEN_ATOMIC_CALL_RmwAdd(T, W) atomicRmw<T, W, AtomicKind::RmwAdd>(fp, ip, mem, trap)
#define WARDEN_ATOMIC_CALL_RmwSub(T, W) atomicRmw<T, W, AtomicKind::RmwSub>(fp, ip, mem, trap)
#define WARDEN_ATOMIC_CALL_RmwAnd(T, W) atomicRmw<T, W, AtomicKind::RmwAnd>(fp, ip, mem, trap)
#define WARDEN_ATOMIC_CALL_RmwOr(T, W) atomicRmw<T, W, AtomicKind::RmwOr>(fp, ip, mem, trap)
#define WARDEN_ATOMIC_CALL_RmwXor(T, W) atomicRmw<T, W, AtomicKind::RmwXor>(fp, ip, mem, trap)
#define WARDEN_ATOMIC_CALL_RmwXchg(T, W) atomicRmw<T, W, AtomicKind::RmwXchg>(fp, ip, mem, trap)
#define WARDEN_ATOMIC_CALL_Cmpxchg(T, W) atomicCmpxchg<T, W>(fp, ip, mem, trap)
#define WARDEN_ATOMIC_CALL_Wait(T, W) atomicWait<T, W>(fp, ip, mem, ctx, trap)
#define WARDEN_ATOMIC_CALL_Notify(T, W) atomicNotify<T, W>(fp, ip, mem, trap)
#define WARDEN_ATOMIC_CALL_Fence(T, W) (std::atomic_thread_fence(std::memory_order_seq_cst), true)

// Runs the atomic instruction at `ip` (its opcode, then its operands);
// returns the next instruction, or null with `trap` set. `mem` is the
// running instance's memory 0 (validation guarantees one, fence aside).
[[gnu::noinline]] const uint32_t* atomicStep(Value* fp, const uint32_t* ip, MemoryInstance* mem, ExecContext& ctx,
                                             ErrorCode& trap) {
  switch (static_cast<InternalOp>(*ip)) {
#define ATOMIC(name, code, text, kind, type, width)                                    \
  case InternalOp::name:                                                               \
    if (!WARDEN_ATOMIC_CALL_##kind(WARDEN_ATOMIC_CTYPE_##type, (1u << (width)))) return nullptr; \
    return ip + 1 + WARDEN_ATOMIC_OPERANDS_##kind;
#include "runtime/atomic_ops.def"
#undef ATOMIC
    default: break;
  }
  __builtin_unreachable();  // run() sends only atomics here
}

}  // namespace

// The real code of a Wasm function, compiling a lazy body on first use and
// pointing the instance at it (each Store's FunctionInstances are its own).
static Expect<const CompiledFunction*> compiledCode(const FunctionInstance& func) {
  if (!func.code->lazy_stub) [[likely]] return func.code;
  const Module& module = *func.instance->module;
  const CompiledFunction* compiled = WARDEN_TRY(module.lazy->compile(module, func.code->defined_index));
  const_cast<FunctionInstance&>(func).code = compiled;
  return compiled;
}

// ---- the dispatch loop ----------------------------------------------------

// Runs `entry` (a Wasm function) whose frame starts at ctx.stack_top, with its
// arguments already in place. On success, the results are in fp[0..n).
// Called with a null `entry`, only reports the handler table (labels exist
// only inside this function) for threadCode.
static Expect<void> run(Store* store_ptr, ExecContext* ctx_ptr, const FunctionInstance* entry_ptr,
                        FaultLanding* landing, HandlerTable* handlers_out) {
  static const void* const kLabels[] = {
#define OP(name, operands, text) &&op_##name,
#define WARDEN_SHARED_LABELS  // SIMD ops and atomics: one shared label each
#include "runtime/internal_ops.def"
#undef WARDEN_SHARED_LABELS
#undef OP
  };
  static_assert(sizeof(kLabels) / sizeof(kLabels[0]) == size_t(InternalOp::Count_));
  if (!entry_ptr) {
    *handlers_out = HandlerTable(kLabels);
    return {};
  }
  Store& store = *store_ptr;
  ExecContext& ctx = *ctx_ptr;
  const FunctionInstance& entry = *entry_ptr;

  const FunctionInstance* func = &entry;
  Instance* instance = entry.instance;
  // `ip` points at the second word of the running instruction's handler
  // address (threaded_code.h), so ip[1] is its first operand.
  // Branch targets are relative to it (threaded_code.h), so the function's
  // code start is needed only on entry.
  const uint32_t* ip = entry.code->code.data() + 1;
  Value* fp = ctx.stack_top;
  uint8_t* mem_base = nullptr;
  uint64_t mem_size = 0;

  // The frame records: a call records its caller at `top`; the entry frame
  // returns when `top` is back at `entry_top`; `frames_limit` is where the
  // vector must grow or the depth limit is hit. ctx.depth is brought up to
  // date only for a host call (which may re-enter, reading it, and grow the
  // vector, so the pointers are re-derived after one); invokeFunction
  // restores it on every exit.
  CallFrame* frames = ctx.frames.data();
  CallFrame* top = frames + ctx.depth;
  CallFrame* entry_top = top;
  CallFrame* frames_limit = frames + std::min<size_t>(ctx.frames.size(), ctx.max_call_depth);
  Value* const stack_end = ctx.stack_end;

  // Call state shared by Call and CallIndirect.
  const FunctionInstance* callee = nullptr;
  Value* callee_fp = nullptr;
  const uint32_t* return_ip = nullptr;
  ErrorCode trap = ErrorCode::Unreachable;

#define REBASE_FRAMES(depth)                                                          \
  do {                                                                                \
    size_t entry_index_ = size_t(entry_top - frames);                                 \
    frames = ctx.frames.data();                                                       \
    top = frames + (depth);                                                           \
    entry_top = frames + entry_index_;                                                \
    frames_limit = frames + std::min<size_t>(ctx.frames.size(), ctx.max_call_depth); \
  } while (0)
#define RELOAD_MEMORY()                                  \
  do {                                                   \
    if (!instance->memories.empty()) {                   \
      mem_base = instance->memories[0]->base;            \
      mem_size = instance->memories[0]->currentSize();   \
    } else {                                             \
      mem_base = nullptr;                                \
      mem_size = 0;                                      \
    }                                                    \
    landing->memory_base = mem_base;                     \
  } while (0)
#define DISPATCH()                           \
  do {                                       \
    const void* handler_;                    \
    std::memcpy(&handler_, ip - 1, sizeof handler_); \
    goto* handler_;                          \
  } while (0)
#define NEXT(operands)    \
  do {                    \
    ip += 2 + (operands); \
    DISPATCH();           \
  } while (0)
#define TRAP(code_)   \
  do {                \
    trap = (code_);   \
    goto trapped;     \
  } while (0)
#define SLOT(n) fp[ip[n]]
// A bulk-memory bounds check against the cached size, looked at again with
// the live size before it traps: another thread may have grown a shared
// memory since this one cached its size.
#define BULK_CHECK(fits)                                   \
  do {                                                     \
    if (!(fits)) [[unlikely]] {                            \
      mem_size = instance->memories[0]->currentSize();     \
      if (!(fits)) TRAP(ErrorCode::MemoryOutOfBounds);     \
    }                                                      \
  } while (0)

  RELOAD_MEMORY();
  DISPATCH();

  // ---- numeric: one handler per numeric_ops.def entry --------------------
#define WARDEN_CTYPE_I32 uint32_t
#define WARDEN_CTYPE_I64 uint64_t
#define WARDEN_CTYPE_F32 float
#define WARDEN_CTYPE_F64 double
#define WARDEN_NUMERIC_ARGS_Void(op0, op1) readSlot<WARDEN_CTYPE_##op0>(SLOT(2))
#define WARDEN_NUMERIC_ARGS_I32(op0, op1) \
  readSlot<WARDEN_CTYPE_##op0>(SLOT(2)), readSlot<WARDEN_CTYPE_##op1>(SLOT(3))
#define WARDEN_NUMERIC_ARGS_I64 WARDEN_NUMERIC_ARGS_I32
#define WARDEN_NUMERIC_ARGS_F32 WARDEN_NUMERIC_ARGS_I32
#define WARDEN_NUMERIC_ARGS_F64 WARDEN_NUMERIC_ARGS_I32
#define NUMERIC(name, prefix, opcode, text, result, op0, op1)                         \
  op_##name : {                                                                       \
    if (!storeResult(SLOT(1), num::name(WARDEN_NUMERIC_ARGS_##op1(op0, op1)), trap)) \
      goto trapped;                                                                   \
    NEXT(WARDEN_NUMERIC_OPERANDS_##op1);                                              \
  }
#include "runtime/numeric_ops.def"
#undef NUMERIC

  // ---- i32 ops with an immediate right operand ----------------------------
#define IMM_HANDLER(name)                                    \
  op_##name##Imm:                                            \
  writeSlot(SLOT(1), uint32_t(num::name(SLOT(2).i32, ip[3]))); \
  NEXT(3);
  WARDEN_IMM_OPS(IMM_HANDLER)
#undef IMM_HANDLER
#define IMM64_HANDLER(name, T)                                                           \
  op_##name##Imm : {                                                                     \
    uint64_t imm = uint64_t(ip[3]) | uint64_t(ip[4]) << 32;                              \
    writeSlot(SLOT(1), num::name(readSlot<T>(SLOT(2)), std::bit_cast<T>(imm)));           \
    NEXT(4);                                                                             \
  }
#define IMM_I64_HANDLER(name) IMM64_HANDLER(name, uint64_t)
#define IMM_F64_HANDLER(name) IMM64_HANDLER(name, double)
  WARDEN_IMM_I64_OPS(IMM_I64_HANDLER)
  WARDEN_IMM_F64_OPS(IMM_F64_HANDLER)
#undef IMM_I64_HANDLER
#undef IMM_F64_HANDLER
#undef IMM64_HANDLER
#define IMM_LEFT_HANDLER(name, op)                                                      \
  op_##name : {                                                                         \
    double imm = std::bit_cast<double>(uint64_t(ip[3]) | uint64_t(ip[4]) << 32);        \
    writeSlot(SLOT(1), num::op(imm, SLOT(2).f64));                                      \
    NEXT(4);                                                                            \
  }
  IMM_LEFT_HANDLER(F64ImmDiv, F64Div)
  IMM_LEFT_HANDLER(F64ImmSub, F64Sub)
#undef IMM_LEFT_HANDLER

  // ---- fused pairs (see separatelyRounded) ---------------------------------
op_F64MulAdd: {
  double product = separatelyRounded(num::F64Mul(SLOT(3).f64, SLOT(4).f64));
  writeSlot(SLOT(1), num::F64Add(SLOT(2).f64, product));
  NEXT(4);
}
op_F64MulSub: {
  double product = separatelyRounded(num::F64Mul(SLOT(3).f64, SLOT(4).f64));
  writeSlot(SLOT(1), num::F64Sub(SLOT(2).f64, product));
  NEXT(4);
}
op_F64MulSqrt: {
  double root = separatelyRounded(num::F64Sqrt(SLOT(3).f64));
  writeSlot(SLOT(1), num::F64Mul(SLOT(2).f64, root));
  NEXT(3);
}
op_I32AddAdd:
  writeSlot(SLOT(1), uint32_t(SLOT(2).i32 + (SLOT(3).i32 + SLOT(4).i32)));
  NEXT(4);
#define LOAD_OPERAND_HANDLERS(name)                                                        \
  op_##name##Load : {                                                                      \
    double m = loadAs<double, double>(mem_base + (uint64_t(SLOT(3).i32) + ip[4]));         \
    writeSlot(SLOT(1), num::name(SLOT(2).f64, m));                                         \
    NEXT(4);                                                                               \
  }                                                                                        \
  op_##name##LoadAddImm : {                                                                \
    double m = loadAs<double, double>(mem_base + (uint64_t(uint32_t(SLOT(3).i32 + ip[4])) + ip[5])); \
    writeSlot(SLOT(1), num::name(SLOT(2).f64, m));                                         \
    NEXT(5);                                                                               \
  }
  WARDEN_LOAD_OPERAND_OPS(LOAD_OPERAND_HANDLERS)
#undef LOAD_OPERAND_HANDLERS
op_I32OrAnd:
  writeSlot(SLOT(1), uint32_t(SLOT(2).i32 | (SLOT(3).i32 & SLOT(4).i32)));
  NEXT(4);
op_I32AndXor:
  writeSlot(SLOT(1), uint32_t(SLOT(2).i32 & (SLOT(3).i32 ^ SLOT(4).i32)));
  NEXT(4);
op_I32XorAnd:
  writeSlot(SLOT(1), uint32_t(SLOT(2).i32 ^ (SLOT(3).i32 & SLOT(4).i32)));
  NEXT(4);
op_F64MulImmLoad: {
  double m = loadAs<double, double>(mem_base + (uint64_t(SLOT(2).i32) + ip[3]));  // unchecked, as loads
  writeSlot(SLOT(1), num::F64Mul(m, std::bit_cast<double>(uint64_t(ip[4]) | uint64_t(ip[5]) << 32)));
  NEXT(5);
}
op_I32MulAdd:
  writeSlot(SLOT(1), uint32_t(SLOT(2).i32 + SLOT(3).i32 * SLOT(4).i32));
  NEXT(4);
op_I32XorRotlImm:
  writeSlot(SLOT(1), uint32_t(SLOT(2).i32 ^ num::I32Rotl(SLOT(3).i32, ip[4])));
  NEXT(4);
op_I32XorShrUImm:
  writeSlot(SLOT(1), uint32_t(SLOT(2).i32 ^ num::I32ShrU(SLOT(3).i32, ip[4])));
  NEXT(4);
op_I32AndNot:
  writeSlot(SLOT(1), uint32_t(SLOT(2).i32 & ~SLOT(3).i32));
  NEXT(3);
op_I32Rotl2Xor: {
  uint32_t x = SLOT(2).i32;
  writeSlot(SLOT(1), uint32_t(num::I32Rotl(x, ip[3]) ^ num::I32Rotl(x, ip[4])));
  NEXT(4);
}
op_I32Rotl3Xor: {
  uint32_t x = SLOT(2).i32;
  writeSlot(SLOT(1), uint32_t(num::I32Rotl(x, ip[3]) ^ num::I32Rotl(x, ip[4]) ^ num::I32Rotl(x, ip[5])));
  NEXT(5);
}
op_I32Rotl2XorShrU: {
  uint32_t x = SLOT(2).i32;
  writeSlot(SLOT(1), uint32_t(num::I32Rotl(x, ip[3]) ^ num::I32Rotl(x, ip[4]) ^ num::I32ShrU(x, ip[5])));
  NEXT(5);
}

  // ---- data movement --------------------------------------------------------
op_Move:
  SLOT(1) = SLOT(2);
  NEXT(2);
op_Move3:
  SLOT(1) = SLOT(2);
  SLOT(3) = SLOT(4);
  SLOT(5) = SLOT(6);
  NEXT(6);
op_Move2:
  SLOT(1) = SLOT(2);
  SLOT(3) = SLOT(4);
  NEXT(4);
op_Const32:
  SLOT(1) = Value::fromI32(ip[2]);
  NEXT(2);
op_Const64:
  SLOT(1) = Value::fromI64(uint64_t(ip[2]) | uint64_t(ip[3]) << 32);
  NEXT(3);
op_Select:
  SLOT(1) = SLOT(4).i32 ? SLOT(2) : SLOT(3);
  NEXT(4);
#define SELECT_CMP_HANDLER(name)                                       \
  op_Select##name:                                                     \
  SLOT(1) = num::name(SLOT(4).i32, SLOT(5).i32) ? SLOT(2) : SLOT(3);   \
  NEXT(5);                                                             \
  op_Select##name##Imm:                                                \
  SLOT(1) = num::name(SLOT(4).i32, ip[5]) ? SLOT(2) : SLOT(3);         \
  NEXT(5);
  WARDEN_SELECT_CMP_OPS(SELECT_CMP_HANDLER)
#undef SELECT_CMP_HANDLER
#define ADD_CMP_HANDLER(name)                                                        \
  op_I32Add##name:                                                                   \
  writeSlot(SLOT(1), uint32_t(SLOT(2).i32 + num::name(SLOT(3).i32, SLOT(4).i32)));   \
  NEXT(4);                                                                           \
  op_I32Add##name##Imm:                                                              \
  writeSlot(SLOT(1), uint32_t(SLOT(2).i32 + num::name(SLOT(3).i32, ip[4])));         \
  NEXT(4);
  WARDEN_SELECT_CMP_OPS(ADD_CMP_HANDLER)
#undef ADD_CMP_HANDLER
op_GlobalGet:
  SLOT(1) = instance->globals[ip[2]]->value;
  NEXT(2);
op_GlobalSet:
  instance->globals[ip[1]]->value = SLOT(2);
  NEXT(2);
op_Move128:
  fp[ip[1]] = fp[ip[2]];
  fp[ip[1] + 1] = fp[ip[2] + 1];
  NEXT(2);
op_Select128: {
  uint32_t from = SLOT(4).i32 ? ip[2] : ip[3];
  fp[ip[1]] = fp[from];
  fp[ip[1] + 1] = fp[from + 1];
  NEXT(4);
}
op_GlobalGet128: {
  const GlobalInstance& g = *instance->globals[ip[2]];
  fp[ip[1]] = g.value;
  fp[ip[1] + 1] = g.value_hi;
  NEXT(2);
}
op_GlobalSet128: {
  GlobalInstance& g = *instance->globals[ip[1]];
  g.value = fp[ip[2]];
  g.value_hi = fp[ip[2] + 1];
  NEXT(2);
}

  // ---- fixed-width SIMD: every SIMD op's label is this one (see simdStep) ----
op_Simd: {
  // The opcode follows the handler address; simdStep reads the op in its
  // unthreaded layout from there and returns the next instruction's start.
  const uint32_t* next = simdStep(fp, ip + 1, mem_base, mem_size);
  if (!next) [[unlikely]] {  // nothing was written: again with the live size (see BULK_CHECK)
    mem_size = instance->memories[0]->currentSize();
    next = simdStep(fp, ip + 1, mem_base, mem_size);
    if (!next) TRAP(ErrorCode::MemoryOutOfBounds);
  }
  ip = next + 1;
  DISPATCH();
}

  // ---- atomics: every atomic op's label is this one (see atomicStep) -------
op_Atomic: {
  MemoryInstance* memory = instance->memories.empty() ? nullptr : instance->memories[0];
  const uint32_t* next = atomicStep(fp, ip + 1, memory, ctx, trap);
  if (!next) [[unlikely]] goto trapped;
  ip = next + 1;
  DISPATCH();
}

  // ---- control ------------------------------------------------------------
op_Unreachable:
  TRAP(ErrorCode::Unreachable);
op_LazyCompile: {
  // `func` was entered through its stub (no locals, frame_size 0): compile
  // the body, point this FunctionInstance at it and set the frame up again.
  const CompiledFunction* compiled_code = nullptr;
  {
    // Scoped: clang forbids an indirect goto out of the scope of a variable
    // with a destructor (the Expect), and DISPATCH() below is one.
    Expect<const CompiledFunction*> compiled = compiledCode(*func);
    if (!compiled) return std::unexpected(compiled.error());
    compiled_code = *compiled;
  }
  const CompiledFunction& target = *compiled_code;
  if (size_t(ctx.stack_end - fp) < target.frame_size) [[unlikely]]
    return fail(ErrorCode::CallStackExhausted, "call stack exhausted");
  std::fill(fp + target.num_params, fp + target.num_locals, Value::zero());
  ip = target.code.data() + 1;
  DISPATCH();
}
// Taking a branch; a back edge checks limits first (it stands in for the
// loop's LoopCheck).
#define TAKE_BRANCH(word)       \
  do {                          \
    ip += int32_t(ip[word]);    \
    DISPATCH();                 \
  } while (0)
#define TAKE_BACK_EDGE(word)                                  \
  do {                                                        \
    if (!limitsAllow(ctx, trap)) [[unlikely]] goto trapped;   \
    TAKE_BRANCH(word);                                        \
  } while (0)
op_Br:
  TAKE_BRANCH(1);
op_BrIf:
  if (SLOT(1).i32) TAKE_BRANCH(2);
  NEXT(2);
op_BrLoop:
  TAKE_BACK_EDGE(1);
op_I32AddImmBrIfLoop: {
  uint32_t stepped = SLOT(1).i32 + ip[2];
  writeSlot(SLOT(1), stepped);
  if (stepped) TAKE_BACK_EDGE(3);
  NEXT(3);
}
op_BrIfLoop:
  if (SLOT(1).i32) TAKE_BACK_EDGE(2);
  NEXT(2);
op_BrUnless:
  if (!SLOT(1).i32) TAKE_BRANCH(2);
  NEXT(2);
// A compare-and-branch, its back-edge form and its counter-stepping form
// (internal_ops.def); `right` reads the right operand at word 2 (a slot or
// an immediate), `stepped_right` the same at word 3.
#define BR_IF_I32_FAMILY(name, T, op, right, stepped_right)  \
  op_##name:                                                 \
  if (T(SLOT(1).i32) op T(right)) TAKE_BRANCH(3);            \
  NEXT(3);                                                   \
  op_##name##Loop:                                           \
  if (T(SLOT(1).i32) op T(right)) TAKE_BACK_EDGE(3);         \
  NEXT(3);                                                   \
  op_I32AddImm##name##Loop : {                               \
    uint32_t stepped = SLOT(1).i32 + ip[2];                  \
    writeSlot(SLOT(1), stepped);                             \
    if (T(stepped) op T(stepped_right)) TAKE_BACK_EDGE(4);   \
    NEXT(4);                                                 \
  }
#define BR_IF_I32(name, T, op) BR_IF_I32_FAMILY(name, T, op, SLOT(2).i32, SLOT(3).i32)
#define BR_IF_I32_IMM(name, T, op) BR_IF_I32_FAMILY(name, T, op, ip[2], ip[3])
  BR_IF_I32(BrIfI32Eq, uint32_t, ==)
  BR_IF_I32(BrIfI32Ne, uint32_t, !=)
  BR_IF_I32(BrIfI32LtS, int32_t, <)
  BR_IF_I32(BrIfI32LtU, uint32_t, <)
  BR_IF_I32(BrIfI32GtS, int32_t, >)
  BR_IF_I32(BrIfI32GtU, uint32_t, >)
  BR_IF_I32(BrIfI32LeS, int32_t, <=)
  BR_IF_I32(BrIfI32LeU, uint32_t, <=)
  BR_IF_I32(BrIfI32GeS, int32_t, >=)
  BR_IF_I32(BrIfI32GeU, uint32_t, >=)
  BR_IF_I32_IMM(BrIfI32EqImm, uint32_t, ==)
  BR_IF_I32_IMM(BrIfI32NeImm, uint32_t, !=)
  BR_IF_I32_IMM(BrIfI32LtSImm, int32_t, <)
  BR_IF_I32_IMM(BrIfI32LtUImm, uint32_t, <)
  BR_IF_I32_IMM(BrIfI32GtSImm, int32_t, >)
  BR_IF_I32_IMM(BrIfI32GtUImm, uint32_t, >)
  BR_IF_I32_IMM(BrIfI32LeSImm, int32_t, <=)
  BR_IF_I32_IMM(BrIfI32LeUImm, uint32_t, <=)
  BR_IF_I32_IMM(BrIfI32GeSImm, int32_t, >=)
  BR_IF_I32_IMM(BrIfI32GeUImm, uint32_t, >=)
#undef BR_IF_I32
#undef BR_IF_I32_IMM
#undef BR_IF_I32_FAMILY
op_BrTable: {
  uint32_t index = SLOT(1).i32;
  uint32_t count = ip[2];
  ip += int32_t(ip[3 + std::min(index, count)]);  // out of range takes the default (last)
  DISPATCH();
}
op_LoopHeader:  // never in threaded code (threaded_code.cpp drops it)
  NEXT(0);
op_Removed:  // the same
  NEXT(ip[1]);
op_LoopCheck:
  if (!limitsAllow(ctx, trap)) [[unlikely]] goto trapped;
  NEXT(0);

op_Call:
  callee = instance->funcs[ip[1]];
  callee_fp = fp + ip[2];
  return_ip = ip + 4;
  goto call;

op_CallIndirect: {
  TableInstance* table = instance->tables[ip[2]];
  uint32_t index = SLOT(3).i32;
  if (index >= table->elems.size()) TRAP(ErrorCode::UndefinedElement);
  Ref ref = table->elems[index];
  if (ref == kNullRef) TRAP(ErrorCode::UninitializedElement);
  callee = reinterpret_cast<const FunctionInstance*>(ref);
  if (callee->type_id != instance->type_ids[ip[1]]) TRAP(ErrorCode::IndirectCallTypeMismatch);
  callee_fp = fp + ip[4];
  return_ip = ip + 6;
  goto call;
}

// The call sequence, measured with callgrind on fib.wasm 22 (a call and a
// return per fib step): frame records cached in locals, the caller's code
// pointer kept in its record, and memory 0 reloaded on return only when the
// instance changes (a callee in the same instance keeps mem_base/mem_size
// current itself: they are this loop's locals, updated by memory.grow).
call: {
  if (!limitsAllow(ctx, trap)) [[unlikely]] goto trapped;
  if (callee->isHost()) {
    // The host may re-enter the interpreter: give it the stack above every
    // slot still in use (the callee's arguments/results).
    Value* saved_top = ctx.stack_top;
    ctx.stack_top = callee_fp + std::max(slotCount(callee->type->params), slotCount(callee->type->results));
    uint32_t depth = uint32_t(top - frames);
    ctx.depth = depth;
    landing->memory_base = nullptr;  // disarmed: a fault in the host is the host's (RELOAD_MEMORY re-arms)
    {
      // Scoped: clang forbids an indirect goto out of the scope of a
      // variable with a destructor, and DISPATCH() below is one.
      auto outcome = callHost(store, instance, *callee, callee_fp);
      ctx.stack_top = saved_top;
      if (!outcome) return outcome;
    }
    noticeInterrupt(ctx);
    REBASE_FRAMES(depth);
    RELOAD_MEMORY();
    ip = return_ip;
    DISPATCH();
  }
  const CompiledFunction& target = *callee->code;
  if (top >= frames_limit) [[unlikely]] {
    uint32_t depth = uint32_t(top - frames);
    if (depth >= ctx.max_call_depth) return fail(ErrorCode::CallStackExhausted, "call stack exhausted");
    ctx.depth = depth;
    reserveFrame(ctx);
    REBASE_FRAMES(depth);
  }
  // callee_fp is within the stack, and frame_size is far below the slots
  // left above it for any real stack, so the sum cannot overflow.
  if (callee_fp + target.frame_size > stack_end) [[unlikely]]
    return fail(ErrorCode::CallStackExhausted, "call stack exhausted");
  *top++ = CallFrame{return_ip, fp, func};
  // Declared locals start at zero. Most functions declare at most two: two
  // stores, whatever the count (slots past the locals are the callee's
  // operand stack, unused yet, or the value stack's slack: exec_context.h).
  // More go through a plain loop: the empty asm keeps gcc from turning it
  // into a memset call, which cost about 20 instructions and register
  // spills per call (callgrind, fib.wasm 22).
  {
    Value* local = callee_fp + target.num_params;
    Value* end = callee_fp + target.num_locals;
    if (end - local <= 2) [[likely]] {
      local[0] = Value::zero();
      local[1] = Value::zero();
    } else {
      for (; local < end; ++local) {
        asm("" : "+r"(local));
        *local = Value::zero();
      }
    }
  }
  fp = callee_fp;
  func = callee;
  ip = target.code.data() + 1;
  if (instance != callee->instance) [[unlikely]] {
    instance = callee->instance;
    RELOAD_MEMORY();
  }
  DISPATCH();
}

op_Return: {
  if (top == entry_top) return {};  // the entry frame: results are in fp[0..)
  const CallFrame& frame = *--top;
  ip = frame.return_ip;
  fp = frame.fp;
  func = frame.func;
  if (instance != func->instance) [[unlikely]] {
    instance = func->instance;
    RELOAD_MEMORY();
  }
  DISPATCH();
}

  // ---- references -----------------------------------------------------------
op_RefNull:
  SLOT(1) = Value::fromRef(kNullRef);
  NEXT(1);
op_RefIsNull:
  SLOT(1) = Value::fromI32(SLOT(2).ref == kNullRef ? 1 : 0);
  NEXT(2);
op_RefFunc:
  SLOT(1) = Value::fromRef(reinterpret_cast<Ref>(instance->funcs[ip[2]]));
  NEXT(2);

  // ---- tables -----------------------------------------------------------------
op_TableGet: {
  const TableInstance& table = *instance->tables[ip[2]];
  uint32_t index = SLOT(3).i32;
  if (index >= table.elems.size()) TRAP(ErrorCode::TableOutOfBounds);
  SLOT(1) = Value::fromRef(table.elems[index]);
  NEXT(3);
}
op_TableSet: {
  TableInstance& table = *instance->tables[ip[1]];
  uint32_t index = SLOT(2).i32;
  if (index >= table.elems.size()) TRAP(ErrorCode::TableOutOfBounds);
  table.elems[index] = SLOT(3).ref;
  NEXT(3);
}
op_TableSize:
  SLOT(1) = Value::fromI32(uint32_t(instance->tables[ip[2]]->elems.size()));
  NEXT(2);
op_TableGrow: {
  Ref init = SLOT(3).ref;
  int64_t old_size = instance->tables[ip[2]]->grow(SLOT(4).i32, init);
  SLOT(1) = Value::fromI32(uint32_t(old_size));  // -1 becomes 0xFFFFFFFF
  NEXT(4);
}
op_TableFill: {
  TableInstance& table = *instance->tables[ip[1]];
  uint32_t start = SLOT(2).i32;
  Ref value = SLOT(3).ref;
  uint32_t len = SLOT(4).i32;
  if (!rangeFits(start, len, table.elems.size())) TRAP(ErrorCode::TableOutOfBounds);
  std::fill_n(table.elems.begin() + start, len, value);
  NEXT(4);
}
op_TableCopy: {
  TableInstance& dst = *instance->tables[ip[1]];
  const TableInstance& src = *instance->tables[ip[2]];
  uint32_t d = SLOT(3).i32, s = SLOT(4).i32, n = SLOT(5).i32;
  if (!rangeFits(d, n, dst.elems.size()) || !rangeFits(s, n, src.elems.size())) TRAP(ErrorCode::TableOutOfBounds);
  if (n) std::memmove(dst.elems.data() + d, src.elems.data() + s, n * sizeof(Ref));  // tables may be the same
  NEXT(5);
}
op_TableInit: {
  TableInstance& table = *instance->tables[ip[1]];
  const std::vector<Ref>& refs = instance->elems[ip[2]].refs;  // empty once dropped
  uint32_t d = SLOT(3).i32, s = SLOT(4).i32, n = SLOT(5).i32;
  if (!rangeFits(d, n, table.elems.size()) || !rangeFits(s, n, refs.size())) TRAP(ErrorCode::TableOutOfBounds);
  std::copy_n(refs.begin() + s, n, table.elems.begin() + d);
  NEXT(5);
}
op_ElemDrop:
  std::vector<Ref>().swap(instance->elems[ip[1]].refs);  // frees the memory too
  NEXT(1);

  // ---- memory: loads [dst][addr][offset], stores [addr][value][offset] -------
  // The fused forms (internal_ops.def) compute the address as the i32 ops
  // they replace would, wrapping to 32 bits, then add the offset. No bounds
  // check: an access beyond the memory's size faults inside its reservation
  // and comes back as MemoryOutOfBounds (memory_faults.h). callgrind:
  // loads and stores 13-14 -> 10-11 machine instructions.
#define WARDEN_LOAD_TYPES(X)                                                                          \
  X(I32Load, uint32_t, uint32_t) X(I64Load, uint64_t, uint64_t) X(F32Load, float, float)              \
  X(F64Load, double, double) X(I32Load8S, int8_t, uint32_t) X(I32Load8U, uint8_t, uint32_t)           \
  X(I32Load16S, int16_t, uint32_t) X(I32Load16U, uint16_t, uint32_t) X(I64Load8S, int8_t, uint64_t)   \
  X(I64Load8U, uint8_t, uint64_t) X(I64Load16S, int16_t, uint64_t) X(I64Load16U, uint16_t, uint64_t)  \
  X(I64Load32S, int32_t, uint64_t) X(I64Load32U, uint32_t, uint64_t)
#define WARDEN_STORE_TYPES(X)                                                                            \
  X(I32Store, uint32_t, uint32_t) X(I64Store, uint64_t, uint64_t) X(F32Store, float, float)              \
  X(F64Store, double, double) X(I32Store8, uint8_t, uint32_t) X(I32Store16, uint16_t, uint32_t)          \
  X(I64Store8, uint8_t, uint64_t) X(I64Store16, uint16_t, uint64_t) X(I64Store32, uint32_t, uint64_t)
#define LOAD_AT(Mem, Out, address, offset_word, operands)                                 \
  {                                                                                       \
    uint64_t ea = uint64_t(address) + ip[offset_word];                                    \
    writeSlot(SLOT(1), loadAs<Mem, Out>(mem_base + ea));                                  \
    NEXT(operands);                                                                       \
  }
#define STORE_AT(Mem, In, address, value_word, offset_word, operands)                     \
  {                                                                                       \
    uint64_t ea = uint64_t(address) + ip[offset_word];                                    \
    storeAs<Mem>(mem_base + ea, readSlot<In>(SLOT(value_word)));                          \
    NEXT(operands);                                                                       \
  }
#define LOAD(name, Mem, Out) op_##name : LOAD_AT(Mem, Out, SLOT(2).i32, 3, 3)
#define LOAD_ADD_IMM(name, Mem, Out) op_##name##AddImm : LOAD_AT(Mem, Out, uint32_t(SLOT(2).i32 + ip[3]), 4, 4)
#define LOAD_INDEXED(name, Mem, Out) \
  op_##name##Indexed : LOAD_AT(Mem, Out, uint32_t(SLOT(2).i32 + (SLOT(3).i32 << (ip[4] & 31))), 5, 5)
#define STORE(name, Mem, In) op_##name : STORE_AT(Mem, In, SLOT(1).i32, 2, 3, 3)
#define STORE_ADD_IMM(name, Mem, In) op_##name##AddImm : STORE_AT(Mem, In, uint32_t(SLOT(1).i32 + ip[2]), 3, 4, 4)
#define STORE_INDEXED(name, Mem, In) \
  op_##name##Indexed : STORE_AT(Mem, In, uint32_t(SLOT(1).i32 + (SLOT(2).i32 << (ip[3] & 31))), 4, 5, 5)
  WARDEN_LOAD_TYPES(LOAD)
  WARDEN_LOAD_TYPES(LOAD_ADD_IMM)
  WARDEN_LOAD_TYPES(LOAD_INDEXED)
  WARDEN_STORE_TYPES(STORE)
  WARDEN_STORE_TYPES(STORE_ADD_IMM)
  WARDEN_STORE_TYPES(STORE_INDEXED)
#undef LOAD
#undef LOAD_ADD_IMM
#undef LOAD_INDEXED
#undef STORE
#undef STORE_ADD_IMM
#undef STORE_INDEXED
#undef LOAD_AT
#undef STORE_AT
#undef WARDEN_LOAD_TYPES
#undef WARDEN_STORE_TYPES

  // ---- read-modify-write of memory (internal_ops.def) ------------------------
#define RMW(name, Mem, operands, expr)                                            \
  op_##name : {                                                                 \
    uint64_t ea = uint64_t(SLOT(1).i32) + ip[2];  /* unchecked, as loads */     \
    Mem m = loadAs<Mem, Mem>(mem_base + ea);                                    \
    storeAs<Mem>(mem_base + ea, Mem(expr));                                     \
    NEXT(operands);                                                             \
  }
  RMW(F64AddMem, double, 3, num::F64Add(m, SLOT(3).f64))
  RMW(F64SubMem, double, 3, num::F64Sub(m, SLOT(3).f64))
  RMW(F64MulAddMem, double, 4, num::F64Add(m, separatelyRounded(num::F64Mul(SLOT(3).f64, SLOT(4).f64))))
  RMW(F64MulSubMem, double, 4, num::F64Sub(m, separatelyRounded(num::F64Mul(SLOT(3).f64, SLOT(4).f64))))
  RMW(I32AddMem, uint32_t, 3, m + SLOT(3).i32)
  RMW(I32AddImmMem, uint32_t, 3, m + ip[3])
#undef RMW
op_I32MulAddLoad16SAddImm: {
  uint64_t ea = uint64_t(uint32_t(SLOT(3).i32 + ip[4])) + ip[5];
  uint32_t m = loadAs<int16_t, uint32_t>(mem_base + ea);
  writeSlot(SLOT(1), uint32_t(SLOT(2).i32 + m * SLOT(6).i32));
  NEXT(6);
}
op_I32AddLoadIndexed: {
  uint64_t ea = uint64_t(uint32_t(SLOT(3).i32 + (SLOT(4).i32 << (ip[5] & 31)))) + ip[6];
  writeSlot(SLOT(1), uint32_t(SLOT(2).i32 + loadAs<uint32_t, uint32_t>(mem_base + ea)));
  NEXT(6);
}
op_I32AddAddLoadAddImm: {
  uint64_t ea = uint64_t(uint32_t(SLOT(4).i32 + ip[5])) + ip[6];
  writeSlot(SLOT(1), uint32_t(loadAs<uint32_t, uint32_t>(mem_base + ea) + (SLOT(2).i32 + SLOT(3).i32)));
  NEXT(6);
}
op_F64MulAddMemAddImm: {
  uint32_t address = uint32_t(SLOT(2).i32 + ip[3]);
  uint64_t ea = uint64_t(address) + ip[4];
  double m = loadAs<double, double>(mem_base + ea);
  storeAs<double>(mem_base + ea, num::F64Add(m, separatelyRounded(num::F64Mul(SLOT(5).f64, SLOT(6).f64))));
  writeSlot(SLOT(1), address);
  NEXT(6);
}

op_I32LoadStep: {
  uint32_t p = SLOT(2).i32 + ip[3];
  writeSlot(SLOT(2), p);
  writeSlot(SLOT(1), loadAs<uint32_t, uint32_t>(mem_base + (uint64_t(p) + ip[4])));  // unchecked, as loads
  NEXT(4);
}
op_MemorySize:
  mem_size = instance->memories[0]->currentSize();  // another thread may have grown a shared memory
  SLOT(1) = Value::fromI32(uint32_t(mem_size / kPageSize));
  NEXT(1);
op_MemoryGrow: {
  int64_t old_pages = instance->memories[0]->grow(SLOT(2).i32);
  SLOT(1) = Value::fromI32(uint32_t(old_pages));  // -1 becomes 0xFFFFFFFF
  RELOAD_MEMORY();
  NEXT(2);
}
op_MemoryFill: {
  uint32_t d = SLOT(1).i32, n = SLOT(3).i32;
  BULK_CHECK(rangeFits(d, n, mem_size));  // nothing written
  if (n) std::memset(mem_base + d, uint8_t(SLOT(2).i32), n);
  NEXT(3);
}
op_MemoryCopy: {
  uint32_t d = SLOT(1).i32, s = SLOT(2).i32, n = SLOT(3).i32;
  BULK_CHECK(rangeFits(d, n, mem_size) && rangeFits(s, n, mem_size));
  if (n) std::memmove(mem_base + d, mem_base + s, n);
  NEXT(3);
}
op_MemoryInit: {
  std::span<const uint8_t> bytes = instance->datas[ip[1]].bytes;  // empty once dropped
  uint32_t d = SLOT(2).i32, s = SLOT(3).i32, n = SLOT(4).i32;
  BULK_CHECK(rangeFits(d, n, mem_size) && rangeFits(s, n, bytes.size()));
  if (n) std::memcpy(mem_base + d, bytes.data() + s, n);
  NEXT(4);
}
op_DataDrop:
  instance->datas[ip[1]].bytes = {};
  NEXT(1);

trapped:
  return fail(trap, whereTrapped(*instance, func));

#undef RELOAD_MEMORY
#undef BULK_CHECK
#undef REBASE_FRAMES
#undef TAKE_BRANCH
#undef TAKE_BACK_EDGE
#undef DISPATCH
#undef NEXT
#undef TRAP
#undef SLOT
}

// "at address 0x10000a (memory 0x10000 bytes)": where a faulting access
// went, against the memory's size at the time of the report.
[[gnu::cold]] static std::string faultDetail(const FaultLanding& landing, const FunctionInstance& entry) {
  uint64_t size = 0;
  if (entry.instance && !entry.instance->memories.empty()) size = entry.instance->memories[0]->currentSize();
  return fmt::format("at address {:#x} (memory {:#x} bytes)", uint64_t(landing.fault_offset), size);
}

// Runs the loop with a FaultLanding: an out-of-bounds access comes back here
// by siglongjmp (memory_faults.h). Only `landing` is read after the jump,
// and it is not changed after sigsetjmp. Nothing with a destructor is alive
// in run() where an access can fault.
static Expect<void> runLanded(Store& store, ExecContext& ctx, const FunctionInstance& func) {
  struct Scope {
    FaultLanding landing;
    Scope() : landing{} {
      landing.outer = currentFaultLanding();
      currentFaultLanding() = &landing;
    }
    ~Scope() { currentFaultLanding() = landing.outer; }
  } scope;
  if (sigsetjmp(scope.landing.env, 0) != 0) return fail(ErrorCode::MemoryOutOfBounds, faultDetail(scope.landing, func));
  return run(&store, &ctx, &func, &scope.landing, nullptr);
}

Expect<void> invokeFunction(Store& store, ExecContext& ctx, const FunctionInstance& func,
                            std::span<const Value> args, std::span<Value> results) {
  if (func.isHost()) {
    // Results go through a separate buffer: the caller's spans may overlap.
    std::vector<Value> out(results.size(), Value::zero());
    HostCall call{store, nullptr};
    WARDEN_TRY(func.host(call, args, out));
    std::copy(out.begin(), out.end(), results.begin());
    return {};
  }

  const CompiledFunction& code = *WARDEN_TRY(compiledCode(func));
  if (args.size() != code.num_params || results.size() != code.num_results) {
    return fail(ErrorCode::InvalidArgument, fmt::format("expected {} arguments and {} results, got {} and {}",
                                                        code.num_params, code.num_results, args.size(), results.size()));
  }
  ContextRestore restore{ctx, ctx.stack_top, ctx.depth};
  Value* fp = ctx.stack_top;
  size_t needed = std::max({code.frame_size, code.num_params, code.num_results});
  if (ctx.depth >= ctx.max_call_depth || size_t(ctx.stack_end - fp) < needed) {
    return fail(ErrorCode::CallStackExhausted, "call stack exhausted");
  }
  ErrorCode stop;
  noticeInterrupt(ctx);
  if (!limitsAllow(ctx, stop)) return fail(stop);

  std::copy(args.begin(), args.end(), fp);
  std::fill(fp + args.size(), fp + code.num_locals, Value::zero());
  ++ctx.depth;  // the entry frame; run() returns when it returns to this depth
  WARDEN_TRY(runLanded(store, ctx, func));
  std::copy_n(fp, results.size(), results.begin());
  return {};
}

}  // namespace warden

namespace warden {

HandlerTable interpreterHandlers() {
  static const HandlerTable table = [] {
    HandlerTable handlers;
    (void)run(nullptr, nullptr, nullptr, nullptr, &handlers);
    installMemoryFaultHandler();  // before any code can run
    return handlers;
  }();
  return table;
}

void threadForInterpreter(CompiledFunction& fn) { threadCode(fn, interpreterHandlers()); }

}  // namespace warden
