// The function compiler: lowering of bodies to slot-based internal code, and
// rejection of malformed and invalid bodies. Bodies are hand-written bytes
// placed into a Module built directly, so these tests need no decoder.
#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>

#include "runtime/function_compiler.h"

namespace warden {
namespace {

using Op = InternalOp;
constexpr ValType I32 = ValType::I32;
constexpr ValType I64 = ValType::I64;
constexpr ValType F32 = ValType::F32;
constexpr ValType FuncRef = ValType::FuncRef;
constexpr ValType ExternRef = ValType::ExternRef;

uint32_t w(Op op) { return static_cast<uint32_t>(op); }

// A module with one defined function of type `type` (plus `extra_types`),
// whose body is `body` (instructions including the final end).
struct TestModule {
  Module module;
  std::vector<bool> refs;

  TestModule(FuncType type, std::vector<uint8_t> body, std::vector<ValType> locals = {}) {
    module.types.push_back(std::move(type));
    module.functions.push_back(0);
    std::vector<uint8_t> bytes = {0xAA, 0xBB};  // some prefix, so offsets are absolute
    FunctionBody fb;
    // The local declarations as the binary has them: one (1, type) group each.
    fb.locals_offset = uint32_t(bytes.size());
    fb.num_locals = uint32_t(locals.size());
    EXPECT_LT(locals.size(), 128u);  // a one-byte LEB128 count below
    bytes.push_back(uint8_t(locals.size()));
    for (ValType t : locals) bytes.insert(bytes.end(), {0x01, uint8_t(t)});
    fb.body_offset = uint32_t(bytes.size());
    fb.body_size = uint32_t(body.size());
    bytes.insert(bytes.end(), body.begin(), body.end());
    module.bytes = ModuleBytes(std::move(bytes));
    module.bodies.push_back(std::move(fb));
    refs.assign(1, false);
  }

  Expect<CompiledFunction> compile(const DecodeLimits& limits = {}) const {
    return compileFunction(module, 0, refs, limits);
  }
};

FuncType fn(std::vector<ValType> params, std::vector<ValType> results) {
  return FuncType{std::move(params), std::move(results)};
}

CompiledFunction compileOk(const TestModule& t) {
  auto r = t.compile();
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
  return r ? *r : CompiledFunction{};
}

ErrorCode compileError(const TestModule& t) {
  auto r = t.compile();
  EXPECT_FALSE(r.has_value()) << disassemble(*r);
  return r ? ErrorCode::HostError : r.error().code();
}

std::vector<uint32_t> code(std::initializer_list<uint32_t> words) { return words; }

// ---- lowering ----

TEST(FunctionCompilerTest, LowersBinaryAddToSlots) {
  // (func (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  TestModule t(fn({I32, I32}, {I32}), {0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B});
  CompiledFunction f = compileOk(t);
  EXPECT_EQ(f.num_params, 2u);
  EXPECT_EQ(f.num_locals, 2u);
  EXPECT_EQ(f.num_results, 1u);
  EXPECT_EQ(f.frame_size, 4u);
  // local.get is folded: the add reads the parameters in place, and as the
  // last instruction before the return it writes the result slot 0 itself.
  EXPECT_EQ(f.code, code({w(Op::I32Add), 0, 0, 1, w(Op::Return)}));
}

TEST(FunctionCompilerTest, LowersConstantsAndDeclaredLocals) {
  // (func (result i64) (local f32) f32.const 1.5 local.set 0 i64.const -2)
  TestModule t(fn({}, {I64}),
               {0x43, 0x00, 0x00, 0xC0, 0x3F, 0x21, 0x00, 0x42, 0x7E, 0x0B}, {F32});
  CompiledFunction f = compileOk(t);
  EXPECT_EQ(f.num_locals, 1u);
  // local.set retargets the constant's destination to the local; the
  // returned constant goes straight to the result slot.
  EXPECT_EQ(f.code, code({w(Op::Const32), 0, 0x3FC00000u, w(Op::Const64), 0,
                          0xFFFFFFFEu, 0xFFFFFFFFu, w(Op::Return)}));
}

TEST(FunctionCompilerTest, LoopBackEdgeChecksLimitsAndSkipsTheLoopCheck) {
  // (func (param i32) (loop local.get 0 br_if 0))
  TestModule t(fn({I32}, {}), {0x03, 0x40, 0x20, 0x00, 0x0D, 0x00, 0x0B, 0x0B});
  CompiledFunction f = compileOk(t);
  // The back edge checks limits itself and jumps past the loop header (word
  // 1); as every back edge does, the header checks nothing (threading drops it).
  EXPECT_EQ(f.code, code({w(Op::LoopHeader), w(Op::BrIfLoop), 0, 1, w(Op::Return)}));
  // A back edge without a checking form (br_unless, from i32.eqz + br_if)
  // keeps the LoopCheck and targets it.
  // (func (param i32) (loop local.get 0 i32.eqz br_if 0))
  TestModule u(fn({I32}, {}), {0x03, 0x40, 0x20, 0x00, 0x45, 0x0D, 0x00, 0x0B, 0x0B});
  EXPECT_EQ(compileOk(u).code, code({w(Op::LoopCheck), w(Op::BrUnless), 0, 0, w(Op::Return)}));
}

TEST(FunctionCompilerTest, LocalSetCopiesAFoldedReadOfTheSameLocalFirst) {
  // (func (param i32) (result i32) local.get 0 i32.const 1 local.set 0 local.get 0 i32.add)
  // The first local.get must see the old value: it is copied out before the set.
  TestModule t(fn({I32}, {I32}), {0x20, 0x00, 0x41, 0x01, 0x21, 0x00, 0x20, 0x00, 0x6A, 0x0B});
  CompiledFunction f = compileOk(t);
  // (The two Moves in a row are one Move2, which runs them in order.)
  EXPECT_EQ(f.code, code({w(Op::Const32), 2, 1, w(Op::Move2), 1, 0, 0, 2, w(Op::I32Add), 0, 1, 0,
                          w(Op::Return)}));
}

TEST(FunctionCompilerTest, ReturnOfSwappedLocalsCopiesThemOutFirst) {
  // (func (param i32 i32) (result i32 i32) local.get 1 local.get 0)
  TestModule t(fn({I32, I32}, {I32, I32}), {0x20, 0x01, 0x20, 0x00, 0x0B});
  CompiledFunction f = compileOk(t);
  // Four moves in a row: a Move3 and a Move, in order.
  EXPECT_EQ(f.code, code({w(Op::Move3), 2, 1, 3, 0, 0, 2, w(Op::Move), 1, 3, w(Op::Return)}));
}

TEST(FunctionCompilerTest, CompareThenBranchFuses) {
  // (func (param i32 i32) (loop local.get 0 local.get 1 i32.lt_s br_if 0)
  //   (if (i32.eqz (local.get 0)) (then nop)) (if (i32.ge_u (local.get 0) (local.get 1)) (then nop)))
  TestModule t(fn({I32, I32}, {}), {0x03, 0x40, 0x20, 0x00, 0x20, 0x01, 0x48, 0x0D, 0x00, 0x0B,
                                    0x20, 0x00, 0x45, 0x04, 0x40, 0x01, 0x0B,
                                    0x20, 0x00, 0x20, 0x01, 0x4F, 0x04, 0x40, 0x01, 0x0B, 0x0B});
  CompiledFunction f = compileOk(t);
  // The if's condition is negated: it jumps past the then-branch when false.
  EXPECT_EQ(f.code, code({w(Op::LoopHeader), w(Op::BrIfI32LtSLoop), 0, 1, 1, w(Op::BrIf), 0, 8,
                          /*8*/ w(Op::BrIfI32LtU), 0, 1, 12, /*12*/ w(Op::Return)}));
}

TEST(FunctionCompilerTest, ConstantOperandsBecomeImmediates) {
  // (func (param i32) (result i32) local.get 0 i32.const 7 i32.rotl)
  TestModule rotl(fn({I32}, {I32}), {0x20, 0x00, 0x41, 0x07, 0x77, 0x0B});
  EXPECT_EQ(compileOk(rotl).code, code({w(Op::I32RotlImm), 0, 0, 7, w(Op::Return)}));
  // A constant left operand: commutative ops take it as the immediate...
  // (func (param i32) (result i32) i32.const 5 local.get 0 i32.add)
  TestModule add(fn({I32}, {I32}), {0x41, 0x05, 0x20, 0x00, 0x6A, 0x0B});
  EXPECT_EQ(compileOk(add).code, code({w(Op::I32AddImm), 0, 0, 5, w(Op::Return)}));
  // ...the others keep the constant in a slot: (i32.sub (i32.const 5) (local.get 0)).
  TestModule sub(fn({I32}, {I32}), {0x41, 0x05, 0x20, 0x00, 0x6B, 0x0B});
  EXPECT_EQ(compileOk(sub).code, code({w(Op::Const32), 1, 5, w(Op::I32Sub), 0, 1, 0, w(Op::Return)}));
}

TEST(FunctionCompilerTest, SixtyFourBitConstantsBecomeImmediates) {
  // (func (param f64) (result f64) local.get 0 f64.const 2.0 f64.mul)
  TestModule mul(fn({ValType::F64}, {ValType::F64}),
                 {0x20, 0x00, 0x44, 0, 0, 0, 0, 0, 0, 0, 0x40, 0xA2, 0x0B});
  EXPECT_EQ(compileOk(mul).code, code({w(Op::F64MulImm), 0, 0, 0, 0x40000000u, w(Op::Return)}));
  // (func (param i64) (result i64) local.get 0 i64.const -1 i64.xor)
  TestModule x(fn({I64}, {I64}), {0x20, 0x00, 0x42, 0x7F, 0x85, 0x0B});
  EXPECT_EQ(compileOk(x).code, code({w(Op::I64XorImm), 0, 0, 0xFFFFFFFFu, 0xFFFFFFFFu, w(Op::Return)}));
}

TEST(FunctionCompilerTest, LoadFromLocalMinusConstantFusesAsAnAdd) {
  // (func (param i32) (result i32) local.get 0 i32.const 64 i32.sub i32.load)
  TestModule t(fn({I32}, {I32}), {0x20, 0x00, 0x41, 0xC0, 0x00, 0x6B, 0x28, 0x02, 0x00, 0x0B});
  t.module.memories.push_back(MemoryType{});
  EXPECT_EQ(compileOk(t).code, code({w(Op::I32LoadAddImm), 0, 0, 0xFFFFFFC0u, 0, w(Op::Return)}));
}

TEST(FunctionCompilerTest, ArithmeticPairsFuseOnlyThroughTheRightOperand) {
  // (func (param f64 f64 f64) (result f64) local.get 0 local.get 1 local.get 2 f64.mul f64.add)
  TestModule t(fn({ValType::F64, ValType::F64, ValType::F64}, {ValType::F64}),
               {0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xA2, 0xA0, 0x0B});
  EXPECT_EQ(compileOk(t).code, code({w(Op::F64MulAdd), 0, 0, 1, 2, w(Op::Return)}));
  // (func (param f64 f64 f64) (result f64) local.get 1 local.get 2 f64.mul local.get 0 f64.sub):
  // the product is the left operand, so the two ops stay apart.
  TestModule u(fn({ValType::F64, ValType::F64, ValType::F64}, {ValType::F64}),
               {0x20, 0x01, 0x20, 0x02, 0xA2, 0x20, 0x00, 0xA1, 0x0B});
  EXPECT_EQ(compileOk(u).code, code({w(Op::F64Mul), 3, 1, 2, w(Op::F64Sub), 0, 3, 0, w(Op::Return)}));
}

TEST(FunctionCompilerTest, LoadOpStoreToOneAddressBecomesReadModifyWrite) {
  // (func (param i32 f64) local.get 0 local.get 0 f64.load offset=8 local.get 1 f64.add f64.store offset=8)
  TestModule t(fn({I32, ValType::F64}, {}),
               {0x20, 0x00, 0x20, 0x00, 0x2B, 0x03, 0x08, 0x20, 0x01, 0xA0, 0x39, 0x03, 0x08, 0x0B});
  t.module.memories.push_back(MemoryType{});
  EXPECT_EQ(compileOk(t).code, code({w(Op::F64AddMem), 0, 8, 1, w(Op::Return)}));
  // p[2] -= x * y: the multiply-subtract pair fuses first, then the access.
  // (func (param i32 f64 f64) local.get 0 local.get 0 f64.load offset=16
  //   local.get 1 local.get 2 f64.mul f64.sub f64.store offset=16)
  TestModule m(fn({I32, ValType::F64, ValType::F64}, {}),
               {0x20, 0x00, 0x20, 0x00, 0x2B, 0x03, 0x10, 0x20, 0x01, 0x20, 0x02, 0xA2, 0xA1, 0x39, 0x03, 0x10, 0x0B});
  m.module.memories.push_back(MemoryType{});
  EXPECT_EQ(compileOk(m).code, code({w(Op::F64MulSubMem), 0, 16, 1, 2, w(Op::Return)}));
  // i32: *p += 5 (the constant fuses into an immediate first).
  // (func (param i32) local.get 0 local.get 0 i32.load i32.const 5 i32.add i32.store)
  TestModule i(fn({I32}, {}), {0x20, 0x00, 0x20, 0x00, 0x28, 0x02, 0x00, 0x41, 0x05, 0x6A, 0x36, 0x02, 0x00, 0x0B});
  i.module.memories.push_back(MemoryType{});
  EXPECT_EQ(compileOk(i).code, code({w(Op::I32AddImmMem), 0, 0, 5, w(Op::Return)}));
  // p[1] = x * y + p[1]: the product computed before the load joins in.
  // (func (param i32 f64 f64) local.get 0 local.get 1 local.get 2 f64.mul
  //   local.get 0 f64.load offset=8 f64.add f64.store offset=8)
  TestModule p(fn({I32, ValType::F64, ValType::F64}, {}),
               {0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xA2, 0x20, 0x00, 0x2B, 0x03, 0x08, 0xA0, 0x39, 0x03, 0x08, 0x0B});
  p.module.memories.push_back(MemoryType{});
  EXPECT_EQ(compileOk(p).code, code({w(Op::F64MulAddMem), 0, 8, 1, 2, w(Op::Return)}));
}

TEST(FunctionCompilerTest, LoadedRightOperandOfF64OpsBecomesAMemoryOperand) {
  // (param i32 f64) (result f64): x - m[p + 8], with p + 16 fused into the load first.
  // local.get 1 local.get 0 i32.const 16 i32.add f64.load offset=8 f64.sub
  TestModule t(fn({I32, ValType::F64}, {ValType::F64}),
               {0x20, 0x01, 0x20, 0x00, 0x41, 0x10, 0x6A, 0x2B, 0x03, 0x08, 0xA1, 0x0B});
  t.module.memories.push_back(MemoryType{});
  EXPECT_EQ(compileOk(t).code, code({w(Op::F64SubLoadAddImm), 0, 1, 0, 16, 8, w(Op::Return)}));
  // m[p] * x: mul commutes, so a loaded left operand fuses too.
  TestModule u(fn({I32, ValType::F64}, {ValType::F64}), {0x20, 0x00, 0x2B, 0x03, 0x00, 0x20, 0x01, 0xA2, 0x0B});
  u.module.memories.push_back(MemoryType{});
  EXPECT_EQ(compileOk(u).code, code({w(Op::F64MulLoad), 0, 1, 0, 0, w(Op::Return)}));
  // m[p] * 2.0: the constant is an immediate of the same op.
  TestModule c(fn({I32}, {ValType::F64}), {0x20, 0x00, 0x2B, 0x03, 0x00, 0x44, 0, 0, 0, 0, 0, 0, 0, 0x40, 0xA2, 0x0B});
  c.module.memories.push_back(MemoryType{});
  EXPECT_EQ(compileOk(c).code, code({w(Op::F64MulImmLoad), 0, 0, 0, 0, 0x40000000u, w(Op::Return)}));
  // m[p] - x: sub does not commute; the load stays apart.
  TestModule v(fn({I32, ValType::F64}, {ValType::F64}), {0x20, 0x00, 0x2B, 0x03, 0x00, 0x20, 0x01, 0xA1, 0x0B});
  v.module.memories.push_back(MemoryType{});
  EXPECT_EQ(compileOk(v).code, code({w(Op::F64Load), 2, 0, 0, w(Op::F64Sub), 0, 2, 1, w(Op::Return)}));
}

TEST(FunctionCompilerTest, ReadModifyWriteThroughATeedAddressSumTakesOverTheSum) {
  // (param i32 f64 f64) (local i32): local.get 0 i32.const 80 i32.add local.tee 3
  //   local.get 1 local.get 2 f64.mul local.get 3 f64.load f64.add f64.store
  // (nbody.wasm's "b[j].vx += dx * m"): the access computes p + 80 and
  // writes local 3 itself; the I32AddImm that did becomes Removed.
  auto body = [](std::vector<uint8_t> between) {
    std::vector<uint8_t> b = {0x20, 0x00, 0x41, 0xD0, 0x00, 0x6A, 0x22, 0x03};
    b.insert(b.end(), between.begin(), between.end());
    std::vector<uint8_t> rest = {0x20, 0x01, 0x20, 0x02, 0xA2, 0x20, 0x03, 0x2B, 0x03, 0x00, 0xA0, 0x39, 0x03, 0x00, 0x0B};
    b.insert(b.end(), rest.begin(), rest.end());
    return b;
  };
  auto module = [&](std::vector<uint8_t> between) {
    TestModule t(fn({I32, ValType::F64, ValType::F64}, {}), body(std::move(between)), {I32});
    t.module.memories.push_back(MemoryType{});
    return t;
  };
  EXPECT_EQ(compileOk(module({})).code,
            code({w(Op::Removed), 3, 0, 80, w(Op::F64MulAddMemAddImm), 3, 0, 80, 0, 1, 2, w(Op::Return)}));
  std::vector<uint32_t> apart = {w(Op::I32AddImm), 3, 0, 80, w(Op::F64MulAddMem), 3, 0, 1, 2, w(Op::Return)};
  // Local 3 read once more in between (local.get 3 drop): the sum must be there.
  EXPECT_EQ(compileOk(module({0x20, 0x03, 0x1A})).code, apart);
  // A label in between (block end): a branch could arrive there.
  auto labelled = compileOk(module({0x02, 0x40, 0x0B})).code;
  EXPECT_EQ(labelled[0], w(Op::I32AddImm));
  EXPECT_EQ(std::count(labelled.begin(), labelled.end(), w(Op::F64MulAddMemAddImm)), 0);
  // The base written in between (i32.const 0 local.set 0): the sum must use the old one.
  auto based = compileOk(module({0x41, 0x00, 0x21, 0x00})).code;
  EXPECT_EQ(based, code({w(Op::I32AddImm), 3, 0, 80, w(Op::Const32), 0, 0, w(Op::F64MulAddMem), 3, 0, 1, 2, w(Op::Return)}));
}

TEST(FunctionCompilerTest, ReadModifyWriteTakesOverALoadFromFurtherBack) {
  // (param i32 f64) (local f64): local.get 0 local.get 0 f64.load offset=8
  //   <between> local.get 1 local.get 1 f64.add local.set 2
  //   local.get 2 f64.sub f64.store offset=8
  // The load waits across pure steps, then becomes Removed and the store
  // an f64.sub_mem (nbody.wasm's b[i].vx, loaded at the top of the loop).
  auto module = [](std::vector<uint8_t> between) {
    std::vector<uint8_t> b = {0x20, 0x00, 0x20, 0x00, 0x2B, 0x03, 0x08};
    b.insert(b.end(), between.begin(), between.end());
    std::vector<uint8_t> rest = {0x20, 0x01, 0x20, 0x01, 0xA0, 0x21, 0x02, 0x20, 0x02, 0xA1, 0x39, 0x03, 0x08, 0x0B};
    b.insert(b.end(), rest.begin(), rest.end());
    TestModule t(fn({I32, ValType::F64}, {}), b, {ValType::F64});
    t.module.memories.push_back(MemoryType{});
    return t;
  };
  EXPECT_EQ(compileOk(module({})).code,
            code({w(Op::Removed), 3, 0, 8, w(Op::F64Add), 2, 1, 1, w(Op::F64SubMem), 0, 8, 2, w(Op::Return)}));
  auto stays_apart = [](const std::vector<uint32_t>& c) {
    return c[0] == w(Op::F64Load) && std::count(c.begin(), c.end(), w(Op::F64SubMem)) == 0;
  };
  // A store in between (local.get 0 local.get 1 f64.store offset=16): memory may have changed.
  EXPECT_TRUE(stays_apart(compileOk(module({0x20, 0x00, 0x20, 0x01, 0x39, 0x03, 0x10})).code));
  // An op that may trap otherwise (i32.div_u): the load's trap must come first.
  auto divided = compileOk(module({0x20, 0x00, 0x20, 0x00, 0x6E, 0x1A})).code;
  EXPECT_TRUE(stays_apart(divided)) << disassemble(CompiledFunction{divided});
  // The address local written in between (i32.const 0 local.set 0).
  EXPECT_TRUE(stays_apart(compileOk(module({0x41, 0x00, 0x21, 0x00})).code));
  // A label in between (block end).
  EXPECT_TRUE(stays_apart(compileOk(module({0x02, 0x40, 0x0B})).code));
}

TEST(FunctionCompilerTest, ConstantLeftOperandPushedEarlyBecomesAnImmediate) {
  // (param f64 f64) (result f64): f64.const 2 local.get 0 local.get 1 f64.mul f64.div
  // (nbody.wasm's dt / (d2 * sqrt(d2))): the Const64 becomes Removed.
  std::vector<uint8_t> two = {0x44, 0, 0, 0, 0, 0, 0, 0, 0x40};
  auto body = [&](uint8_t op) {
    std::vector<uint8_t> b = two;
    for (uint8_t x : {0x20, 0x00, 0x20, 0x01, 0xA2, int(op), 0x0B}) b.push_back(x);
    return b;
  };
  TestModule d(fn({ValType::F64, ValType::F64}, {ValType::F64}), body(0xA3));
  EXPECT_EQ(compileOk(d).code, code({w(Op::Removed), 3, 0, 0x40000000u, w(Op::F64Mul), 3, 0, 1,
                                     w(Op::F64ImmDiv), 0, 3, 0, 0x40000000u, w(Op::Return)}));
  // 2 - sqrt(x) (2 - x * y is an f64.mul_sub of the constant's slot instead).
  std::vector<uint8_t> sub = two;
  for (uint8_t x : {0x20, 0x00, 0x9F, 0xA1, 0x0B}) sub.push_back(x);
  TestModule s(fn({ValType::F64, ValType::F64}, {ValType::F64}), sub);
  EXPECT_EQ(compileOk(s).code, code({w(Op::Removed), 3, 0, 0x40000000u, w(Op::F64Sqrt), 3, 0,
                                     w(Op::F64ImmSub), 0, 3, 0, 0x40000000u, w(Op::Return)}));
  // memory.size in between (not a pure step): the constant stays in its slot.
  std::vector<uint8_t> with_size = two;
  for (uint8_t x : {0x3F, 0x00, 0x1A, 0x20, 0x00, 0x20, 0x01, 0xA2, 0xA3, 0x0B}) with_size.push_back(x);
  TestModule m(fn({ValType::F64, ValType::F64}, {ValType::F64}), with_size);
  m.module.memories.push_back(MemoryType{});
  auto kept = compileOk(m).code;
  EXPECT_EQ(kept[0], w(Op::Const64));
  EXPECT_EQ(std::count(kept.begin(), kept.end(), w(Op::F64ImmDiv)), 0);
}

TEST(FunctionCompilerTest, Int16LoadedIntoAMultiplyAddJoinsIt) {
  // (param i32 i32 i32) (result i32): local.get 0  local.get 1 i32.const 8 i32.add
  //   i32.load16_s offset=2  local.get 2 i32.mul  i32.add
  // = a + m16s[p + 8 + 2] * y: one op (coremix.wasm's matrix product).
  auto body = [](uint8_t load_op, bool square) {
    std::vector<uint8_t> b = {0x20, 0x00, 0x20, 0x01, 0x41, 0x08, 0x6A, load_op, 0x01, 0x02};
    if (square) {
      b.insert(b.end(), {0x22, 0x03, 0x20, 0x03});  // local.tee 3 local.get 3: m * m
    } else {
      b.insert(b.end(), {0x20, 0x02});
    }
    b.insert(b.end(), {0x6C, 0x6A, 0x0B});
    return b;
  };
  TestModule t(fn({I32, I32, I32}, {I32}), body(0x2E, false), {I32});
  t.module.memories.push_back(MemoryType{});
  EXPECT_EQ(compileOk(t).code, code({w(Op::I32MulAddLoad16SAddImm), 0, 0, 1, 8, 2, 2, w(Op::Return)}));
  // An unsigned i16 load (i32.load16_u) has no such op: the load stays.
  TestModule u(fn({I32, I32, I32}, {I32}), body(0x2F, false), {I32});
  u.module.memories.push_back(MemoryType{});
  EXPECT_EQ(compileOk(u).code, code({w(Op::I32Load16UAddImm), 5, 1, 8, 2, w(Op::I32MulAdd), 0, 0, 5, 2, w(Op::Return)}));
  // The loaded value squared: read twice, so it stays in its slot.
  TestModule q(fn({I32, I32, I32}, {I32}), body(0x2E, true), {I32});
  q.module.memories.push_back(MemoryType{});
  auto squared = compileOk(q).code;
  EXPECT_EQ(std::count(squared.begin(), squared.end(), w(Op::I32MulAddLoad16SAddImm)), 0) << disassemble(CompiledFunction{squared});
}

TEST(FunctionCompilerTest, I32AddTakesOverALoadFromFurtherBack) {
  // (param i32 i32 i32) (result i32): local.get 0 local.get 1 i32.add i32.load
  //   <between> local.get 2 local.get 2 i32.xor i32.add
  // = m32[p + i] + (z ^ z): the load waits across the xor, then the add
  // reads memory itself (SHA-256's "+ W[i]").
  auto module = [](std::vector<uint8_t> between) {
    std::vector<uint8_t> b = {0x20, 0x00, 0x20, 0x01, 0x6A, 0x28, 0x02, 0x00};
    b.insert(b.end(), between.begin(), between.end());
    b.insert(b.end(), {0x20, 0x02, 0x20, 0x02, 0x73, 0x6A, 0x0B});
    TestModule t(fn({I32, I32, I32}, {I32}), b);
    t.module.memories.push_back(MemoryType{});
    return t;
  };
  EXPECT_EQ(compileOk(module({})).code, code({w(Op::Removed), 5, 0, 1, 0, 0, w(Op::I32Xor), 4, 2, 2,
                                              w(Op::I32AddLoadIndexed), 0, 4, 0, 1, 0, 0, w(Op::Return)}));
  auto stays_apart = [](const std::vector<uint32_t>& c) {
    return c[0] == w(Op::I32LoadIndexed) && std::count(c.begin(), c.end(), w(Op::I32AddLoadIndexed)) == 0;
  };
  // A store in between (local.get 1 local.get 2 i32.store): memory may have changed.
  EXPECT_TRUE(stays_apart(compileOk(module({0x20, 0x01, 0x20, 0x02, 0x36, 0x02, 0x00})).code));
  // The index local written in between (i32.const 7 local.set 1).
  EXPECT_TRUE(stays_apart(compileOk(module({0x41, 0x07, 0x21, 0x01})).code));

  // m32[p + 16] + (y + z): i32.add_add with its first operand loaded.
  TestModule a(fn({I32, I32, I32}, {I32}),
               {0x20, 0x00, 0x41, 0x10, 0x6A, 0x28, 0x02, 0x00, 0x20, 0x01, 0x20, 0x02, 0x6A, 0x6A, 0x0B});
  a.module.memories.push_back(MemoryType{});
  EXPECT_EQ(compileOk(a).code, code({w(Op::Removed), 4, 0, 16, 0, w(Op::I32AddAddLoadAddImm), 0, 1, 2, 0, 16, 0,
                                     w(Op::Return)}));
}

TEST(FunctionCompilerTest, SelectOnACompareMadeForItBecomesOneOp) {
  // (param i32 i32) (result i32): local.get 0 local.get 1 local.get 0 local.get 1 i32.lt_u select
  // = min(x, y) unsigned.
  TestModule t(fn({I32, I32}, {I32}), {0x20, 0x00, 0x20, 0x01, 0x20, 0x00, 0x20, 0x01, 0x49, 0x1B, 0x0B});
  EXPECT_EQ(compileOk(t).code, code({w(Op::SelectI32LtU), 0, 0, 1, 0, 1, w(Op::Return)}));
  // ... x > 10 (an immediate compare).
  TestModule i(fn({I32, I32}, {I32}), {0x20, 0x00, 0x20, 0x01, 0x20, 0x00, 0x41, 0x0A, 0x4A, 0x1B, 0x0B});
  EXPECT_EQ(compileOk(i).code, code({w(Op::SelectI32GtSImm), 0, 0, 1, 0, 10, w(Op::Return)}));
  // x + (y <u 5): an add of a compare's 0 or 1 is one op too.
  TestModule c(fn({I32, I32}, {I32}), {0x20, 0x00, 0x20, 0x01, 0x41, 0x05, 0x49, 0x6A, 0x0B});
  EXPECT_EQ(compileOk(c).code, code({w(Op::I32AddI32LtUImm), 0, 0, 1, 5, w(Op::Return)}));
  // (x >=s y) + x: either side.
  TestModule d(fn({I32, I32}, {I32}), {0x20, 0x00, 0x20, 0x01, 0x4E, 0x20, 0x00, 0x6A, 0x0B});
  EXPECT_EQ(compileOk(d).code, code({w(Op::I32AddI32GeS), 0, 0, 0, 1, w(Op::Return)}));
  // A condition that is not a compare stays a plain select: x & y.
  TestModule a(fn({I32, I32}, {I32}), {0x20, 0x00, 0x20, 0x01, 0x20, 0x00, 0x20, 0x01, 0x71, 0x1B, 0x0B});
  EXPECT_EQ(compileOk(a).code, code({w(Op::I32And), 4, 0, 1, w(Op::Select), 0, 0, 1, 4, w(Op::Return)}));
}

TEST(InternalCodeTest, EveryOpHasItsName) {
  // The names are one block of text with offsets (internal_code.cpp): each
  // op finds its own, the first and last included.
  EXPECT_EQ(internalOpName(static_cast<Op>(0)), "i32.eqz");  // numeric_ops.def comes first
  EXPECT_EQ(internalOpName(Op::Move), "move");
  EXPECT_EQ(internalOpName(Op::Removed), "removed");
  EXPECT_EQ(internalOpName(Op::F64MulAddMemAddImm), "f64.mul_add_mem_add_imm");
  EXPECT_EQ(internalOpName(Op::Count_), "<bad op>");
  for (uint32_t i = 0; i < uint32_t(Op::Count_); ++i) EXPECT_FALSE(internalOpName(Op(i)).empty()) << i;
  EXPECT_EQ(internalOpName(Op(uint32_t(Op::Count_) - 1)).find('\0'), std::string_view::npos);
}

TEST(FunctionCompilerTest, ReadModifyWriteNeedsTheSameAddressAndOffset) {
  // Offsets 8 and 16: a load and an add, then a store elsewhere.
  TestModule t(fn({I32, ValType::F64}, {}),
               {0x20, 0x00, 0x20, 0x00, 0x2B, 0x03, 0x08, 0x20, 0x01, 0xA0, 0x39, 0x03, 0x10, 0x0B});
  t.module.memories.push_back(MemoryType{});
  // (The load still joins the add as its memory operand.)
  EXPECT_EQ(compileOk(t).code, code({w(Op::F64AddLoad), 3, 1, 0, 8, w(Op::F64Store), 0, 3, 16, w(Op::Return)}));
  // Different address locals: (param i32 i32 f64) store to local 1 of a load from local 0.
  TestModule u(fn({I32, I32, ValType::F64}, {}),
               {0x20, 0x01, 0x20, 0x00, 0x2B, 0x03, 0x08, 0x20, 0x02, 0xA0, 0x39, 0x03, 0x08, 0x0B});
  u.module.memories.push_back(MemoryType{});
  EXPECT_EQ(compileOk(u).code, code({w(Op::F64AddLoad), 4, 2, 0, 8, w(Op::F64Store), 1, 4, 8, w(Op::Return)}));
}

TEST(FunctionCompilerTest, IntegerMultiplyAddFusesWithTheProductOnEitherSide) {
  // (param i32 i32 i32) (result i32): x + y * z, then y * z + x (i32.add commutes).
  TestModule t(fn({I32, I32, I32}, {I32}), {0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0x6C, 0x6A, 0x0B});
  EXPECT_EQ(compileOk(t).code, code({w(Op::I32MulAdd), 0, 0, 1, 2, w(Op::Return)}));
  TestModule u(fn({I32, I32, I32}, {I32}), {0x20, 0x01, 0x20, 0x02, 0x6C, 0x20, 0x00, 0x6A, 0x0B});
  EXPECT_EQ(compileOk(u).code, code({w(Op::I32MulAdd), 0, 0, 1, 2, w(Op::Return)}));
  // f64: x * sqrt(y), and sqrt(y) * x (mul commutes).
  TestModule s(fn({ValType::F64, ValType::F64}, {ValType::F64}), {0x20, 0x00, 0x20, 0x01, 0x9F, 0xA2, 0x0B});
  EXPECT_EQ(compileOk(s).code, code({w(Op::F64MulSqrt), 0, 0, 1, w(Op::Return)}));
  TestModule r(fn({ValType::F64, ValType::F64}, {ValType::F64}), {0x20, 0x01, 0x9F, 0x20, 0x00, 0xA2, 0x0B});
  EXPECT_EQ(compileOk(r).code, code({w(Op::F64MulSqrt), 0, 0, 1, w(Op::Return)}));
  // Bitwise pairs take the same path: x | (y & z).
  TestModule o(fn({I32, I32, I32}, {I32}), {0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0x71, 0x72, 0x0B});
  EXPECT_EQ(compileOk(o).code, code({w(Op::I32OrAnd), 0, 0, 1, 2, w(Op::Return)}));
  // i32.sub does not commute: y * z - x stays two ops.
  TestModule v(fn({I32, I32, I32}, {I32}), {0x20, 0x01, 0x20, 0x02, 0x6C, 0x20, 0x00, 0x6B, 0x0B});
  EXPECT_EQ(compileOk(v).code, code({w(Op::I32Mul), 3, 1, 2, w(Op::I32Sub), 0, 3, 0, w(Op::Return)}));
}

TEST(FunctionCompilerTest, XoredRotationsOfOneValueFoldIntoOneOp) {
  // SHA-256's big sigma: rotl(x,26) ^ rotl(x,21) ^ rotl(x,7).
  TestModule s(fn({I32}, {I32}), {0x20, 0x00, 0x41, 0x1A, 0x77, 0x20, 0x00, 0x41, 0x15, 0x77, 0x73,
                                  0x20, 0x00, 0x41, 0x07, 0x77, 0x73, 0x0B});
  EXPECT_EQ(compileOk(s).code, code({w(Op::I32Rotl3Xor), 0, 0, 26, 21, 7, w(Op::Return)}));
  // Small sigma: rotl(x,25) ^ rotl(x,14) ^ (x >> 3).
  TestModule t(fn({I32}, {I32}), {0x20, 0x00, 0x41, 0x19, 0x77, 0x20, 0x00, 0x41, 0x0E, 0x77, 0x73,
                                  0x20, 0x00, 0x41, 0x03, 0x76, 0x73, 0x0B});
  EXPECT_EQ(compileOk(t).code, code({w(Op::I32Rotl2XorShrU), 0, 0, 25, 14, 3, w(Op::Return)}));
  // Rotations of two different values do not fold: rotl(x,1) ^ rotl(y,2).
  TestModule u(fn({I32, I32}, {I32}), {0x20, 0x00, 0x41, 0x01, 0x77, 0x20, 0x01, 0x41, 0x02, 0x77, 0x73, 0x0B});
  EXPECT_EQ(compileOk(u).code, code({w(Op::I32RotlImm), 2, 0, 1, w(Op::I32XorRotlImm), 0, 2, 1, 2, w(Op::Return)}));
  // a & ~b as "b ^ -1 ; and".
  TestModule v(fn({I32, I32}, {I32}), {0x20, 0x00, 0x20, 0x01, 0x41, 0x7F, 0x73, 0x71, 0x0B});
  EXPECT_EQ(compileOk(v).code, code({w(Op::I32AndNot), 0, 0, 1, w(Op::Return)}));
}

TEST(FunctionCompilerTest, CounterStepBeforeItsBackEdgeJoinsTheBranch) {
  // (func (param i32) (loop local.get 0 i32.const 4 i32.add local.tee 0 i32.const 256 i32.ne br_if 0))
  TestModule t(fn({I32}, {}), {0x03, 0x40, 0x20, 0x00, 0x41, 0x04, 0x6A, 0x22, 0x00, 0x41, 0x80, 0x02, 0x47,
                               0x0D, 0x00, 0x0B, 0x0B});
  EXPECT_EQ(compileOk(t).code, code({w(Op::LoopHeader), w(Op::I32AddImmBrIfI32NeImmLoop), 0, 4, 256, 1, w(Op::Return)}));
  // Counting down with br_if on the counter itself: i -= 1 becomes + 0xFFFFFFFF.
  // (func (param i32) (loop local.get 0 i32.const 1 i32.sub local.tee 0 br_if 0))
  TestModule d(fn({I32}, {}), {0x03, 0x40, 0x20, 0x00, 0x41, 0x01, 0x6B, 0x22, 0x00, 0x0D, 0x00, 0x0B, 0x0B});
  EXPECT_EQ(compileOk(d).code, code({w(Op::LoopHeader), w(Op::I32AddImmBrIfLoop), 0, 0xFFFFFFFFu, 1, w(Op::Return)}));
  // A block ends between the step and the branch (a label): they stay apart.
  // (func (param i32) (loop (block local.get 0 i32.const 1 i32.sub local.set 0) local.get 0 br_if 0))
  TestModule l(fn({I32}, {}), {0x03, 0x40, 0x02, 0x40, 0x20, 0x00, 0x41, 0x01, 0x6B, 0x21, 0x00, 0x0B,
                               0x20, 0x00, 0x0D, 0x00, 0x0B, 0x0B});
  EXPECT_EQ(compileOk(l).code, code({w(Op::LoopHeader), w(Op::I32SubImm), 0, 0, 1, w(Op::BrIfLoop), 0, 1, w(Op::Return)}));
}

TEST(FunctionCompilerTest, StepOfAPointerJoinsTheLoadThroughIt) {
  // (func (param i32) (result i32) local.get 0 i32.const 4 i32.add local.tee 0 i32.load offset=8)
  TestModule t(fn({I32}, {I32}), {0x20, 0x00, 0x41, 0x04, 0x6A, 0x22, 0x00, 0x28, 0x02, 0x08, 0x0B});
  t.module.memories.push_back(MemoryType{});
  EXPECT_EQ(compileOk(t).code, code({w(Op::I32LoadStep), 0, 0, 4, 8, w(Op::Return)}));
  // A load through another local does not take the step.
  // (func (param i32 i32) (result i32) local.get 0 i32.const 4 i32.add local.set 0 local.get 1 i32.load)
  TestModule u(fn({I32, I32}, {I32}), {0x20, 0x00, 0x41, 0x04, 0x6A, 0x21, 0x00, 0x20, 0x01, 0x28, 0x02, 0x00, 0x0B});
  u.module.memories.push_back(MemoryType{});
  EXPECT_EQ(compileOk(u).code, code({w(Op::I32AddImm), 0, 0, 4, w(Op::I32Load), 0, 1, 0, w(Op::Return)}));
}

TEST(FunctionCompilerTest, CompareWithConstantThenBranchFuses) {
  // (func (param i32) (loop local.get 0 i32.const 10 i32.lt_s br_if 0)
  //   (if (i32.ge_u (local.get 0) (i32.const 3)) (then nop)))
  TestModule t(fn({I32}, {}), {0x03, 0x40, 0x20, 0x00, 0x41, 0x0A, 0x48, 0x0D, 0x00, 0x0B,
                               0x20, 0x00, 0x41, 0x03, 0x4F, 0x04, 0x40, 0x01, 0x0B, 0x0B});
  CompiledFunction f = compileOk(t);
  EXPECT_EQ(f.code, code({w(Op::LoopHeader), w(Op::BrIfI32LtSImmLoop), 0, 10, 1,
                          /*5*/ w(Op::BrIfI32LtUImm), 0, 3, 9, /*9*/ w(Op::Return)}));
}

TEST(FunctionCompilerTest, BranchOutOfBlockMovesValuesToTheLabel) {
  // (func (result i32) (block (result i32) i32.const 1 i32.const 2 br 0))
  TestModule t(fn({}, {I32}), {0x02, 0x7F, 0x41, 0x01, 0x41, 0x02, 0x0C, 0x00, 0x0B, 0x0B});
  CompiledFunction f = compileOk(t);
  // The 2 at slot 1 moves down to the block's result slot 0, then Br to the end.
  EXPECT_EQ(f.code, code({w(Op::Const32), 0, 1, w(Op::Const32), 1, 2, w(Op::Move), 0, 1, w(Op::Br), 11,
                          w(Op::Return)}));
  EXPECT_EQ(f.frame_size, 2u);
}

TEST(FunctionCompilerTest, BrIfWithMovesSkipsOverThem) {
  // (func (param i32) (result i32)
  //   (block (result i32) i32.const 7 i32.const 8 local.get 0 br_if 0 drop))
  TestModule t(fn({I32}, {I32}),
               {0x02, 0x7F, 0x41, 0x07, 0x41, 0x08, 0x20, 0x00, 0x0D, 0x00, 0x1A, 0x0B, 0x0B});
  CompiledFunction f = compileOk(t);
  EXPECT_EQ(f.code, code({w(Op::Const32), 1, 7, w(Op::Const32), 2, 8,
                          w(Op::BrUnless), 0, 14, w(Op::Move), 1, 2, w(Op::Br), 14,
                          /*14*/ w(Op::Move), 0, 1, w(Op::Return)}));
}

TEST(FunctionCompilerTest, IfElseIsPatched) {
  // (func (param i32) (result i32) local.get 0 (if (result i32) (then i32.const 1) (else i32.const 2)))
  TestModule t(fn({I32}, {I32}), {0x20, 0x00, 0x04, 0x7F, 0x41, 0x01, 0x05, 0x41, 0x02, 0x0B, 0x0B});
  CompiledFunction f = compileOk(t);
  EXPECT_EQ(f.code, code({w(Op::BrUnless), 0, 8, w(Op::Const32), 1, 1, w(Op::Br), 11,
                          /*8*/ w(Op::Const32), 1, 2, /*11*/ w(Op::Move), 0, 1, w(Op::Return)}));
}

TEST(FunctionCompilerTest, BrTableUsesStubsOnlyWhereValuesMove) {
  // (func (param i32) (result i32)
  //   (block (result i32) i32.const 5
  //     (block (result i32) i32.const 6 local.get 0 br_table 0 1 1) i32.add))
  // Label 0 (inner block, result slot 2) needs no move; label 1 (outer block,
  // result slot 1) takes the 6 from slot 2 to slot 1 in a shared stub.
  TestModule t(fn({I32}, {I32}), {0x02, 0x7F, 0x41, 0x05, 0x02, 0x7F, 0x41, 0x06, 0x20, 0x00, 0x0E, 0x02,
                                  0x00, 0x01, 0x01, 0x0B, 0x6A, 0x0B, 0x0B});
  CompiledFunction f = compileOk(t);
  EXPECT_EQ(f.code, code({w(Op::Const32), 1, 5, w(Op::Const32), 2, 6, w(Op::BrTable), 0, 2,
                          17, 12, 12, /*12 stub*/ w(Op::Move), 1, 2, w(Op::Br), 21,
                          /*17*/ w(Op::I32Add), 1, 1, 2, /*21*/ w(Op::Move), 0, 1, w(Op::Return)}));
}

TEST(FunctionCompilerTest, CallPassesArgumentBaseAndKeepsResults) {
  // (func (param i32) (result i32) i32.const 1 local.get 0 call 0 i32.add)
  TestModule t(fn({I32}, {I32}), {0x41, 0x01, 0x20, 0x00, 0x10, 0x00, 0x6A, 0x0B});
  CompiledFunction f = compileOk(t);
  EXPECT_EQ(f.code, code({w(Op::Const32), 1, 1, w(Op::Move), 2, 0, w(Op::Call), 0, 2, w(Op::I32Add), 0,
                          1, 2, w(Op::Return)}));
}

TEST(FunctionCompilerTest, UnreachableCodeEmitsNothingAndDropsFinalReturn) {
  // (func (result i32) unreachable i32.add)
  TestModule t(fn({}, {I32}), {0x00, 0x6A, 0x0B});
  CompiledFunction f = compileOk(t);
  EXPECT_EQ(f.code, code({w(Op::Unreachable)}));
  EXPECT_GE(f.frame_size, 1u);  // room for the result even so
}

TEST(FunctionCompilerTest, ReturnFromNestedBlockMovesToSlotZero) {
  // (func (param i32) (result i32) (block i32.const 3 return) i32.const 4)
  TestModule t(fn({I32}, {I32}), {0x02, 0x40, 0x41, 0x03, 0x0F, 0x0B, 0x41, 0x04, 0x0B});
  CompiledFunction f = compileOk(t);
  // Each constant is written to the result slot directly.
  EXPECT_EQ(f.code, code({w(Op::Const32), 0, 3, w(Op::Return), w(Op::Const32), 0, 4, w(Op::Return)}));
}

TEST(FunctionCompilerTest, MemoryInstructionsNeedAMemoryAndLowerWithOffsets) {
  // (func (param i32) (result i32) local.get 0 i32.load offset=16 align=4)
  TestModule t(fn({I32}, {I32}), {0x20, 0x00, 0x28, 0x02, 0x10, 0x0B});
  EXPECT_EQ(compileError(t), ErrorCode::UnknownMemory);
  t.module.memories.push_back(MemoryType{});
  CompiledFunction f = compileOk(t);
  EXPECT_EQ(f.code, code({w(Op::I32Load), 0, 0, 16, w(Op::Return)}));
}

TEST(FunctionCompilerTest, LoadFromLocalPlusConstantFuses) {
  // (func (param i32) (result i32) local.get 0 i32.const 8 i32.add i32.load offset=4)
  TestModule t(fn({I32}, {I32}), {0x20, 0x00, 0x41, 0x08, 0x6A, 0x28, 0x02, 0x04, 0x0B});
  t.module.memories.push_back(MemoryType{});
  CompiledFunction f = compileOk(t);
  // [dst][base][imm][offset]: the sum is wrapped to 32 bits before the offset is added.
  EXPECT_EQ(f.code, code({w(Op::I32LoadAddImm), 0, 0, 8, 4, w(Op::Return)}));
}

TEST(FunctionCompilerTest, IndexedAccessesFuse) {
  // (func (param i32 i32 i32) (result i32)
  //   local.get 0 local.get 1 i32.const 2 i32.shl i32.add local.get 2 i32.store offset=8
  //   local.get 0 local.get 1 i32.const 3 i32.shl i32.add i32.load offset=4)
  TestModule t(fn({I32, I32, I32}, {I32}),
               {0x20, 0x00, 0x20, 0x01, 0x41, 0x02, 0x74, 0x6A, 0x20, 0x02, 0x36, 0x02, 0x08,
                0x20, 0x00, 0x20, 0x01, 0x41, 0x03, 0x74, 0x6A, 0x28, 0x02, 0x04, 0x0B});
  t.module.memories.push_back(MemoryType{});
  CompiledFunction f = compileOk(t);
  // [base][index][shift][value][offset] and [dst][base][index][shift][offset].
  EXPECT_EQ(f.code, code({w(Op::I32StoreIndexed), 0, 1, 2, 2, 8, w(Op::I32LoadIndexed), 0, 0, 1, 3, 4,
                          w(Op::Return)}));
}

TEST(FunctionCompilerTest, LoadFromASumIsIndexedWithShiftZero) {
  // (func (param i32 i32) (result i32) local.get 0 local.get 1 i32.add i32.load)
  TestModule t(fn({I32, I32}, {I32}), {0x20, 0x00, 0x20, 0x01, 0x6A, 0x28, 0x02, 0x00, 0x0B});
  t.module.memories.push_back(MemoryType{});
  EXPECT_EQ(compileOk(t).code, code({w(Op::I32LoadIndexed), 0, 0, 1, 0, 0, w(Op::Return)}));
}

TEST(FunctionCompilerTest, StoreToLocalPlusConstantFuses) {
  // (func (param i32 i32) local.get 0 i32.const 16 i32.add local.get 1 i64.store32)
  TestModule t(fn({I32, I32}, {}), {0x20, 0x00, 0x41, 0x10, 0x6A, 0x20, 0x01, 0xAD, 0x3E, 0x02, 0x00, 0x0B});
  t.module.memories.push_back(MemoryType{});
  CompiledFunction f = compileOk(t);
  // i64.extend_i32_u sits between the address and the store: no fusion.
  EXPECT_EQ(f.code[0], w(Op::I32AddImm));
  // (func (param i32 i32) local.get 0 i32.const 16 i32.add local.get 1 i32.store)
  TestModule u(fn({I32, I32}, {}), {0x20, 0x00, 0x41, 0x10, 0x6A, 0x20, 0x01, 0x36, 0x02, 0x00, 0x0B});
  u.module.memories.push_back(MemoryType{});
  EXPECT_EQ(compileOk(u).code, code({w(Op::I32StoreAddImm), 0, 16, 1, 0, w(Op::Return)}));
}

TEST(FunctionCompilerTest, TypedSelectAcceptsReferences) {
  // (func (param funcref funcref i32) (result funcref) local.get 0 local.get 1 local.get 2 select (result funcref))
  TestModule t(fn({FuncRef, FuncRef, I32}, {FuncRef}),
               {0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0x1C, 0x01, 0x70, 0x0B});
  CompiledFunction f = compileOk(t);
  EXPECT_EQ(f.code, code({w(Op::Select), 0, 0, 1, 2, w(Op::Return)}));
}

TEST(FunctionCompilerTest, RefFuncNeedsADeclaration) {
  // (func (result funcref) ref.func 0)
  TestModule t(fn({}, {FuncRef}), {0xD2, 0x00, 0x0B});
  EXPECT_EQ(compileError(t), ErrorCode::UndeclaredFunctionReference);
  t.refs[0] = true;
  CompiledFunction f = compileOk(t);
  EXPECT_EQ(f.code, code({w(Op::RefFunc), 0, 0, w(Op::Return)}));
}

TEST(FunctionCompilerTest, PolymorphicStackAcceptsSpecValidCases) {
  // (func (result i32) unreachable select)  — unknown operands
  EXPECT_TRUE(TestModule(fn({}, {I32}), {0x00, 0x1B, 0x0B}).compile());
  // (func (block (result i32) (drop (block (result f32) unreachable br_table 0 1)) i32.const 0) drop):
  // labels of different types but one arity accept the unknown operands.
  EXPECT_TRUE(TestModule(fn({}, {}), {0x02, 0x7F, 0x02, 0x7D, 0x00, 0x0E, 0x01, 0x00, 0x01, 0x0B, 0x1A, 0x41,
                                      0x00, 0x0B, 0x1A, 0x0B})
                  .compile());
  // (func (result i32) (block (result i32) unreachable br_if 0))
  EXPECT_TRUE(TestModule(fn({}, {I32}), {0x02, 0x7F, 0x00, 0x0D, 0x00, 0x0B, 0x0B}).compile());
  // An if without else whose params equal its results: (func (param i32) (result i32)
  //   local.get 0 local.get 0 (if (param i32) (result i32) (then i32.const 1 i32.add)))
  TestModule t(fn({I32}, {I32}), {0x20, 0x00, 0x20, 0x00, 0x04, 0x01, 0x41, 0x01, 0x6A, 0x0B, 0x0B});
  t.module.types.push_back(fn({I32}, {I32}));
  EXPECT_TRUE(t.compile());
}

// ---- rejections ----

TEST(FunctionCompilerTest, RejectsInvalidBodies) {
  struct Case {
    const char* what;
    FuncType type;
    std::vector<uint8_t> body;
    ErrorCode code;
  };
  const Case cases[] = {
      {"i32.add on i64", fn({I64, I64}, {I32}), {0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B}, ErrorCode::TypeMismatch},
      {"stack underflow", fn({}, {I32}), {0x6A, 0x0B}, ErrorCode::TypeMismatch},
      {"missing result", fn({}, {I32}), {0x0B}, ErrorCode::TypeMismatch},
      {"extra value at end", fn({}, {}), {0x41, 0x00, 0x0B}, ErrorCode::TypeMismatch},
      {"unknown local", fn({I32}, {}), {0x20, 0x01, 0x1A, 0x0B}, ErrorCode::UnknownLocal},
      {"unknown label", fn({}, {}), {0x0C, 0x01, 0x0B}, ErrorCode::UnknownLabel},
      {"unknown function", fn({}, {}), {0x10, 0x05, 0x0B}, ErrorCode::UnknownFunction},
      {"unknown global", fn({}, {}), {0x23, 0x00, 0x1A, 0x0B}, ErrorCode::UnknownGlobal},
      {"unknown table", fn({}, {}), {0x41, 0x00, 0x25, 0x00, 0x1A, 0x0B}, ErrorCode::UnknownTable},
      {"unknown block type", fn({}, {}), {0x02, 0x05, 0x0B, 0x0B}, ErrorCode::UnknownType},
      {"select on refs", fn({FuncRef, FuncRef, I32}, {FuncRef}),
       {0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0x1B, 0x0B}, ErrorCode::TypeMismatch},
      {"select t* of two", fn({I32, I32, I32}, {I32}),
       {0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0x1C, 0x02, 0x7F, 0x7F, 0x0B}, ErrorCode::InvalidResultArity},
      {"ref.is_null on i32", fn({I32}, {I32}), {0x20, 0x00, 0xD1, 0x0B}, ErrorCode::TypeMismatch},
      {"if without else changes types", fn({I32}, {I32}), {0x20, 0x00, 0x04, 0x7F, 0x41, 0x01, 0x0B, 0x0B},
       ErrorCode::TypeMismatch},
      {"br_table arity mismatch", fn({}, {}),
       {0x02, 0x7F, 0x02, 0x40, 0x41, 0x00, 0x0E, 0x01, 0x00, 0x01, 0x0B, 0x41, 0x00, 0x0B, 0x1A, 0x0B},
       ErrorCode::TypeMismatch},
      {"br_table concrete value vs label type", fn({}, {}),
       {0x02, 0x7F, 0x02, 0x7D, 0x00, 0x41, 0x00, 0x41, 0x00, 0x0E, 0x01, 0x00, 0x01, 0x0B, 0x1A, 0x41,
        0x00, 0x0B, 0x1A, 0x0B},
       ErrorCode::TypeMismatch},
      {"unknown elem segment", fn({}, {}), {0xFC, 0x0D, 0x00, 0x0B}, ErrorCode::UnknownElemSegment},
      {"unknown data segment", fn({}, {}), {0xFC, 0x09, 0x00, 0x0B}, ErrorCode::UnknownDataSegment},
      {"else without if", fn({}, {}), {0x05, 0x0B}, ErrorCode::IllegalOpcode},
      {"illegal opcode", fn({}, {}), {0x06, 0x0B}, ErrorCode::IllegalOpcode},
      {"illegal 0xfc sub-opcode", fn({}, {}), {0xFC, 0x12, 0x0B}, ErrorCode::IllegalOpcode},
      {"unassigned simd sub-opcode", fn({}, {}), {0xFD, 0x9A, 0x01, 0x0B}, ErrorCode::IllegalOpcode},
      {"bytes after final end", fn({}, {}), {0x0B, 0x01}, ErrorCode::SectionSizeMismatch},
      {"body ends inside a block", fn({}, {}), {0x02, 0x40, 0x0B}, ErrorCode::UnexpectedEnd},
      {"truncated immediate", fn({}, {}), {0x41, 0x80}, ErrorCode::UnexpectedEnd},
      {"overlong LEB", fn({}, {}), {0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1A, 0x0B},
       ErrorCode::IntegerTooLong},
      {"malformed ref.null type", fn({}, {}), {0xD0, 0x7F, 0x1A, 0x0B}, ErrorCode::MalformedRefType},
      // A validation error early, a malformed byte later: malformed wins.
      {"malformed outranks invalid", fn({}, {}), {0x6A, 0x06, 0x0B}, ErrorCode::IllegalOpcode},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_EQ(compileError(TestModule(c.type, c.body)), c.code);
  }
}

TEST(FunctionCompilerTest, RejectsMemoryMisuse) {
  auto withMemory = [](std::vector<uint8_t> body) {
    TestModule t(fn({}, {}), std::move(body));
    t.module.memories.push_back(MemoryType{});
    return t;
  };
  // i32.load align=8 (2^3 > 4 bytes)
  EXPECT_EQ(compileError(withMemory({0x41, 0x00, 0x28, 0x03, 0x00, 0x1A, 0x0B})), ErrorCode::InvalidAlignment);
  // memory.size with a non-zero reserved byte, and with a long zero
  EXPECT_EQ(compileError(withMemory({0x3F, 0x01, 0x1A, 0x0B})), ErrorCode::ZeroByteExpected);
  EXPECT_EQ(compileError(withMemory({0x3F, 0x80, 0x00, 0x1A, 0x0B})), ErrorCode::ZeroByteExpected);
  // memory.fill's reserved byte
  EXPECT_EQ(compileError(withMemory({0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0B, 0x01, 0x0B})),
            ErrorCode::ZeroByteExpected);
  // memory.init with data segments but no data count section
  TestModule init = withMemory({0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08, 0x00, 0x00, 0x0B});
  init.module.datas.push_back(DataSegment{});
  EXPECT_EQ(compileError(init), ErrorCode::DataCountRequired);
  init.module.data_count = 1;
  EXPECT_TRUE(init.compile());
  // global.set on an immutable global
  TestModule g(fn({}, {}), {0x41, 0x00, 0x24, 0x00, 0x0B});
  g.module.globals.push_back(Global{GlobalType{I32, false}, {}});
  EXPECT_EQ(compileError(g), ErrorCode::ImmutableGlobal);
}

TEST(FunctionCompilerTest, TableInstructionsCheckElementTypes) {
  TestModule t(fn({}, {}), {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0E, 0x00, 0x01, 0x0B});  // table.copy 0 1
  t.module.tables.push_back(TableType{FuncRef, {}});
  t.module.tables.push_back(TableType{ExternRef, {}});
  EXPECT_EQ(compileError(t), ErrorCode::TypeMismatch);
  // call_indirect through an externref table
  TestModule c(fn({}, {}), {0x41, 0x00, 0x11, 0x00, 0x01, 0x0B});
  c.module.tables = t.module.tables;
  EXPECT_EQ(compileError(c), ErrorCode::TypeMismatch);
}

TEST(FunctionCompilerTest, BoundsBrTableCountBeforeAllocating) {
  // br_table claiming 2^32-1 entries in a tiny body
  TestModule t(fn({}, {}), {0x41, 0x00, 0x0E, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00, 0x0B});
  EXPECT_EQ(compileError(t), ErrorCode::ImplementationLimit);
  // and the configured limit applies too
  TestModule small(fn({}, {}), {0x41, 0x00, 0x0E, 0x02, 0x00, 0x00, 0x00, 0x0B});
  DecodeLimits limits;
  limits.max_br_table = 1;
  EXPECT_FALSE(small.compile(limits));
  EXPECT_TRUE(small.compile());
}

TEST(FunctionCompilerTest, ErrorsNameFunctionAndByte) {
  TestModule t(fn({}, {}), {0x01, 0x20, 0x00, 0x0B});
  t.module.num_imported_funcs = 0;
  auto r = t.compile();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::UnknownLocal);
  // 2 bytes of prefix, the local declarations (1 byte), nop: local.get is at 0x4.
  EXPECT_NE(r.error().detail().find("function 0 at byte 0x4"), std::string::npos) << r.error().detail();
}

}  // namespace
}  // namespace warden
