// Lazily compiled modules (lazy_bodies.h): a body is compiled on its first
// call only, gives the same results as eager compilation, and an invalid
// body is still refused before any of it runs.
#include <gtest/gtest.h>

#include "runtime/api.h"
#include "runtime/lazy_bodies.h"

namespace warden {
namespace {

// (module
//   (func $seven (export "seven") (result i32) (i32.const 7))
//   (func (export "eight") (result i32) (i32.add (call $seven) (i32.const 1)))
//   (func (export "bad") (result i32) (i32.add)))   ;; invalid: empty stack
const uint8_t kModule[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,
  0x03, 0x04, 0x03, 0x00, 0x00, 0x00,
  0x07, 0x17, 0x03, 0x05, 's', 'e', 'v', 'e', 'n', 0x00, 0x00,
  0x05, 'e', 'i', 'g', 'h', 't', 0x00, 0x01, 0x03, 'b', 'a', 'd', 0x00, 0x02,
  0x0a, 0x12, 0x03, 0x04, 0x00, 0x41, 0x07, 0x0b,
  0x07, 0x00, 0x10, 0x00, 0x41, 0x01, 0x6a, 0x0b,
  0x03, 0x00, 0x6a, 0x0b,
};

Expect<std::vector<Value>> callExport(Store& store, Instance& instance, std::string_view name) {
  std::optional<Extern> ext = getExport(instance, name);
  if (!ext) return std::unexpected(Error(ErrorCode::InvalidArgument, "no export"));
  return invoke(store, *ext->func, {});
}

TEST(LazyBodies, EagerCompilationRejectsTheInvalidBody) {
  Engine engine;
  EXPECT_FALSE(compileModule(engine, kModule));
}

TEST(LazyBodies, CompilesOnFirstCallOnly) {
  Engine engine;
  auto module = compileModuleLazily(engine, kModule);
  ASSERT_TRUE(module) << module.error().message();
  ASSERT_TRUE((*module)->lazy);
  EXPECT_EQ((*module)->lazy->compiledCount(), 0u);

  Store store(engine);
  Linker linker;
  auto instance = linker.instantiate(store, *module);
  ASSERT_TRUE(instance) << instance.error().message();
  EXPECT_EQ((*module)->lazy->compiledCount(), 0u);

  auto eight = callExport(store, **instance, "eight");  // compiles "eight", then "seven" through a call
  ASSERT_TRUE(eight) << eight.error().message();
  EXPECT_EQ((*eight)[0].i32, 8);
  EXPECT_EQ((*module)->lazy->compiledCount(), 2u);

  auto seven = callExport(store, **instance, "seven");
  ASSERT_TRUE(seven);
  EXPECT_EQ((*seven)[0].i32, 7);
  EXPECT_EQ((*module)->lazy->compiledCount(), 2u);  // compiled once, shared

  // A second store's instances reuse the compiled bodies.
  Store other(engine);
  auto again = linker.instantiate(other, *module);
  ASSERT_TRUE(again);
  auto eight_again = callExport(other, **again, "eight");
  ASSERT_TRUE(eight_again);
  EXPECT_EQ((*eight_again)[0].i32, 8);
  EXPECT_EQ((*module)->lazy->compiledCount(), 2u);
}

// (module
//   (func $sub (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))
//   (func (export "run") (result i32) (call $sub (i32.const 10) (i32.const 3))))
const uint8_t kCallWithArguments[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x0b, 0x02, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x7f,
  0x03, 0x03, 0x02, 0x00, 0x01,
  0x07, 0x07, 0x01, 0x03, 'r', 'u', 'n', 0x00, 0x01,
  0x0a, 0x12, 0x02, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6b, 0x0b,
  0x08, 0x00, 0x41, 0x0a, 0x41, 0x03, 0x10, 0x00, 0x0b,
};

TEST(LazyBodies, ACallThroughAStubKeepsItsArguments) {
  // The first call of $sub enters its stub, which compiles it: the call
  // sequence must not touch the arguments already in the callee's frame.
  Engine engine;
  auto module = compileModuleLazily(engine, kCallWithArguments);
  ASSERT_TRUE(module) << module.error().message();
  Store store(engine);
  auto instance = Linker().instantiate(store, *module);
  ASSERT_TRUE(instance) << instance.error().message();
  auto run = callExport(store, **instance, "run");
  ASSERT_TRUE(run) << run.error().message();
  EXPECT_EQ((*run)[0].i32, 7);
}

TEST(LazyBodies, InvalidBodyFailsWhenCalledAndNothingRuns) {
  Engine engine;
  auto module = compileModuleLazily(engine, kModule);
  ASSERT_TRUE(module);
  Store store(engine);
  Linker linker;
  auto instance = linker.instantiate(store, *module);
  ASSERT_TRUE(instance);
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto bad = callExport(store, **instance, "bad");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().phase(), ErrorPhase::Validate) << bad.error().message();
    EXPECT_NE(bad.error().message().find("function 2"), std::string::npos) << bad.error().message();
  }
}

}  // namespace
}  // namespace warden
