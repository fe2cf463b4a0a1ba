// The embedding API end to end: host imports, exports, globals, tables,
// data segments, traps and limits, through api.h only.
#include <gtest/gtest.h>

#include <thread>

#include "runtime/api.h"

namespace warden {
namespace {

// tests/unit/api_test.cpp's module, built by wat2wasm from this text:
//   (module
//     (import "host" "add" (func $add (param i32 i32) (result i32)))
//     (import "host" "g" (global $g i32))
//     (memory (export "mem") 1 2)
//     (global $counter (export "counter") (mut i32) (i32.const 5))
//     (table (export "tab") 2 funcref)
//     (elem (i32.const 0) $twice)
//     (data (i32.const 16) "hi")
//     (func $twice (export "twice") (param i32) (result i32)
//       (call $add (local.get 0) (local.get 0)))
//     (func (export "plus_g") (param i32) (result i32)
//       (i32.add (local.get 0) (global.get $g)))
//     (func (export "bump") (result i32)
//       (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
//       (global.get $counter))
//     (func (export "load16") (result i32) (i32.load16_u (i32.const 16)))
//     (func (export "via_table") (param i32) (result i32)
//       (call_indirect (param i32) (result i32) (local.get 0) (local.get 0)))
//     (func (export "spin") (loop $l (br $l)))
//     (func $rec (export "rec") (param i32) (result i32) (call $rec (local.get 0)))
//   )
const uint8_t kApiModule[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x13, 0x04, 0x60,
  0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00,
  0x01, 0x7f, 0x60, 0x00, 0x00, 0x02, 0x16, 0x02, 0x04, 0x68, 0x6f, 0x73,
  0x74, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x04, 0x68, 0x6f, 0x73, 0x74,
  0x01, 0x67, 0x03, 0x7f, 0x00, 0x03, 0x08, 0x07, 0x01, 0x01, 0x02, 0x02,
  0x01, 0x03, 0x01, 0x04, 0x04, 0x01, 0x70, 0x00, 0x02, 0x05, 0x04, 0x01,
  0x01, 0x01, 0x02, 0x06, 0x06, 0x01, 0x7f, 0x01, 0x41, 0x05, 0x0b, 0x07,
  0x51, 0x0a, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x07, 0x63, 0x6f, 0x75,
  0x6e, 0x74, 0x65, 0x72, 0x03, 0x01, 0x03, 0x74, 0x61, 0x62, 0x01, 0x00,
  0x05, 0x74, 0x77, 0x69, 0x63, 0x65, 0x00, 0x01, 0x06, 0x70, 0x6c, 0x75,
  0x73, 0x5f, 0x67, 0x00, 0x02, 0x04, 0x62, 0x75, 0x6d, 0x70, 0x00, 0x03,
  0x06, 0x6c, 0x6f, 0x61, 0x64, 0x31, 0x36, 0x00, 0x04, 0x09, 0x76, 0x69,
  0x61, 0x5f, 0x74, 0x61, 0x62, 0x6c, 0x65, 0x00, 0x05, 0x04, 0x73, 0x70,
  0x69, 0x6e, 0x00, 0x06, 0x03, 0x72, 0x65, 0x63, 0x00, 0x07, 0x09, 0x07,
  0x01, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x01, 0x0a, 0x3f, 0x07, 0x08, 0x00,
  0x20, 0x00, 0x20, 0x00, 0x10, 0x00, 0x0b, 0x07, 0x00, 0x20, 0x00, 0x23,
  0x00, 0x6a, 0x0b, 0x0b, 0x00, 0x23, 0x01, 0x41, 0x01, 0x6a, 0x24, 0x01,
  0x23, 0x01, 0x0b, 0x07, 0x00, 0x41, 0x10, 0x2f, 0x01, 0x00, 0x0b, 0x09,
  0x00, 0x20, 0x00, 0x20, 0x00, 0x11, 0x01, 0x00, 0x0b, 0x07, 0x00, 0x03,
  0x40, 0x0c, 0x00, 0x0b, 0x0b, 0x06, 0x00, 0x20, 0x00, 0x10, 0x07, 0x0b,
  0x0b, 0x08, 0x01, 0x00, 0x41, 0x10, 0x0b, 0x02, 0x68, 0x69
};

struct ApiFixture : ::testing::Test {
  Engine engine;
  Store store{engine};
  Linker linker;
  Instance* instance = nullptr;

  void SetUp() override {
    FuncType add_type{{ValType::I32, ValType::I32}, {ValType::I32}};
    auto* add = store.createHostFunction(add_type, [](HostCall&, std::span<const Value> args, std::span<Value> results) -> Expect<void> {
      results[0] = Value::fromI32(args[0].i32 + args[1].i32);
      return {};
    });
    linker.define("host", "add", Extern::of(add));
    linker.define("host", "g", Extern::of(store.createGlobal({ValType::I32, false}, Value::fromI32(100))));
    auto module = compileModule(engine, kApiModule);
    ASSERT_TRUE(module) << module.error().message();
    auto inst = linker.instantiate(store, *module);
    ASSERT_TRUE(inst) << inst.error().message();
    instance = *inst;
  }

  Expect<std::vector<Value>> call(std::string_view name, std::vector<Value> args = {}) {
    auto ext = getExport(*instance, name);
    EXPECT_TRUE(ext && ext->kind == ExternKind::Func) << name;
    return invoke(store, *ext->func, args);
  }
};

TEST_F(ApiFixture, CallsThroughHostImport) {
  auto r = call("twice", {Value::fromI32(21)});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ((*r)[0].i32, 42u);
}

TEST_F(ApiFixture, ReadsImportedGlobal) {
  auto r = call("plus_g", {Value::fromI32(1)});
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].i32, 101u);
}

TEST_F(ApiFixture, MutableGlobalIsSharedWithTheHost) {
  auto g = getExport(*instance, "counter");
  ASSERT_TRUE(g && g->kind == ExternKind::Global);
  EXPECT_EQ(g->global->value.i32, 5u);
  ASSERT_TRUE(call("bump"));
  EXPECT_EQ(g->global->value.i32, 6u);
  g->global->value = Value::fromI32(41);
  EXPECT_EQ((*call("bump"))[0].i32, 42u);
}

TEST_F(ApiFixture, DataSegmentIsInMemory) {
  auto mem = getExport(*instance, "mem");
  ASSERT_TRUE(mem && mem->kind == ExternKind::Memory);
  EXPECT_EQ(mem->memory->pages(), 1u);
  EXPECT_EQ(mem->memory->base[16], 'h');
  EXPECT_EQ((*call("load16"))[0].i32, uint32_t('h') | uint32_t('i') << 8);
}

TEST_F(ApiFixture, IndirectCallAndItsTraps) {
  EXPECT_EQ((*call("via_table", {Value::fromI32(0)}))[0].i32, 0u);  // twice(0) through the table
  auto r = call("via_table", {Value::fromI32(1)});  // slot 1 is null
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::UninitializedElement);
}

TEST_F(ApiFixture, InfiniteRecursionIsATrapNotACrash) {
  auto r = call("rec", {Value::fromI32(1)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::CallStackExhausted);
  // The store stays usable after the trap.
  EXPECT_EQ((*call("twice", {Value::fromI32(2)}))[0].i32, 4u);
}

TEST_F(ApiFixture, FuelStopsAnInfiniteLoop) {
  store.setFuel(1000);
  auto r = call("spin");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::OutOfFuel);
  EXPECT_EQ(store.fuelRemaining(), 0u);
}

TEST_F(ApiFixture, InterruptStopsAnInfiniteLoopFromAnotherThread) {
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    store.interrupt();
  });
  auto r = call("spin");
  stopper.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::Interrupted);
}

TEST_F(ApiFixture, WrongArgumentCountIsAnError) {
  auto r = call("twice");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::InvalidArgument);
}

TEST(Api, UnknownImportFailsToLink) {
  Engine engine;
  Store store(engine);
  Linker linker;
  auto module = compileModule(engine, kApiModule);
  ASSERT_TRUE(module);
  auto inst = linker.instantiate(store, *module);
  ASSERT_FALSE(inst);
  EXPECT_EQ(inst.error().code(), ErrorCode::UnknownImport);
  EXPECT_NE(inst.error().message().find("host.add"), std::string::npos);
}

TEST(Api, ImportOfTheWrongTypeFailsToLink) {
  Engine engine;
  Store store(engine);
  Linker linker;
  auto* f = store.createHostFunction({{}, {}}, [](HostCall&, std::span<const Value>, std::span<Value>) -> Expect<void> { return {}; });
  linker.define("host", "add", Extern::of(f));
  auto inst = linker.instantiate(store, *compileModule(engine, kApiModule));
  ASSERT_FALSE(inst);
  EXPECT_EQ(inst.error().code(), ErrorCode::IncompatibleImportType);
}

TEST(Api, MemoryLimitCapsGrowth) {
  Engine engine;
  Store store(engine);
  store.setMemoryLimitPages(3);
  auto mem = store.createMemory({{1, std::nullopt}});
  ASSERT_TRUE(mem);
  EXPECT_EQ((*mem)->grow(2), 1);
  EXPECT_EQ((*mem)->grow(1), -1);  // would exceed the store's cap
  EXPECT_EQ((*mem)->pages(), 3u);
}

TEST(Api, MalformedBytesAreADecodeError) {
  Engine engine;
  const uint8_t junk[] = {0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00};
  auto module = compileModule(engine, junk);
  ASSERT_FALSE(module);
  EXPECT_EQ(module.error().phase(), ErrorPhase::Decode);
}

}  // namespace
}  // namespace warden
