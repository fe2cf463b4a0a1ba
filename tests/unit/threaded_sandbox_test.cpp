// Sandboxes whose module can have threads (tests/threads/family.wat): runs
// with threads under per-run limits, and snapshots of an imported shared
// memory that restored sandboxes start threads from.
#include <gtest/gtest.h>

#include "sandbox/sandbox.h"
#include "sandbox/snapshot.h"
#include "support/host_io.h"

namespace warden::sandbox {
namespace {

struct ThreadedSandbox : ::testing::Test {
  Engine engine;
  std::shared_ptr<const Module> module =
      compileModule(engine, readFileBytes(WARDEN_FAMILY_WASM).value()).value();

  std::unique_ptr<Sandbox> make() {
    return Sandbox::create(engine, module, wasi::WasiConfig{}, 64ull << 20).value();
  }
  static Result call(Sandbox& box, std::string_view name, std::vector<Value> args, std::vector<Value>* results,
                     Limits limits = {}) {
    return box.run(name, args, "", nullptr, limits, results);
  }
};

TEST_F(ThreadedSandbox, ThreadsRunAndEndWithTheRun) {
  std::unique_ptr<Sandbox> box = make();
  ASSERT_NE(box->threads(), nullptr);
  std::vector<Value> results;
  Result r = call(*box, "count", {Value::fromI32(4)}, &results);
  EXPECT_EQ(r.status, Status::Ok) << r.message;
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].i32, 40000u);
  EXPECT_EQ(box->threads()->running(), 0u);
}

TEST_F(ThreadedSandbox, PerRunThreadCap) {
  std::unique_ptr<Sandbox> box = make();
  std::vector<Value> results;
  Limits limits;
  limits.max_threads = 2;
  call(*box, "spawn_until_refused", {Value::fromI32(5), Value::fromI32(100)}, &results, limits);
  EXPECT_EQ(results.at(0).i32, 2u);
  limits.max_threads = 5;  // the next run of the same sandbox
  call(*box, "spawn_until_refused", {Value::fromI32(5), Value::fromI32(100)}, &results, limits);
  EXPECT_EQ(results.at(0).i32, 5u);
}

TEST_F(ThreadedSandbox, ATrapInAThreadIsTheRunsEnd) {
  std::unique_ptr<Sandbox> box = make();
  Result r = call(*box, "one_then_wait", {Value::fromI32(3)}, nullptr);
  EXPECT_EQ(r.status, Status::Trap) << r.message;
}

TEST_F(ThreadedSandbox, TimeoutStopsEveryThread) {
  std::unique_ptr<Sandbox> box = make();
  Limits limits;
  limits.timeout = std::chrono::milliseconds(200);
  Result r = call(*box, "all_spin", {Value::fromI32(3)}, nullptr, limits);
  EXPECT_EQ(r.status, Status::Timeout) << r.message;
  EXPECT_EQ(box->threads()->running(), 0u);
}

TEST_F(ThreadedSandbox, SnapshotOfASharedImportedMemoryRestoresAndStartsThreads) {
  std::unique_ptr<Sandbox> box = make();
  std::vector<Value> results;
  call(*box, "count", {Value::fromI32(3)}, &results);
  ASSERT_EQ(results.at(0).i32, 30000u);
  auto snapshot = Snapshot::capture(*box, "digest", nlohmann::json::object());
  ASSERT_TRUE(snapshot) << snapshot.error().detail();
  std::unique_ptr<Sandbox> restored = (*snapshot)->restore(engine, module, wasi::WasiConfig{}, 64ull << 20).value();
  ASSERT_NE(restored->threads(), nullptr);
  EXPECT_TRUE(restored->memory()->shared());
  // The counter's 30000 came along, and new threads add to it.
  Result r = call(*restored, "count", {Value::fromI32(2)}, &results);
  EXPECT_EQ(r.status, Status::Ok) << r.message;
  EXPECT_EQ(results.at(0).i32, 50000u);
  // Copy-on-write: the original did not see the restored sandbox's writes.
  call(*box, "count", {Value::fromI32(1)}, &results);
  EXPECT_EQ(results.at(0).i32, 40000u);
}

}  // namespace
}  // namespace warden::sandbox
