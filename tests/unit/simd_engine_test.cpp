// v128 values through the engine: slot layout of params, locals, results and
// the operand stack, host functions and globals of type v128, select, blocks
// with v128 results, calls, and memory. The module below is built by wat2wasm
// from the text in the comment.
#include <gtest/gtest.h>

#include "runtime/api.h"

namespace warden {
namespace {

// (module
//   (import "host" "swap" (func $swap (param v128) (result v128)))
//   (global $g (export "g") (mut v128) (v128.const i32x4 1 2 3 4))
//   (memory 1)
//   (func (export "mix") (param i32 v128 i64 v128) (result i64 v128 i32)
//     (local f32 v128 i32)
//     (local.set 5 (i32x4.add (local.get 1) (local.get 3)))
//     (local.set 6 (i32.const 7))
//     (i64.add (local.get 2) (i64.const 1))
//     (local.get 5)
//     (i32.add (local.get 0) (local.get 6)))
//   (func (export "sel") (param v128 v128 i32) (result v128)
//     (select (local.get 0) (local.get 1) (local.get 2)))
//   (func (export "zero_local") (result v128) (local v128) (local.get 0))
//   (func (export "call_host") (param v128) (result v128) (call $swap (local.get 0)))
//   (func (export "bump_g") (result v128)
//     (global.set $g (i32x4.add (global.get $g) (v128.const i32x4 10 10 10 10)))
//     (global.get $g))
//   (func (export "block_result") (param v128 i32) (result v128)
//     (block (result v128) (local.get 0) (local.get 1) (br_if 0) (drop) (v128.const i64x2 5 6)))
//   (func (export "store_load") (param i32 v128) (result v128)
//     (v128.store (local.get 0) (local.get 1))
//     (v128.load (local.get 0)))
//   (func $inner (param v128 i32) (result i32 v128) (local.get 1) (local.get 0))
//   (func (export "call_wasm") (param v128) (result i32 v128)
//     (call $inner (local.get 0) (i32.const 9))))
const uint8_t kSimdModule[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x34, 0x08, 0x60,
    0x01, 0x7b, 0x01, 0x7b, 0x60, 0x04, 0x7f, 0x7b, 0x7e, 0x7b, 0x03, 0x7e,
    0x7b, 0x7f, 0x60, 0x03, 0x7b, 0x7b, 0x7f, 0x01, 0x7b, 0x60, 0x00, 0x01,
    0x7b, 0x60, 0x02, 0x7b, 0x7f, 0x01, 0x7b, 0x60, 0x02, 0x7f, 0x7b, 0x01,
    0x7b, 0x60, 0x02, 0x7b, 0x7f, 0x02, 0x7f, 0x7b, 0x60, 0x01, 0x7b, 0x02,
    0x7f, 0x7b, 0x02, 0x0d, 0x01, 0x04, 0x68, 0x6f, 0x73, 0x74, 0x04, 0x73,
    0x77, 0x61, 0x70, 0x00, 0x00, 0x03, 0x0a, 0x09, 0x01, 0x02, 0x03, 0x00,
    0x03, 0x04, 0x05, 0x06, 0x07, 0x05, 0x03, 0x01, 0x00, 0x01, 0x06, 0x16,
    0x01, 0x7b, 0x01, 0xfd, 0x0c, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
    0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x0b, 0x07, 0x5b,
    0x09, 0x01, 0x67, 0x03, 0x00, 0x03, 0x6d, 0x69, 0x78, 0x00, 0x01, 0x03,
    0x73, 0x65, 0x6c, 0x00, 0x02, 0x0a, 0x7a, 0x65, 0x72, 0x6f, 0x5f, 0x6c,
    0x6f, 0x63, 0x61, 0x6c, 0x00, 0x03, 0x09, 0x63, 0x61, 0x6c, 0x6c, 0x5f,
    0x68, 0x6f, 0x73, 0x74, 0x00, 0x04, 0x06, 0x62, 0x75, 0x6d, 0x70, 0x5f,
    0x67, 0x00, 0x05, 0x0c, 0x62, 0x6c, 0x6f, 0x63, 0x6b, 0x5f, 0x72, 0x65,
    0x73, 0x75, 0x6c, 0x74, 0x00, 0x06, 0x0a, 0x73, 0x74, 0x6f, 0x72, 0x65,
    0x5f, 0x6c, 0x6f, 0x61, 0x64, 0x00, 0x07, 0x09, 0x63, 0x61, 0x6c, 0x6c,
    0x5f, 0x77, 0x61, 0x73, 0x6d, 0x00, 0x09, 0x0a, 0x99, 0x01, 0x09, 0x21,
    0x03, 0x01, 0x7d, 0x01, 0x7b, 0x01, 0x7f, 0x20, 0x01, 0x20, 0x03, 0xfd,
    0xae, 0x01, 0x21, 0x05, 0x41, 0x07, 0x21, 0x06, 0x20, 0x02, 0x42, 0x01,
    0x7c, 0x20, 0x05, 0x20, 0x00, 0x20, 0x06, 0x6a, 0x0b, 0x09, 0x00, 0x20,
    0x00, 0x20, 0x01, 0x20, 0x02, 0x1b, 0x0b, 0x06, 0x01, 0x01, 0x7b, 0x20,
    0x00, 0x0b, 0x06, 0x00, 0x20, 0x00, 0x10, 0x00, 0x0b, 0x1d, 0x00, 0x23,
    0x00, 0xfd, 0x0c, 0x0a, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x0a,
    0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0xfd, 0xae, 0x01, 0x24, 0x00,
    0x23, 0x00, 0x0b, 0x1e, 0x00, 0x02, 0x7b, 0x20, 0x00, 0x20, 0x01, 0x0d,
    0x00, 0x1a, 0xfd, 0x0c, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x0b, 0x10, 0x00,
    0x20, 0x00, 0x20, 0x01, 0xfd, 0x0b, 0x04, 0x00, 0x20, 0x00, 0xfd, 0x00,
    0x04, 0x00, 0x0b, 0x06, 0x00, 0x20, 0x01, 0x20, 0x00, 0x0b, 0x08, 0x00,
    0x20, 0x00, 0x41, 0x09, 0x10, 0x08, 0x0b
};

uint64_t lanes32(uint32_t a, uint32_t b) { return uint64_t(a) | uint64_t(b) << 32; }

struct SimdEngineFixture : ::testing::Test {
  Engine engine;
  Store store{engine};
  Linker linker;
  Instance* instance = nullptr;

  void SetUp() override {
    // The host function swaps the two 64-bit halves: args and results in slot layout.
    FuncType swap_type{{ValType::V128}, {ValType::V128}};
    linker.define("host", "swap",
                  Extern::of(store.createHostFunction(swap_type, [](HostCall&, std::span<const Value> args,
                                                                     std::span<Value> results) -> Expect<void> {
                    if (args.size() != 2 || results.size() != 2) return fail(ErrorCode::HostError, "slot layout");
                    results[0] = args[1];
                    results[1] = args[0];
                    return {};
                  })));
    auto module = compileModule(engine, kSimdModule);
    ASSERT_TRUE(module) << module.error().message();
    auto inst = linker.instantiate(store, *module);
    ASSERT_TRUE(inst) << inst.error().message();
    instance = *inst;
  }

  Expect<std::vector<Value>> call(std::string_view name, std::vector<Value> args) {
    auto ext = getExport(*instance, name);
    if (!ext || !ext->func) return fail(ErrorCode::InvalidArgument, "no such export");
    return invoke(store, *ext->func, args);
  }
};

TEST_F(SimdEngineFixture, MixedScalarsAndVectorsUseSlotLayout) {
  // (i32 v128 i64 v128) → six argument slots; (i64 v128 i32) → four result slots.
  auto r = call("mix", {Value::fromI32(5), Value::fromI64(lanes32(1, 2)), Value::fromI64(lanes32(3, 4)),
                        Value::fromI64(100), Value::fromI64(lanes32(10, 20)), Value::fromI64(lanes32(30, 40))});
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0].i64, 101u);
  EXPECT_EQ((*r)[1].i64, lanes32(11, 22));
  EXPECT_EQ((*r)[2].i64, lanes32(33, 44));
  EXPECT_EQ((*r)[3].i32, 12u);
}

TEST_F(SimdEngineFixture, ArgumentCountIsCheckedInSlots) {
  auto r = call("sel", {Value::zero(), Value::zero(), Value::fromI32(1)});  // 3 values, 5 slots expected
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::InvalidArgument);
}

TEST_F(SimdEngineFixture, SelectMovesBothHalves) {
  std::vector<Value> a = {Value::fromI64(1), Value::fromI64(2)}, b = {Value::fromI64(3), Value::fromI64(4)};
  auto first = call("sel", {a[0], a[1], b[0], b[1], Value::fromI32(1)});
  auto second = call("sel", {a[0], a[1], b[0], b[1], Value::fromI32(0)});
  ASSERT_TRUE(first && second);
  EXPECT_EQ((*first)[0].i64, 1u);
  EXPECT_EQ((*first)[1].i64, 2u);
  EXPECT_EQ((*second)[0].i64, 3u);
  EXPECT_EQ((*second)[1].i64, 4u);
}

TEST_F(SimdEngineFixture, VectorLocalsStartAtZero) {
  // Dirty the value stack first, so a missing zeroing would show.
  ASSERT_TRUE(call("mix", {Value::fromI32(1), Value::fromI64(~0ull), Value::fromI64(~0ull), Value::fromI64(1),
                           Value::fromI64(~0ull), Value::fromI64(~0ull)}));
  auto r = call("zero_local", {});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].i64, 0u);
  EXPECT_EQ((*r)[1].i64, 0u);
}

TEST_F(SimdEngineFixture, HostFunctionsTakeAndReturnVectors) {
  auto r = call("call_host", {Value::fromI64(7), Value::fromI64(8)});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ((*r)[0].i64, 8u);
  EXPECT_EQ((*r)[1].i64, 7u);
}

TEST_F(SimdEngineFixture, VectorGlobalsHoldAll128Bits) {
  auto g = getExport(*instance, "g");
  ASSERT_TRUE(g && g->global);
  EXPECT_EQ(g->global->value.i64, lanes32(1, 2));
  EXPECT_EQ(g->global->value_hi.i64, lanes32(3, 4));
  auto r = call("bump_g", {});
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].i64, lanes32(11, 12));
  EXPECT_EQ((*r)[1].i64, lanes32(13, 14));
  EXPECT_EQ(g->global->value_hi.i64, lanes32(13, 14));
}

TEST_F(SimdEngineFixture, BranchesCarryVectors) {
  auto taken = call("block_result", {Value::fromI64(1), Value::fromI64(2), Value::fromI32(1)});
  auto fallthrough = call("block_result", {Value::fromI64(1), Value::fromI64(2), Value::fromI32(0)});
  ASSERT_TRUE(taken && fallthrough);
  EXPECT_EQ((*taken)[0].i64, 1u);
  EXPECT_EQ((*taken)[1].i64, 2u);
  EXPECT_EQ((*fallthrough)[0].i64, 5u);
  EXPECT_EQ((*fallthrough)[1].i64, 6u);
}

TEST_F(SimdEngineFixture, MemoryRoundTripAndBoundsCheck) {
  auto r = call("store_load", {Value::fromI32(100), Value::fromI64(0x1122334455667788ull), Value::fromI64(42)});
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].i64, 0x1122334455667788ull);
  EXPECT_EQ((*r)[1].i64, 42u);
  auto oob = call("store_load", {Value::fromI32(65536 - 8), Value::zero(), Value::zero()});
  ASSERT_FALSE(oob);
  EXPECT_EQ(oob.error().code(), ErrorCode::MemoryOutOfBounds);
}

TEST_F(SimdEngineFixture, WasmCallsPassVectorsInSlots) {
  auto r = call("call_wasm", {Value::fromI64(3), Value::fromI64(4)});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].i32, 9u);
  EXPECT_EQ((*r)[1].i64, 3u);
  EXPECT_EQ((*r)[2].i64, 4u);
}

}  // namespace
}  // namespace warden
