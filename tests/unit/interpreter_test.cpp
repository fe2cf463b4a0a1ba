// The interpreter on hand-assembled internal code (internal_ops.def): no
// decoder or compiler involved, so each test pins down one handler family.
#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <tuple>
#include <initializer_list>

#include "runtime/api.h"
#include "runtime/interpreter.h"

namespace warden {
namespace {

using Op = InternalOp;

// Builds a code vector; emit() returns the position of the opcode word so a
// forward branch target can be patched once known.
struct Asm {
  std::vector<uint32_t> code;
  uint32_t emit(Op op, std::initializer_list<uint32_t> operands = {}) {
    uint32_t at = here();
    code.push_back(uint32_t(op));
    code.insert(code.end(), operands);
    return at;
  }
  uint32_t here() const { return uint32_t(code.size()); }
  void patch(uint32_t op_at, uint32_t operand, uint32_t value) { code[op_at + 1 + operand] = value; }
};

FuncType i32s(size_t params, size_t results) {
  return FuncType{std::vector<ValType>(params, ValType::I32), std::vector<ValType>(results, ValType::I32)};
}

class InterpreterTest : public ::testing::Test {
 protected:
  explicit InterpreterTest(EngineConfig config = {}) : engine_(config), store_(engine_) {}

  // Adds a Wasm function to the test instance; returns its function index.
  uint32_t addFunction(FuncType type, uint32_t extra_locals, uint32_t frame_size, std::vector<uint32_t> code) {
    CompiledFunction& fn = codes_.emplace_back();
    fn.code = std::move(code);
    fn.num_params = uint32_t(type.params.size());
    fn.num_results = uint32_t(type.results.size());
    fn.num_locals = fn.num_params + extra_locals;
    fn.frame_size = frame_size;
    threadForInterpreter(fn);  // hand-written in opcode form, run threaded
    FunctionInstance& f = funcs_.emplace_back();
    std::tie(f.type_id, f.type) = engine_.internTypeEntry(type);
    f.instance = &instance_;
    f.code = &fn;
    instance_.funcs.push_back(&f);
    return uint32_t(instance_.funcs.size() - 1);
  }

  // Reserves a function index whose code is filled in later (for recursion).
  uint32_t nextIndex() const { return uint32_t(instance_.funcs.size()); }

  uint32_t addHost(FuncType type, HostFunction fn) {
    instance_.funcs.push_back(store_.createHostFunction(std::move(type), std::move(fn)));
    return uint32_t(instance_.funcs.size() - 1);
  }

  MemoryInstance* addMemory(uint64_t min_pages, uint64_t max_pages) {
    MemoryInstance* mem = store_.createMemory(MemoryType{Limits{min_pages, max_pages}}).value();
    instance_.memories.push_back(mem);
    return mem;
  }

  Expect<std::vector<Value>> call(uint32_t func, std::vector<Value> args) {
    const FunctionInstance& f = *instance_.funcs[func];
    std::vector<Value> results(f.type->results.size(), Value::zero());
    WARDEN_TRY(invokeFunction(store_, store_.exec(), f, args, results));
    return results;
  }

  uint32_t callI32(uint32_t func, std::vector<uint32_t> args) {
    std::vector<Value> values;
    for (uint32_t a : args) values.push_back(Value::fromI32(a));
    auto r = call(func, values);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
    return r && !r->empty() ? (*r)[0].i32 : 0xDEADBEEF;
  }

  ErrorCode trapOf(uint32_t func, std::vector<uint32_t> args) {
    std::vector<Value> values;
    for (uint32_t a : args) values.push_back(Value::fromI32(a));
    auto r = call(func, values);
    EXPECT_FALSE(r.has_value());
    return r ? ErrorCode::HostError : r.error().code();
  }

  // Every invocation, trapped or not, must leave the context as it found it.
  void expectContextClean() {
    EXPECT_EQ(store_.exec().depth, 0u);
    EXPECT_EQ(store_.exec().stack_top, store_.exec().stack_base);
  }

  Engine engine_;
  Store store_;
  Instance instance_;
  std::deque<CompiledFunction> codes_;
  std::deque<FunctionInstance> funcs_;
};

// ---- arithmetic and data movement -----------------------------------------

TEST_F(InterpreterTest, ArithmeticOnSlots) {
  // (a, b) -> a * b + 7
  Asm a;
  a.emit(Op::I32Mul, {2, 0, 1});
  a.emit(Op::Const32, {3, 7});
  a.emit(Op::I32Add, {0, 2, 3});
  a.emit(Op::Return);
  uint32_t f = addFunction(i32s(2, 1), 0, 4, a.code);
  EXPECT_EQ(callI32(f, {6, 7}), 49u);
  EXPECT_EQ(callI32(f, {0xFFFFFFFF, 1}), 6u);  // wraps
  expectContextClean();
}

TEST_F(InterpreterTest, ResultsAreWholeSlots) {
  // Const64, i64 arithmetic, f64, and an i32 result with a zero upper half.
  Asm a;
  a.emit(Op::Const64, {0, 0x00000001, 0x00000002});  // 0x2'00000001
  a.emit(Op::Const64, {1, 0xFFFFFFFF, 0x00000000});
  a.emit(Op::I64Add, {0, 0, 1});                     // 0x3'00000000
  a.emit(Op::I32WrapI64, {1, 0});                    // 0
  a.emit(Op::I64Eqz, {2, 0});                        // 0
  a.emit(Op::Return);
  uint32_t f = addFunction(FuncType{{}, {ValType::I64, ValType::I32, ValType::I32}}, 0, 3, a.code);
  auto r = call(f, {});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].i64, 0x300000000ull);
  EXPECT_EQ((*r)[1].bits, 0u);
  EXPECT_EQ((*r)[2].bits, 0u);

  Asm b;
  b.emit(Op::F64Mul, {0, 0, 1});
  b.emit(Op::F64Sqrt, {0, 0});
  b.emit(Op::Return);
  uint32_t g = addFunction(FuncType{{ValType::F64, ValType::F64}, {ValType::F64}}, 0, 2, b.code);
  auto s = call(g, {Value::fromF64(2.0), Value::fromF64(8.0)});
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ((*s)[0].f64, 4.0);
}

TEST_F(InterpreterTest, TrappingNumericOps) {
  Asm a;
  a.emit(Op::I32DivS, {0, 0, 1});
  a.emit(Op::Return);
  uint32_t div = addFunction(i32s(2, 1), 0, 2, a.code);
  EXPECT_EQ(callI32(div, {uint32_t(-9), 2}), uint32_t(-4));
  EXPECT_EQ(trapOf(div, {1, 0}), ErrorCode::IntegerDivideByZero);
  EXPECT_EQ(trapOf(div, {0x80000000, uint32_t(-1)}), ErrorCode::IntegerOverflow);

  Asm b;
  b.emit(Op::I32TruncF32S, {0, 0});
  b.emit(Op::Return);
  uint32_t trunc = addFunction(FuncType{{ValType::F32}, {ValType::I32}}, 0, 1, b.code);
  auto nan = call(trunc, {Value::fromF32(std::numeric_limits<float>::quiet_NaN())});
  ASSERT_FALSE(nan.has_value());
  EXPECT_EQ(nan.error().code(), ErrorCode::InvalidConversionToInteger);
  expectContextClean();
}

TEST_F(InterpreterTest, SelectMoveGlobalsAndRefs) {
  GlobalInstance* g = store_.createGlobal(GlobalType{ValType::I32, true}, Value::fromI32(40));
  instance_.globals.push_back(g);
  // (a, b, c) -> (c ? a : b) + global; global := result; also ref.is_null(ref.func 0).
  Asm a;
  a.emit(Op::Select, {3, 0, 1, 2});
  a.emit(Op::GlobalGet, {4, 0});
  a.emit(Op::I32Add, {3, 3, 4});
  a.emit(Op::GlobalSet, {0, 3});
  a.emit(Op::Move, {0, 3});
  a.emit(Op::RefFunc, {4, 0});
  a.emit(Op::RefIsNull, {1, 4});
  a.emit(Op::RefNull, {4});
  a.emit(Op::RefIsNull, {2, 4});
  a.emit(Op::Return);
  uint32_t f = addFunction(i32s(3, 3), 0, 5, a.code);
  auto r = call(f, {Value::fromI32(1), Value::fromI32(2), Value::fromI32(1)});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].i32, 41u);
  EXPECT_EQ((*r)[1].i32, 0u);  // ref.func is not null
  EXPECT_EQ((*r)[2].i32, 1u);
  EXPECT_EQ(g->value.i32, 41u);
  EXPECT_EQ(callI32(f, {1, 2, 0}), 43u);  // b + 41
}

// ---- branches ---------------------------------------------------------------

// sum(n) = n + (n-1) + ... + 1, with a loop and a LoopCheck at its header.
std::vector<uint32_t> sumLoop() {
  Asm a;
  uint32_t loop = a.here();
  a.emit(Op::LoopCheck);
  uint32_t exit_branch = a.emit(Op::BrUnless, {0, 0});
  a.emit(Op::I32Add, {1, 1, 0});
  a.emit(Op::Const32, {2, 1});
  a.emit(Op::I32Sub, {0, 0, 2});
  a.emit(Op::Br, {loop});
  a.patch(exit_branch, 1, a.here());
  a.emit(Op::Move, {0, 1});
  a.emit(Op::Return);
  return a.code;
}

TEST_F(InterpreterTest, LoopWithBranches) {
  uint32_t f = addFunction(i32s(1, 1), 1, 3, sumLoop());
  EXPECT_EQ(callI32(f, {0}), 0u);
  EXPECT_EQ(callI32(f, {100}), 5050u);
  // Declared locals start at zero on every call, whatever the stack held.
  EXPECT_EQ(callI32(f, {3}), 6u);
}

TEST_F(InterpreterTest, BrTableTakesDefaultWhenOutOfRange) {
  Asm a;
  uint32_t table = a.emit(Op::BrTable, {0, 2, 0, 0, 0});
  uint32_t values[] = {100, 200, 300};
  for (uint32_t i = 0; i < 3; ++i) {
    a.patch(table, 2 + i, a.here());
    a.emit(Op::Const32, {0, values[i]});
    a.emit(Op::Return);
  }
  uint32_t f = addFunction(i32s(1, 1), 0, 1, a.code);
  EXPECT_EQ(callI32(f, {0}), 100u);
  EXPECT_EQ(callI32(f, {1}), 200u);
  EXPECT_EQ(callI32(f, {2}), 300u);
  EXPECT_EQ(callI32(f, {99}), 300u);
  EXPECT_EQ(callI32(f, {0xFFFFFFFF}), 300u);
}

TEST_F(InterpreterTest, UnreachableTraps) {
  Asm a;
  a.emit(Op::Unreachable);
  addFunction(i32s(0, 0), 0, 0, {uint32_t(Op::Return)});
  uint32_t f = addFunction(i32s(0, 0), 0, 0, a.code);
  auto r = call(f, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), ErrorCode::Unreachable);
  EXPECT_EQ(r.error().detail(), "in function 1");  // names the trapping function
  expectContextClean();
}

// ---- calls ------------------------------------------------------------------

TEST_F(InterpreterTest, CallsWithMultipleResults) {
  // divmod(a, b) -> (a / b, a % b)
  Asm d;
  d.emit(Op::I32DivU, {2, 0, 1});
  d.emit(Op::I32RemU, {1, 0, 1});
  d.emit(Op::Move, {0, 2});
  d.emit(Op::Return);
  uint32_t divmod = addFunction(i32s(2, 2), 0, 3, d.code);
  // f(a, b) -> q * 10 + r, keeping a local live across the call.
  Asm f;
  f.emit(Op::Const32, {2, 10});
  f.emit(Op::Move, {3, 0});
  f.emit(Op::Move, {4, 1});
  f.emit(Op::Call, {divmod, 3});
  f.emit(Op::I32Mul, {3, 3, 2});
  f.emit(Op::I32Add, {0, 3, 4});
  f.emit(Op::Return);
  uint32_t caller = addFunction(i32s(2, 1), 1, 5, f.code);
  EXPECT_EQ(callI32(caller, {47, 5}), 92u);
  EXPECT_EQ(trapOf(caller, {1, 0}), ErrorCode::IntegerDivideByZero);  // trap inside the callee
  expectContextClean();
}

TEST_F(InterpreterTest, DeclaredLocalsStartAtZeroWhateverTheCallerLeftThere) {
  // sum(x) with `n` declared locals returns x + their sum (always x); each
  // is called from a function that first fills the slots above its own
  // frame with garbage (a call to `dirty`, whose frame lies there).
  Asm dirty;
  for (uint32_t s = 1; s < 6; ++s) dirty.emit(Op::Const32, {s, 0xDEAD});
  dirty.emit(Op::Return);
  uint32_t f_dirty = addFunction(i32s(1, 1), 5, 6, dirty.code);
  for (uint32_t n : {1u, 2u, 3u, 5u}) {
    Asm sum;
    for (uint32_t i = 1; i <= n; ++i) sum.emit(Op::I32Add, {0, 0, i});
    sum.emit(Op::Return);
    uint32_t f_sum = addFunction(i32s(1, 1), n, 1 + n, sum.code);
    Asm caller;
    caller.emit(Op::Move, {1, 0});
    caller.emit(Op::Call, {f_dirty, 1});
    caller.emit(Op::Move, {1, 0});
    caller.emit(Op::Call, {f_sum, 1});
    caller.emit(Op::Move, {0, 1});
    caller.emit(Op::Return);
    uint32_t f_caller = addFunction(i32s(1, 1), 0, 2, caller.code);
    EXPECT_EQ(callI32(f_caller, {7}), 7u) << n << " declared locals";
  }
  expectContextClean();
}

TEST_F(InterpreterTest, RecursiveFibonacci) {
  uint32_t self = nextIndex();
  Asm a;
  a.emit(Op::Const32, {1, 2});
  a.emit(Op::I32LtU, {1, 0, 1});
  uint32_t recurse = a.emit(Op::BrUnless, {1, 0});
  a.emit(Op::Return);
  a.patch(recurse, 1, a.here());
  a.emit(Op::Const32, {2, 1});
  a.emit(Op::I32Sub, {1, 0, 2});
  a.emit(Op::Call, {self, 1});
  a.emit(Op::Const32, {3, 2});
  a.emit(Op::I32Sub, {2, 0, 3});
  a.emit(Op::Call, {self, 2});
  a.emit(Op::I32Add, {0, 1, 2});
  a.emit(Op::Return);
  ASSERT_EQ(addFunction(i32s(1, 1), 0, 4, a.code), self);
  EXPECT_EQ(callI32(self, {20}), 6765u);
  expectContextClean();
}

// f(x) = f(x): unbounded recursion.
std::vector<uint32_t> runawayRecursion(uint32_t self) {
  Asm a;
  a.emit(Op::Move, {1, 0});
  a.emit(Op::Call, {self, 1});
  a.emit(Op::Return);
  return a.code;
}

TEST_F(InterpreterTest, DeepRecursionTrapsAndTheStoreSurvives) {
  uint32_t self = nextIndex();
  addFunction(i32s(1, 1), 0, 2, runawayRecursion(self));
  EXPECT_EQ(trapOf(self, {1}), ErrorCode::CallStackExhausted);
  expectContextClean();
  // Deep but bounded recursion still works afterwards.
  uint32_t count = nextIndex();
  Asm a;  // count(n) = n == 0 ? 0 : count(n - 1) + 1
  uint32_t recurse = a.emit(Op::BrIf, {0, 0});
  a.emit(Op::Return);
  a.patch(recurse, 1, a.here());
  a.emit(Op::Const32, {1, 1});
  a.emit(Op::I32Sub, {1, 0, 1});
  a.emit(Op::Call, {count, 1});  // the callee's frame covers slots 1.. of ours
  a.emit(Op::Const32, {2, 1});
  a.emit(Op::I32Add, {0, 1, 2});
  a.emit(Op::Return);
  addFunction(i32s(1, 1), 0, 3, a.code);
  EXPECT_EQ(callI32(count, {50'000}), 50'000u);
  expectContextClean();
}

class SmallStackTest : public InterpreterTest {
 protected:
  SmallStackTest() : InterpreterTest(EngineConfig{1'000'000, 4096}) {}
};

TEST_F(SmallStackTest, ValueStackExhaustionTraps) {
  uint32_t self = nextIndex();
  addFunction(i32s(1, 1), 0, 100, runawayRecursion(self));  // big frames: the value stack runs out first
  EXPECT_EQ(trapOf(self, {1}), ErrorCode::CallStackExhausted);
  expectContextClean();
  // An entry frame bigger than the whole stack is refused up front.
  uint32_t huge = addFunction(i32s(0, 0), 0, 5000, {uint32_t(Op::Return)});
  EXPECT_EQ(trapOf(huge, {}), ErrorCode::CallStackExhausted);
}

TEST_F(InterpreterTest, CallIndirectChecksIndexNullAndType) {
  Asm add;
  add.emit(Op::I32Add, {0, 0, 1});
  add.emit(Op::Return);
  uint32_t f_add = addFunction(i32s(2, 1), 0, 2, add.code);
  uint32_t f_unary = addFunction(i32s(1, 1), 0, 1, {uint32_t(Op::Return)});
  TableInstance* table = store_.createTable(TableType{ValType::FuncRef, Limits{3, {}}}).value();
  table->elems = {Ref(instance_.funcs[f_add]), kNullRef, Ref(instance_.funcs[f_unary])};
  instance_.tables.push_back(table);
  instance_.type_ids = {engine_.internType(i32s(2, 1))};
  // dispatch(i) = table[i](20, 22) with type 0
  Asm a;
  a.emit(Op::Const32, {1, 20});
  a.emit(Op::Const32, {2, 22});
  a.emit(Op::CallIndirect, {0, 0, 0, 1});
  a.emit(Op::Move, {0, 1});
  a.emit(Op::Return);
  uint32_t dispatch = addFunction(i32s(1, 1), 0, 3, a.code);
  EXPECT_EQ(callI32(dispatch, {0}), 42u);
  EXPECT_EQ(trapOf(dispatch, {1}), ErrorCode::UninitializedElement);
  EXPECT_EQ(trapOf(dispatch, {2}), ErrorCode::IndirectCallTypeMismatch);
  EXPECT_EQ(trapOf(dispatch, {3}), ErrorCode::UndefinedElement);
  expectContextClean();
}

// ---- host functions ---------------------------------------------------------

TEST_F(InterpreterTest, HostCallsMayReenterTheInterpreter) {
  Asm inc;
  inc.emit(Op::Const32, {1, 1});
  inc.emit(Op::I32Add, {0, 0, 1});
  inc.emit(Op::Return);
  uint32_t f_inc = addFunction(i32s(1, 1), 0, 2, inc.code);
  Value* outer_frame_end = nullptr;
  // host(x) = (inc(x) via a nested invocation, x * 2)
  uint32_t host = addHost(i32s(1, 2), [&](HostCall& hc, std::span<const Value> args, std::span<Value> results) -> Expect<void> {
    EXPECT_EQ(hc.caller, &instance_);
    EXPECT_GE(store_.exec().stack_top, outer_frame_end);
    Value r;
    WARDEN_TRY(invokeFunction(hc.store, hc.store.exec(), *instance_.funcs[f_inc], args, std::span<Value>(&r, 1)));
    results[0] = r;
    results[1] = Value::fromI32(args[0].i32 * 2);
    return {};
  });
  // outer(x) = a + b + 1000 where (a, b) = host(x); slot 1 survives the call.
  Asm a;
  a.emit(Op::Const32, {1, 1000});
  a.emit(Op::Move, {2, 0});
  a.emit(Op::Call, {host, 2});
  a.emit(Op::I32Add, {2, 2, 3});
  a.emit(Op::I32Add, {0, 2, 1});
  a.emit(Op::Return);
  uint32_t outer = addFunction(i32s(1, 1), 0, 4, a.code);
  outer_frame_end = store_.exec().stack_base + 4;
  EXPECT_EQ(callI32(outer, {10}), 11u + 20u + 1000u);
  expectContextClean();
}

TEST_F(InterpreterTest, HostErrorsPropagateUnchanged) {
  uint32_t host = addHost(i32s(0, 0), [](HostCall&, std::span<const Value>, std::span<Value>) -> Expect<void> {
    return fail(ErrorCode::HostTrap, "boom");
  });
  Asm a;
  a.emit(Op::Call, {host, 0});
  a.emit(Op::Return);
  uint32_t f = addFunction(i32s(0, 0), 0, 0, a.code);
  auto r = call(f, {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), ErrorCode::HostTrap);
  EXPECT_EQ(r.error().detail(), "boom");
  // Host functions may also be invoked directly.
  auto direct = call(host, {});
  ASSERT_FALSE(direct.has_value());
  EXPECT_EQ(direct.error().code(), ErrorCode::HostTrap);
  expectContextClean();
}

// ---- limits -----------------------------------------------------------------

TEST_F(InterpreterTest, InterruptStopsAnInfiniteLoop) {
  uint32_t calls = 0;
  uint32_t host = addHost(i32s(0, 0), [&](HostCall& hc, std::span<const Value>, std::span<Value>) -> Expect<void> {
    if (++calls == 1000) hc.store.interrupt();
    return {};
  });
  Asm a;
  uint32_t loop = a.emit(Op::LoopCheck);
  a.emit(Op::Call, {host, 0});
  a.emit(Op::Br, {loop});
  uint32_t spin = addFunction(i32s(0, 0), 0, 0, a.code);
  EXPECT_EQ(trapOf(spin, {}), ErrorCode::Interrupted);
  EXPECT_EQ(calls, 1000u);
  expectContextClean();
  // The request is consumed: the store runs again.
  uint32_t sum = addFunction(i32s(1, 1), 1, 3, sumLoop());
  EXPECT_EQ(callI32(sum, {10}), 55u);
  store_.interrupt();
  EXPECT_EQ(trapOf(sum, {10}), ErrorCode::Interrupted);
}

TEST_F(InterpreterTest, FuelMetersLoopsAndCalls) {
  uint32_t sum = addFunction(i32s(1, 1), 1, 3, sumLoop());
  // One unit for the entry call, one per loop header visit (n + 1).
  store_.setFuel(12);
  EXPECT_EQ(callI32(sum, {10}), 55u);
  EXPECT_EQ(store_.fuelRemaining(), 0u);
  store_.setFuel(11);
  EXPECT_EQ(trapOf(sum, {10}), ErrorCode::OutOfFuel);
  expectContextClean();
  store_.setFuel(std::nullopt);
  EXPECT_EQ(callI32(sum, {10}), 55u);
}

// ---- memory -----------------------------------------------------------------

TEST_F(InterpreterTest, MemoryLoadsStoresAndBounds) {
  addMemory(1, 2);
  // store(addr, v) then return load8_s, load16_u, load32 at addr (offset 0).
  Asm a;
  a.emit(Op::I32Store, {0, 1, 0});
  a.emit(Op::I32Load8S, {2, 0, 0});
  a.emit(Op::I32Load16U, {3, 0, 0});
  a.emit(Op::I64Load32S, {4, 0, 0});
  a.emit(Op::Move, {0, 2});
  a.emit(Op::Move, {1, 3});
  a.emit(Op::Move, {2, 4});
  a.emit(Op::Return);
  uint32_t f = addFunction(FuncType{{ValType::I32, ValType::I32}, {ValType::I32, ValType::I32, ValType::I64}}, 0, 5,
                           a.code);
  auto r = call(f, {Value::fromI32(65532), Value::fromI32(0x8001FF80)});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].i32, 0xFFFFFF80u);
  EXPECT_EQ((*r)[1].i32, 0xFF80u);
  EXPECT_EQ((*r)[2].i64, 0xFFFFFFFF8001FF80ull);
  EXPECT_EQ(trapOf(f, {65533, 0}), ErrorCode::MemoryOutOfBounds);
  EXPECT_EQ(trapOf(f, {0xFFFFFFFF, 0}), ErrorCode::MemoryOutOfBounds);

  // A large static offset must not wrap around.
  Asm b;
  b.emit(Op::I32Load, {0, 0, 0xFFFFFFFF});
  b.emit(Op::Return);
  uint32_t far = addFunction(i32s(1, 1), 0, 1, b.code);
  EXPECT_EQ(trapOf(far, {1}), ErrorCode::MemoryOutOfBounds);
  expectContextClean();
}

TEST_F(InterpreterTest, OutOfBoundsFaultsAreTrapsAtEveryDistance) {
  // Scalar accesses check no bounds: the guard region's page faults become
  // traps (memory_faults.h). Every width, just past the end, far past it,
  // and at the largest address plus offset; the store keeps working.
  MemoryInstance* mem = addMemory(1, 3);
  Asm load, store, rmw;
  load.emit(Op::I64Load, {0, 0, 0});
  load.emit(Op::Return);
  store.emit(Op::I32Store16, {0, 1, 0xFFFFFFFF});
  store.emit(Op::Return);
  rmw.emit(Op::I32AddImmMem, {0, 4, 1});
  rmw.emit(Op::Return);
  uint32_t f_load = addFunction(i32s(1, 1), 0, 1, load.code);
  uint32_t f_store = addFunction(i32s(2, 0), 0, 2, store.code);
  uint32_t f_rmw = addFunction(i32s(1, 0), 0, 1, rmw.code);
  for (uint32_t addr : {65529u, 65536u, 1u << 20, 0x7FFFFFFFu, 0xFFFFFFFFu}) {
    EXPECT_EQ(trapOf(f_load, {addr}), ErrorCode::MemoryOutOfBounds) << addr;
    EXPECT_EQ(trapOf(f_rmw, {addr}), ErrorCode::MemoryOutOfBounds) << addr;
    expectContextClean();
  }
  EXPECT_EQ(trapOf(f_store, {0xFFFFFFFF, 7}), ErrorCode::MemoryOutOfBounds);  // 2^33 - 2: the guard's end
  EXPECT_EQ(trapOf(f_store, {0, 7}), ErrorCode::MemoryOutOfBounds);
  EXPECT_EQ(callI32(f_load, {65528}), 0u);  // the last 8 bytes are in bounds
  // Grown memory is reachable at once; what lies past it still traps.
  ASSERT_EQ(mem->grow(1), 1);
  std::memset(mem->base + 65536, 0xAB, 8);
  EXPECT_EQ(callI32(f_load, {65536}), 0xABABABABu);
  EXPECT_EQ(trapOf(f_load, {2 * 65536 - 4}), ErrorCode::MemoryOutOfBounds);
  ASSERT_TRUE(call(f_rmw, {Value::fromI32(65536 - 4)}).has_value());  // +1 at 65536
  EXPECT_EQ(mem->base[65536], 0xAC);
  expectContextClean();
}

TEST_F(InterpreterTest, AFaultInANestedInvocationLandsInThatInvocation) {
  addMemory(1, 1);
  Asm oob;
  oob.emit(Op::I32Load, {0, 0, 0});
  oob.emit(Op::Return);
  uint32_t f_oob = addFunction(i32s(1, 1), 0, 1, oob.code);
  // The host calls f_oob out of bounds; the inner trap comes back to it as
  // an error, and the outer invocation goes on.
  uint32_t host = addHost(i32s(1, 1), [&](HostCall& hc, std::span<const Value> args, std::span<Value> results) -> Expect<void> {
    Value r;
    auto inner = invokeFunction(hc.store, hc.store.exec(), *instance_.funcs[f_oob], args, std::span<Value>(&r, 1));
    results[0] = Value::fromI32(!inner && inner.error().code() == ErrorCode::MemoryOutOfBounds ? 1 : 0);
    return {};
  });
  Asm outer;
  outer.emit(Op::Call, {host, 0});
  outer.emit(Op::Move, {1, 0});
  outer.emit(Op::Const32, {0, 16});
  outer.emit(Op::I32Load, {0, 0, 0});  // in bounds: 0
  outer.emit(Op::I32Add, {0, 0, 1});
  outer.emit(Op::Return);
  uint32_t f_outer = addFunction(i32s(1, 1), 0, 2, outer.code);
  EXPECT_EQ(callI32(f_outer, {70000}), 1u);
  expectContextClean();
  // And a fault in the outer invocation after the nested one returned.
  EXPECT_EQ(trapOf(f_oob, {65535}), ErrorCode::MemoryOutOfBounds);
}

using MemoryFaultDeathTest = InterpreterTest;
TEST_F(MemoryFaultDeathTest, FaultsOutsideGuestMemoryStillCrash) {
  // Once the handler is installed (any compiled code installs it), a fault
  // that is not a guest's access still ends the process.
  addMemory(1, 1);
  Asm a;
  a.emit(Op::Return);
  callI32(addFunction(i32s(1, 1), 0, 1, a.code), {0});
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        volatile int* nowhere = reinterpret_cast<volatile int*>(uintptr_t(16));
        *nowhere = 1;
      },
      "");
}

TEST_F(InterpreterTest, LoadFromSlotPlusImmediateWrapsLikeAnAdd) {
  MemoryInstance* mem = addMemory(1, 1);
  mem->base[12] = 0x5A;
  // load8_u at u32(fp[0] + 8) + 4: i32.add wraps before the offset is added.
  Asm a;
  a.emit(Op::I32Load8UAddImm, {0, 0, 8, 4});
  a.emit(Op::Return);
  uint32_t f = addFunction(i32s(1, 1), 0, 1, a.code);
  EXPECT_EQ(callI32(f, {0}), 0x5Au);
  EXPECT_EQ(callI32(f, {0xFFFFFFFCu}), 0u);  // wraps to address 4, in bounds
  EXPECT_EQ(trapOf(f, {65524}), ErrorCode::MemoryOutOfBounds);  // 65532 + 4
  expectContextClean();
}

TEST_F(InterpreterTest, IndexedAccessesWrapLikeTheOpsTheyReplace) {
  addMemory(1, 1);
  // store fp[2] at u32(fp[0] + (fp[1] << 2)) + 8, then load it back through
  // the AddImm forms at u32(fp[0] + 8) + (fp[1] << 2) with fp[1] = 0.
  Asm a;
  a.emit(Op::I32StoreIndexed, {0, 1, 2, 2, 8});
  a.emit(Op::I32LoadIndexed, {3, 0, 1, 2, 8});
  a.emit(Op::I32StoreAddImm, {0, 100, 3, 0});
  a.emit(Op::I32LoadAddImm, {0, 0, 100, 0});
  a.emit(Op::Return);
  uint32_t f = addFunction(i32s(3, 1), 1, 4, a.code);
  EXPECT_EQ(callI32(f, {16, 3, 0xABCD}), 0xABCDu);
  // 0xFFFFFFF0 + (5 << 2) wraps to 4 and 0xFFFFFFF0 + 100 to 84: both in
  // bounds, as i32.shl + i32.add would give, so the value makes the round trip.
  EXPECT_EQ(callI32(f, {0xFFFFFFF0u, 5, 77}), 77u);
  EXPECT_EQ(trapOf(f, {65528, 0, 1}), ErrorCode::MemoryOutOfBounds);  // 65528 + 8 + 4 > 65536
  expectContextClean();
}

TEST_F(InterpreterTest, MemoryGrownByACalleeIsSeenAfterItReturns) {
  // Return reloads the memory cache only when the instance changes: a callee
  // in the same instance that grows memory must leave the cache current.
  addMemory(1, 2);
  Asm grow;
  grow.emit(Op::Const32, {0, 1});
  grow.emit(Op::MemoryGrow, {0, 0});
  grow.emit(Op::Return);
  uint32_t grower = addFunction(i32s(0, 1), 0, 1, grow.code);
  Asm a;
  a.emit(Op::Call, {grower, 1});
  a.emit(Op::Const32, {1, 65536});
  a.emit(Op::I32Load, {0, 1, 0});  // in the second page: traps unless the cache saw the growth
  a.emit(Op::Return);
  uint32_t f = addFunction(i32s(0, 1), 0, 2, a.code);
  EXPECT_EQ(callI32(f, {}), 0u);
  expectContextClean();
}

TEST_F(InterpreterTest, SixtyFourBitImmediates) {
  // fp[0].f64 * 2.5, and fp[1].i64 << (65 & 63).
  Asm a;
  a.emit(Op::F64MulImm, {0, 0, 0, 0x40040000u});  // 2.5
  a.emit(Op::I64ShlImm, {1, 1, 65, 0});
  a.emit(Op::Return);
  uint32_t f = addFunction(FuncType{{ValType::F64, ValType::I64}, {ValType::F64, ValType::I64}}, 0, 2, a.code);
  auto r = call(f, {Value::fromF64(3.0), Value::fromI64(0x8000000000000003ull)});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].f64, 7.5);
  EXPECT_EQ((*r)[1].i64, 6u);
}

TEST_F(InterpreterTest, FusedPairsComputeBothOps) {
  // fp[0] = fp[0] - fp[1] * fp[2] (f64); fp[3] = fp[3] ^ rotl(fp[4], 8) (i32);
  // fp[5] = fp[5] + (fp[3] + fp[4]) wrapping. Each result overwrites an operand.
  Asm a;
  a.emit(Op::F64MulSqrt, {1, 1, 2});    // 1.5 * sqrt(4) = 3: fp[0] below is 10 - 3 * 4
  a.emit(Op::F64MulSub, {0, 0, 1, 2});
  a.emit(Op::I32XorRotlImm, {3, 3, 4, 8});
  a.emit(Op::I32AddAdd, {5, 5, 3, 4});
  a.emit(Op::I32MulAdd, {4, 4, 4, 3});  // fp[4] + fp[4] * fp[3] = 0x81000001 * (1 + 0xFF ^ 0x181), wrapping
  a.emit(Op::I32OrAnd, {6, 3, 4, 5});   // fp[6..8]: bitwise pairs of fp[3], fp[4], fp[5]
  a.emit(Op::I32AndXor, {7, 3, 4, 5});
  a.emit(Op::I32XorAnd, {8, 3, 4, 5});
  a.emit(Op::Move, {1, 3});
  a.emit(Op::Move, {2, 5});
  a.emit(Op::Move, {3, 4});
  a.emit(Op::Move3, {4, 6, 5, 7, 6, 8});  // in order: the first move reads fp[6] before the third writes it
  a.emit(Op::Return);
  FuncType type{{ValType::F64, ValType::F64, ValType::F64, ValType::I32, ValType::I32, ValType::I32},
                {ValType::F64, ValType::I32, ValType::I32, ValType::I32, ValType::I32, ValType::I32, ValType::I32}};
  uint32_t f = addFunction(type, 3, 9, a.code);
  auto r = call(f, {Value::fromF64(10.0), Value::fromF64(1.5), Value::fromF64(4.0), Value::fromI32(0xFF),
                    Value::fromI32(0x81000001), Value::fromI32(0xFFFFFFFF)});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].f64, -2.0);
  EXPECT_EQ((*r)[1].i32, 0xFFu ^ 0x181u);                         // rotl(0x81000001, 8) = 0x00000181
  EXPECT_EQ((*r)[2].i32, uint32_t(0xFFFFFFFFu + (0x17Eu + 0x81000001u)));  // wraps
  EXPECT_EQ((*r)[3].i32, uint32_t(0x81000001u + 0x81000001u * 0x17Eu));    // wraps
  uint32_t x = 0x17E, y = uint32_t(0x81000001u + 0x81000001u * 0x17Eu), z = (*r)[2].i32;
  EXPECT_EQ((*r)[4].i32, x | (y & z));
  EXPECT_EQ((*r)[5].i32, x & (y ^ z));
  EXPECT_EQ((*r)[6].i32, x ^ (y & z));
}

TEST_F(InterpreterTest, ReadModifyWriteOpsUpdateMemoryInPlace) {
  MemoryInstance* mem = addMemory(1, 1);
  // f(addr, x, y): m64[addr] += x; m64[addr+8] -= x; m64[addr+16] += x*y; m64[addr+24] -= x*y;
  // m32[addr+32] += 7; m32[addr+36] += m32[addr+32] (read back through a load).
  Asm a;
  a.emit(Op::F64AddMem, {0, 0, 1});
  a.emit(Op::F64SubMem, {0, 8, 1});
  a.emit(Op::F64MulAddMem, {0, 16, 1, 2});
  a.emit(Op::F64MulSubMem, {0, 24, 1, 2});
  a.emit(Op::I32AddImmMem, {0, 32, 7});
  a.emit(Op::I32Load, {3, 0, 32});
  a.emit(Op::I32AddMem, {0, 36, 3});
  a.emit(Op::Return);
  uint32_t f = addFunction(FuncType{{ValType::I32, ValType::F64, ValType::F64}, {}}, 1, 4, a.code);
  auto put64 = [&](uint32_t at, double v) { std::memcpy(mem->base + at, &v, 8); };
  auto get64 = [&](uint32_t at) { double v; std::memcpy(&v, mem->base + at, 8); return v; };
  auto put32 = [&](uint32_t at, uint32_t v) { std::memcpy(mem->base + at, &v, 4); };
  auto get32 = [&](uint32_t at) { uint32_t v; std::memcpy(&v, mem->base + at, 4); return v; };
  put64(64, 1.0), put64(72, 1.0), put64(80, 1.0), put64(88, 1.0), put32(96, 0xFFFFFFFC), put32(100, 10);
  ASSERT_TRUE(call(f, {Value::fromI32(64), Value::fromF64(0.5), Value::fromF64(3.0)}).has_value());
  EXPECT_EQ(get64(64), 1.5);
  EXPECT_EQ(get64(72), 0.5);
  EXPECT_EQ(get64(80), 2.5);
  EXPECT_EQ(get64(88), -0.5);
  EXPECT_EQ(get32(96), 3u);       // wraps
  EXPECT_EQ(get32(100), 13u);
  // Out of bounds: traps, and nothing is written.
  put64(65528, 2.0);
  Asm b;
  b.emit(Op::F64AddMem, {0, 0, 1});
  b.emit(Op::Return);
  uint32_t g = addFunction(FuncType{{ValType::I32, ValType::F64}, {}}, 0, 2, b.code);
  auto oob = call(g, {Value::fromI32(65529), Value::fromF64(1.0)});
  ASSERT_FALSE(oob.has_value());
  EXPECT_EQ(oob.error().code(), ErrorCode::MemoryOutOfBounds);
  EXPECT_EQ(get64(65528), 2.0);
  ASSERT_TRUE(call(g, {Value::fromI32(65528), Value::fromF64(1.0)}).has_value());  // the last 8 bytes fit
  EXPECT_EQ(get64(65528), 3.0);
  expectContextClean();
}

TEST_F(InterpreterTest, BackEdgeBranchesMeterFuelLikeTheLoopCheck) {
  // Counts fp[0] down to 0 through each back-edge form; each iteration costs
  // one unit of fuel, as with a LoopCheck at the header.
  auto countdown = [&](Op back_edge) {
    Asm a;
    uint32_t loop = a.emit(Op::LoopCheck);
    a.emit(Op::I32SubImm, {0, 0, 1});
    if (back_edge == Op::BrIfLoop) {
      a.emit(Op::BrIfLoop, {0, loop + 1});
    } else {
      a.emit(Op::BrIfI32NeImmLoop, {0, 0, loop + 1});
    }
    a.emit(Op::Return);
    return addFunction(i32s(1, 1), 0, 1, a.code);
  };
  for (Op op : {Op::BrIfLoop, Op::BrIfI32NeImmLoop}) {
    uint32_t f = countdown(op);
    store_.setFuel(11);  // the call, the first LoopCheck, 9 back edges
    EXPECT_EQ(callI32(f, {10}), 0u);
    EXPECT_EQ(store_.fuelRemaining(), 0u);
    store_.setFuel(10);
    EXPECT_EQ(trapOf(f, {10}), ErrorCode::OutOfFuel);
    store_.setFuel(std::nullopt);
    EXPECT_EQ(callI32(f, {10}), 0u);
  }
  // The counter step joined with the branch: same count, same fuel.
  Asm c;
  uint32_t top = c.emit(Op::LoopHeader);
  c.emit(Op::I32AddImmBrIfI32LtUImmLoop, {0, 3, 30, top});  // i += 3 while i < 30
  c.emit(Op::Return);
  uint32_t stepper = addFunction(i32s(1, 1), 0, 1, c.code);
  store_.setFuel(10);  // the call and 9 taken back edges (3, 6, ..., 27)
  EXPECT_EQ(callI32(stepper, {0}), 30u);
  EXPECT_EQ(store_.fuelRemaining(), 0u);
  store_.setFuel(std::nullopt);
  Asm d;
  uint32_t down = d.emit(Op::LoopHeader);
  d.emit(Op::I32AddImmBrIfLoop, {0, 0xFFFFFFFFu, down});  // i -= 1 while i != 0
  d.emit(Op::Return);
  EXPECT_EQ(callI32(addFunction(i32s(1, 1), 0, 1, d.code), {1000}), 0u);
  // An unconditional back edge: stopped by fuel, then the store runs again.
  Asm b;
  uint32_t spin = b.emit(Op::LoopCheck);
  b.emit(Op::BrLoop, {spin + 1});
  uint32_t g = addFunction(i32s(0, 0), 0, 0, b.code);
  store_.setFuel(5000);
  EXPECT_EQ(trapOf(g, {}), ErrorCode::OutOfFuel);
  EXPECT_EQ(store_.fuelRemaining(), 0u);
  store_.setFuel(std::nullopt);
  expectContextClean();
}

TEST_F(InterpreterTest, LoadStepAdvancesThePointerThenLoads) {
  MemoryInstance* mem = addMemory(1, 1);
  for (uint32_t i = 0; i < 8; ++i) std::memcpy(mem->base + 4 * i, &i, 4);
  // f(p) = (*(p += 8) [offset 4], p)
  Asm a;
  a.emit(Op::I32LoadStep, {1, 0, 8, 4});
  a.emit(Op::Move2, {2, 0, 0, 1});
  a.emit(Op::Move, {1, 2});
  a.emit(Op::Return);
  uint32_t f = addFunction(i32s(1, 2), 1, 3, a.code);
  auto r = call(f, {Value::fromI32(4)});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].i32, 4u);   // the word at 4 + 8 + 4 = 16
  EXPECT_EQ((*r)[1].i32, 12u);  // p stepped
  auto oob = call(f, {Value::fromI32(65528)});
  ASSERT_FALSE(oob.has_value());
  EXPECT_EQ(oob.error().code(), ErrorCode::MemoryOutOfBounds);
  expectContextClean();
}

TEST_F(InterpreterTest, F64OpsWithAMemoryOperand) {
  MemoryInstance* mem = addMemory(1, 1);
  double three = 3.0, half = 0.5;
  std::memcpy(mem->base + 24, &three, 8);
  std::memcpy(mem->base + 40, &half, 8);
  // f(p, x) = ((x + m[p+8]) - m[u32(p + 16) + 8]) * m[p+8]   with m[24] = 3, m[40] = 0.5
  Asm a;
  a.emit(Op::F64AddLoad, {2, 1, 0, 8});
  a.emit(Op::F64SubLoadAddImm, {2, 2, 0, 16, 8});
  a.emit(Op::F64MulLoad, {2, 2, 0, 8});
  a.emit(Op::F64AddLoadAddImm, {3, 1, 0, 0xFFFFFFF0u, 40});  // u32(p - 16) + 40 = 40
  a.emit(Op::F64MulLoadAddImm, {3, 3, 0, 0xFFFFFFF0u, 40});  // u32(p - 16) + 40 = p + 24: m[40]
  a.emit(Op::F64SubLoad, {3, 3, 0, 24});                        // minus m[p + 24] = m[40]
  a.emit(Op::F64MulImmLoad, {2, 0, 8, 0, 0x40000000u});         // overwrites fp[2]: m[24] * 2.0 (see below)
  a.emit(Op::Move2, {0, 2, 1, 3});
  a.emit(Op::Return);
  uint32_t f = addFunction(FuncType{{ValType::I32, ValType::F64}, {ValType::F64, ValType::F64}}, 2, 4, a.code);
  auto r = call(f, {Value::fromI32(16), Value::fromF64(1.0)});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].f64, 3.0 * 2.0);
  EXPECT_EQ((*r)[1].f64, (1.0 + 0.5) * 0.5 - 0.5);
  auto oob = call(f, {Value::fromI32(65530), Value::fromF64(1.0)});
  ASSERT_FALSE(oob.has_value());
  EXPECT_EQ(oob.error().code(), ErrorCode::MemoryOutOfBounds);
  expectContextClean();
}

TEST_F(InterpreterTest, RotationAndShiftChainsComputeEachPart) {
  // (x, a) -> (rotl2_xor, rotl3_xor, rotl2_xor_shr_u, a ^ (x >> 35 mod 32), a & ~x); counts beyond 31 wrap.
  Asm c;
  c.emit(Op::I32Rotl2Xor, {2, 0, 7, 18});
  c.emit(Op::I32Rotl3Xor, {3, 0, 26, 21, 39});
  c.emit(Op::I32Rotl2XorShrU, {4, 0, 25, 14, 3});
  c.emit(Op::I32XorShrUImm, {5, 1, 0, 35});
  c.emit(Op::I32AndNot, {6, 1, 0});
  c.emit(Op::Move2, {0, 2, 1, 3});
  c.emit(Op::Move2, {2, 4, 3, 5});
  c.emit(Op::Move, {4, 6});
  c.emit(Op::Return);
  uint32_t f = addFunction(FuncType{{ValType::I32, ValType::I32}, {ValType::I32, ValType::I32, ValType::I32,
                                                                   ValType::I32, ValType::I32}}, 5, 7, c.code);
  uint32_t x = 0x6A09E667, a = 0xF0F0F0F0;
  auto rotl = [](uint32_t v, uint32_t k) { k &= 31; return k ? (v << k) | (v >> (32 - k)) : v; };
  auto r = call(f, {Value::fromI32(x), Value::fromI32(a)});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].i32, rotl(x, 7) ^ rotl(x, 18));
  EXPECT_EQ((*r)[1].i32, rotl(x, 26) ^ rotl(x, 21) ^ rotl(x, 7));
  EXPECT_EQ((*r)[2].i32, rotl(x, 25) ^ rotl(x, 14) ^ (x >> 3));
  EXPECT_EQ((*r)[3].i32, a ^ (x >> 3));
  EXPECT_EQ((*r)[4].i32, a & ~x);
}

TEST_F(InterpreterTest, ThreadedCodeTurnsBackIntoTheSameOps) {
  // Every kind of operand the threading pass rewrites: branch targets of
  // each form, a br_table, a SIMD op that keeps its opcode.
  Asm a;
  uint32_t loop = a.emit(Op::LoopCheck);
  a.emit(Op::I32AddImm, {0, 0, 1});
  a.emit(Op::BrIfI32LtSImm, {0, 10, loop});
  uint32_t table = a.emit(Op::BrTable, {0, 1, 0, 0});
  uint32_t end = a.here();
  a.emit(Op::V128Const, {1, 1, 2, 3, 4});
  a.emit(Op::BrIf, {0, loop});
  a.emit(Op::Return);
  a.patch(table, 2, end);
  a.patch(table, 3, end);
  CompiledFunction fn;
  fn.code = a.code;
  threadForInterpreter(fn);
  EXPECT_TRUE(fn.threaded);
  EXPECT_NE(fn.code, a.code);
  EXPECT_EQ(unthreadCode(fn, interpreterHandlers()).code, a.code);
}

TEST_F(InterpreterTest, ReadModifyWriteThroughAnAddressSumWritesTheLocal) {
  MemoryInstance* mem = addMemory(1, 1);
  // f(b, x, y) -> L: L = u32(b + 24); m64[L + 8] += x * y; return L. The
  // I32AddImm it replaced stays as Removed, which threading drops.
  Asm a;
  a.emit(Op::Removed, {3, 0, 24});
  a.emit(Op::F64MulAddMemAddImm, {3, 0, 24, 8, 1, 2});
  a.emit(Op::Move, {0, 3});
  a.emit(Op::Return);
  uint32_t f = addFunction(FuncType{{ValType::I32, ValType::F64, ValType::F64}, {ValType::I32}}, 1, 4, a.code);
  auto put64 = [&](uint32_t at, double v) { std::memcpy(mem->base + at, &v, 8); };
  auto get64 = [&](uint32_t at) { double v; std::memcpy(&v, mem->base + at, 8); return v; };
  put64(96, 1.0);
  auto r = call(f, {Value::fromI32(64), Value::fromF64(0.5), Value::fromF64(3.0)});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].i32, 88u);
  EXPECT_EQ(get64(96), 2.5);
  // The sum wraps at 2^32 as the i32.add did: 0xFFFFFFF0 + 24 is 8.
  put64(16, 1.0);
  r = call(f, {Value::fromI32(0xFFFFFFF0u), Value::fromF64(2.0), Value::fromF64(2.0)});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].i32, 8u);
  EXPECT_EQ(get64(16), 5.0);
  // Out of bounds: a trap, memory untouched.
  EXPECT_FALSE(call(f, {Value::fromI32(65520), Value::fromF64(1.0), Value::fromF64(1.0)}).has_value());
}

TEST_F(InterpreterTest, ConstantOnTheLeftOfDivAndSub) {
  // f(x) = (3.0 / x, 3.0 - x), the constant as an immediate.
  uint64_t three = std::bit_cast<uint64_t>(3.0);
  Asm a;
  a.emit(Op::F64ImmDiv, {1, 0, uint32_t(three), uint32_t(three >> 32)});
  a.emit(Op::F64ImmSub, {0, 0, uint32_t(three), uint32_t(three >> 32)});
  a.emit(Op::Return);
  uint32_t f = addFunction(FuncType{{ValType::F64}, {ValType::F64, ValType::F64}}, 1, 2, a.code);
  auto r = call(f, {Value::fromF64(4.0)});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].f64, -1.0);
  EXPECT_EQ((*r)[1].f64, 0.75);
}

TEST_F(InterpreterTest, MultiplyAddOfALoadedInt16) {
  MemoryInstance* mem = addMemory(1, 1);
  // f(a, p, y) = a + m16s[u32(p + 6) + 2] * y, wrapping.
  Asm asm_;
  asm_.emit(Op::I32MulAddLoad16SAddImm, {0, 0, 1, 6, 2, 2});
  asm_.emit(Op::Return);
  uint32_t f = addFunction(i32s(3, 1), 0, 3, asm_.code);
  int16_t minus_three = -3;
  std::memcpy(mem->base + 108, &minus_three, 2);
  EXPECT_EQ(callI32(f, {10, 100, 7}), uint32_t(10 - 21));  // sign-extended
  EXPECT_EQ(callI32(f, {1, 100, 0x80000000u}), uint32_t(1 + 0x80000000u));  // -3 * 2^31 wraps to 2^31
  // The sum wraps at 2^32 like the i32.add of the address: 0xFFFFFFFE + 6 + 2 is 6.
  int16_t seven = 7;
  std::memcpy(mem->base + 6, &seven, 2);
  EXPECT_EQ(callI32(f, {0, 0xFFFFFFFEu, 3}), 21u);
  EXPECT_FALSE(call(f, {Value::fromI32(0), Value::fromI32(65530), Value::fromI32(1)}).has_value());  // out of bounds
}

TEST_F(InterpreterTest, AddsWithALoadedOperand) {
  MemoryInstance* mem = addMemory(1, 1);
  auto put32 = [&](uint32_t at, uint32_t v) { std::memcpy(mem->base + at, &v, 4); };
  // f(a, base, i) = a + m32[u32(base + (i << 2)) + 4], wrapping.
  Asm x;
  x.emit(Op::I32AddLoadIndexed, {0, 0, 1, 2, 2, 4});
  x.emit(Op::Return);
  uint32_t f = addFunction(i32s(3, 1), 0, 3, x.code);
  put32(100 + 12 + 4, 0xFFFFFFFFu);
  EXPECT_EQ(callI32(f, {5, 100, 3}), 4u);
  EXPECT_EQ(callI32(f, {5, 0xFFFFFFFCu, 29}), 5u + 0xFFFFFFFFu);  // base + (i << 2) wraps to 112, + 4
  EXPECT_FALSE(call(f, {Value::fromI32(0), Value::fromI32(65532), Value::fromI32(0)}).has_value());
  // g(b, c, base) = m32[u32(base + 8) + 4] + (b + c).
  Asm y;
  y.emit(Op::I32AddAddLoadAddImm, {0, 0, 1, 2, 8, 4});
  y.emit(Op::Return);
  uint32_t g = addFunction(i32s(3, 1), 0, 3, y.code);
  put32(200 + 8 + 4, 1000);
  EXPECT_EQ(callI32(g, {20, 3, 200}), 1023u);
  EXPECT_FALSE(call(g, {Value::fromI32(0), Value::fromI32(0), Value::fromI32(65530)}).has_value());
}

TEST_F(InterpreterTest, SelectOnACompare) {
  // f(x, y) = (x <u y ? x : y, x >s -1 ? 111 : 222): the whole slot is chosen.
  Asm a;
  a.emit(Op::Const32, {2, 111});
  a.emit(Op::Const32, {3, 222});
  a.emit(Op::SelectI32GtSImm, {4, 2, 3, 0, 0xFFFFFFFFu});
  a.emit(Op::SelectI32LtU, {0, 0, 1, 0, 1});
  a.emit(Op::Move, {1, 4});
  a.emit(Op::Return);
  uint32_t f = addFunction(i32s(2, 2), 3, 5, a.code);
  auto r = call(f, {Value::fromI32(3), Value::fromI32(0xFFFFFFFFu)});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].i32, 3u);
  EXPECT_EQ((*r)[1].i32, 111u);
  r = call(f, {Value::fromI32(0xFFFFFFFEu), Value::fromI32(7)});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].i32, 7u);
  EXPECT_EQ((*r)[1].i32, 222u);  // -2 > -1 is false
  // g(a, x, y) = a + (x <s y) + (x == 7): wrapping.
  Asm b;
  b.emit(Op::I32AddI32LtS, {0, 0, 1, 2});
  b.emit(Op::I32AddI32EqImm, {0, 0, 1, 7});
  b.emit(Op::Return);
  uint32_t g = addFunction(i32s(3, 1), 0, 3, b.code);
  EXPECT_EQ(callI32(g, {0xFFFFFFFFu, 0xFFFFFFFFu, 0}), 0u);  // -1 + (-1 < 0) wraps to 0
  EXPECT_EQ(callI32(g, {10, 7, 3}), 11u);
}

TEST_F(InterpreterTest, ThreadingDropsLoopHeadersAndRetargetsBranchesToThem) {
  // A loop header that checks nothing: threading drops it, and a branch
  // to it lands on the op after it. Counts fp[0] up to 5.
  Asm a;
  uint32_t header = a.emit(Op::LoopHeader);
  a.emit(Op::I32AddImm, {0, 0, 1});
  a.emit(Op::BrIfI32LtSImmLoop, {0, 5, header});
  a.emit(Op::Return);
  CompiledFunction fn;
  fn.code = a.code;
  threadForInterpreter(fn);
  Asm without;
  without.emit(Op::I32AddImm, {0, 0, 1});
  without.emit(Op::BrIfI32LtSImmLoop, {0, 5, 0});
  without.emit(Op::Return);
  EXPECT_EQ(unthreadCode(fn, interpreterHandlers()).code, without.code);
  uint32_t f = addFunction(i32s(1, 1), 0, 1, a.code);
  EXPECT_EQ(callI32(f, {0}), 5u);
}

TEST_F(InterpreterTest, BranchOnCompareWithImmediate) {
  // Counts fp[0] up to 10 with a fused compare-and-branch on an immediate.
  Asm a;
  uint32_t loop = a.emit(Op::LoopCheck);
  a.emit(Op::I32AddImm, {0, 0, 1});
  a.emit(Op::BrIfI32LtSImm, {0, 10, loop});
  a.emit(Op::Return);
  uint32_t f = addFunction(i32s(1, 1), 0, 1, a.code);
  EXPECT_EQ(callI32(f, {0}), 10u);
  EXPECT_EQ(callI32(f, {0xFFFFFFF0u}), 10u);  // signed: -16 counts up too
  EXPECT_EQ(callI32(f, {20}), 21u);           // one pass, then falls through
}

TEST_F(InterpreterTest, MemoryGrowRefreshesTheCache) {
  MemoryInstance* mem = addMemory(1, 2);
  // grow(delta) -> (old pages or -1, size after, load at 65536 only if it fits)
  Asm a;
  a.emit(Op::MemoryGrow, {1, 0});
  a.emit(Op::MemorySize, {2});
  a.emit(Op::Const32, {3, 65536});
  a.emit(Op::I32Load, {3, 3, 0});
  a.emit(Op::Move, {0, 1});
  a.emit(Op::Move, {1, 2});
  a.emit(Op::Move, {2, 3});
  a.emit(Op::Return);
  uint32_t f = addFunction(i32s(1, 3), 0, 4, a.code);
  EXPECT_EQ(trapOf(f, {0}), ErrorCode::MemoryOutOfBounds);
  auto r = call(f, {Value::fromI32(1)});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].i32, 1u);
  EXPECT_EQ((*r)[1].i32, 2u);
  EXPECT_EQ(mem->pages(), 2u);
  Asm b;
  b.emit(Op::MemoryGrow, {0, 0});
  b.emit(Op::Return);
  uint32_t grow = addFunction(i32s(1, 1), 0, 1, b.code);
  EXPECT_EQ(callI32(grow, {1}), 0xFFFFFFFFu);  // beyond the maximum
}

TEST_F(InterpreterTest, BulkMemoryIsCheckedBeforeWriting) {
  MemoryInstance* mem = addMemory(1, 1);
  static const uint8_t kSegment[] = {1, 2, 3, 4};
  instance_.datas.push_back(DataInstance{kSegment});
  Asm fill;  // fill(d, v, n)
  fill.emit(Op::MemoryFill, {0, 1, 2});
  fill.emit(Op::Return);
  uint32_t f_fill = addFunction(i32s(3, 0), 0, 3, fill.code);
  Asm copy;  // copy(d, s, n)
  copy.emit(Op::MemoryCopy, {0, 1, 2});
  copy.emit(Op::Return);
  uint32_t f_copy = addFunction(i32s(3, 0), 0, 3, copy.code);
  Asm init;  // init(d, s, n) from segment 0, then drop it
  init.emit(Op::MemoryInit, {0, 0, 1, 2});
  init.emit(Op::DataDrop, {0});
  init.emit(Op::Return);
  uint32_t f_init = addFunction(i32s(3, 0), 0, 3, init.code);

  EXPECT_EQ(trapOf(f_fill, {65530, 0xAB, 7}), ErrorCode::MemoryOutOfBounds);
  EXPECT_EQ(mem->base[65530], 0);  // nothing written
  callI32(f_fill, {65530, 0xAB, 6});
  EXPECT_EQ(mem->base[65535], 0xAB);
  callI32(f_fill, {65536, 0, 0});  // empty at the very end is fine

  callI32(f_fill, {10, 7, 4});
  callI32(f_copy, {12, 10, 4});  // overlapping
  EXPECT_EQ(mem->base[15], 7);
  EXPECT_EQ(trapOf(f_copy, {65535, 0, 2}), ErrorCode::MemoryOutOfBounds);

  EXPECT_EQ(trapOf(f_init, {0, 1, 4}), ErrorCode::MemoryOutOfBounds);
  callI32(f_init, {100, 1, 3});
  EXPECT_EQ(mem->base[100], 2);
  EXPECT_EQ(mem->base[102], 4);
  EXPECT_TRUE(instance_.datas[0].bytes.empty());
  callI32(f_init, {100, 0, 0});  // a dropped segment still allows n == 0 at offset 0
  EXPECT_EQ(trapOf(f_init, {100, 0, 1}), ErrorCode::MemoryOutOfBounds);
  expectContextClean();
}

// ---- tables -----------------------------------------------------------------

TEST_F(InterpreterTest, TableOperations) {
  TableInstance* table = store_.createTable(TableType{ValType::ExternRef, Limits{2, 4}}).value();
  instance_.tables.push_back(table);
  instance_.elems.push_back(ElemInstance{ValType::ExternRef, {Ref(7), Ref(8)}});
  // grow(delta, ref) -> old size; then size
  Asm g;
  g.emit(Op::TableGrow, {2, 0, 1, 0});
  g.emit(Op::TableSize, {1, 0});
  g.emit(Op::Move, {0, 2});
  g.emit(Op::Return);
  uint32_t grow = addFunction(FuncType{{ValType::I32, ValType::ExternRef}, {ValType::I32, ValType::I32}}, 0, 3, g.code);
  auto r = call(grow, {Value::fromI32(1), Value::fromRef(5)});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].i32, 2u);
  EXPECT_EQ((*r)[1].i32, 3u);
  r = call(grow, {Value::fromI32(2), Value::fromRef(5)});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].i32, 0xFFFFFFFFu);

  Asm get;  // get(i)
  get.emit(Op::TableGet, {0, 0, 0});
  get.emit(Op::Return);
  uint32_t f_get = addFunction(FuncType{{ValType::I32}, {ValType::ExternRef}}, 0, 1, get.code);
  auto v = call(f_get, {Value::fromI32(2)});
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ((*v)[0].ref, Ref(5));
  EXPECT_EQ(trapOf(f_get, {3}), ErrorCode::TableOutOfBounds);

  Asm ops;  // set(0, 9); fill(1, 9, n); copy(2 <- 0, 1); init(0 <- elem 0 at 1, 1)
  ops.emit(Op::Const32, {1, 0});
  ops.emit(Op::Const64, {2, 9, 0});
  ops.emit(Op::TableSet, {0, 1, 2});
  ops.emit(Op::Const32, {1, 1});
  ops.emit(Op::TableFill, {0, 1, 2, 0});
  ops.emit(Op::Const32, {1, 2});
  ops.emit(Op::Const32, {2, 0});
  ops.emit(Op::Const32, {3, 1});
  ops.emit(Op::TableCopy, {0, 0, 1, 2, 3});
  ops.emit(Op::Const32, {1, 0});
  ops.emit(Op::Const32, {2, 1});
  ops.emit(Op::TableInit, {0, 0, 1, 2, 3});
  ops.emit(Op::ElemDrop, {0});
  ops.emit(Op::Return);
  uint32_t f_ops = addFunction(i32s(1, 0), 0, 4, ops.code);
  EXPECT_EQ(trapOf(f_ops, {3}), ErrorCode::TableOutOfBounds);  // fill 1..4 of 3
  EXPECT_EQ(table->elems[0], Ref(9));                          // set ran before the fill trapped
  callI32(f_ops, {1});
  EXPECT_EQ(table->elems, (std::vector<Ref>{Ref(8), Ref(9), Ref(9)}));
  EXPECT_TRUE(instance_.elems[0].refs.empty());
  EXPECT_EQ(trapOf(f_ops, {0}), ErrorCode::TableOutOfBounds);  // init from the dropped segment
  expectContextClean();
}

}  // namespace
}  // namespace warden
