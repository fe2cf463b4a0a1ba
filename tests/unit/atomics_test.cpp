// The threads proposal in the engine across host threads: two Stores share
// one shared memory (as a sandbox's threads do), and atomics, wait/notify,
// interruption of a parked thread and growth are seen by both.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "runtime/api.h"

namespace warden {
namespace {

// Built by `wat2wasm --enable-threads` from:
//   (module
//     (import "env" "memory" (memory 1 4 shared))
//     (func (export "add_loop") (param $n i32)
//       (loop $l
//         (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
//         (local.set $n (i32.sub (local.get $n) (i32.const 1)))
//         (br_if $l (local.get $n))))
//     (func (export "wait") (param $timeout i64) (result i32)
//       (memory.atomic.wait32 (i32.const 8) (i32.const 0) (local.get $timeout)))
//     (func (export "notify") (result i32) (memory.atomic.notify (i32.const 8) (i32.const 1)))
//     (func (export "load") (param i32) (result i32) (i32.atomic.load (local.get 0)))
//     (func (export "grow") (result i32) (memory.grow (i32.const 1)))
//     (func (export "size") (result i32) (memory.size)))
const uint8_t kSharedModule[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x13, 0x04, 0x60,
  0x01, 0x7f, 0x00, 0x60, 0x01, 0x7e, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x7f,
  0x60, 0x01, 0x7f, 0x01, 0x7f, 0x02, 0x10, 0x01, 0x03, 0x65, 0x6e, 0x76,
  0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x03, 0x01, 0x04, 0x03,
  0x07, 0x06, 0x00, 0x01, 0x02, 0x03, 0x02, 0x02, 0x07, 0x31, 0x06, 0x08,
  0x61, 0x64, 0x64, 0x5f, 0x6c, 0x6f, 0x6f, 0x70, 0x00, 0x00, 0x04, 0x77,
  0x61, 0x69, 0x74, 0x00, 0x01, 0x06, 0x6e, 0x6f, 0x74, 0x69, 0x66, 0x79,
  0x00, 0x02, 0x04, 0x6c, 0x6f, 0x61, 0x64, 0x00, 0x03, 0x04, 0x67, 0x72,
  0x6f, 0x77, 0x00, 0x04, 0x04, 0x73, 0x69, 0x7a, 0x65, 0x00, 0x05, 0x0a,
  0x48, 0x06, 0x19, 0x00, 0x03, 0x40, 0x41, 0x00, 0x41, 0x01, 0xfe, 0x1e,
  0x02, 0x00, 0x1a, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x21, 0x00, 0x20, 0x00,
  0x0d, 0x00, 0x0b, 0x0b, 0x0c, 0x00, 0x41, 0x08, 0x41, 0x00, 0x20, 0x00,
  0xfe, 0x01, 0x02, 0x00, 0x0b, 0x0a, 0x00, 0x41, 0x08, 0x41, 0x01, 0xfe,
  0x00, 0x02, 0x00, 0x0b, 0x08, 0x00, 0x20, 0x00, 0xfe, 0x10, 0x02, 0x00,
  0x0b, 0x06, 0x00, 0x41, 0x01, 0x40, 0x00, 0x0b, 0x04, 0x00, 0x3f, 0x00,
  0x0b,
};

// One sandbox thread: its own Store and instance, the memory shared.
struct GuestThread {
  Store store;
  Instance* instance = nullptr;
  GuestThread(Engine& engine, const std::shared_ptr<const Module>& module, const Linker& linker) : store(engine) {
    instance = linker.instantiate(store, module).value();
  }
  Expect<std::vector<Value>> call(std::string_view name, std::vector<Value> args = {}) {
    return invoke(store, *getExport(*instance, name)->func, args);
  }
};

struct SharedMemoryFixture : ::testing::Test {
  Engine engine;
  Store owner{engine};  // owns the shared memory, like a sandbox's main Store
  Linker linker;
  std::shared_ptr<const Module> module;
  MemoryInstance* memory = nullptr;

  void SetUp() override {
    Limits limits{1, 4};
    limits.shared = true;
    memory = owner.createMemory(MemoryType{limits}).value();
    linker.define("env", "memory", Extern::of(memory));
    module = compileModule(engine, std::span<const uint8_t>(kSharedModule)).value();
  }
};

TEST_F(SharedMemoryFixture, AtomicAddsFromTwoThreadsAreNotLost) {
  GuestThread a(engine, module, linker), b(engine, module, linker);
  constexpr uint32_t kEach = 200'000;
  std::thread ta([&] { ASSERT_TRUE(a.call("add_loop", {Value::fromI32(kEach)})); });
  std::thread tb([&] { ASSERT_TRUE(b.call("add_loop", {Value::fromI32(kEach)})); });
  ta.join();
  tb.join();
  EXPECT_EQ(a.call("load", {Value::fromI32(0)})->at(0).i32, 2 * kEach);
}

TEST_F(SharedMemoryFixture, NotifyWakesAWaiterOnAnotherThread) {
  GuestThread waiter(engine, module, linker), notifier(engine, module, linker);
  std::atomic<uint32_t> result{99};
  std::thread t([&] { result = waiter.call("wait", {Value::fromI64(uint64_t(-1))})->at(0).i32; });
  // Notify until it reports one woken thread: the waiter may not be parked yet.
  uint32_t woken = 0;
  for (int i = 0; i < 5000 && woken == 0; ++i) {
    woken = notifier.call("notify")->at(0).i32;
    if (!woken) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  t.join();
  EXPECT_EQ(woken, 1u);
  EXPECT_EQ(result.load(), 0u);  // "ok": woken by notify
}

TEST_F(SharedMemoryFixture, WaitTimesOutAndComparesFirst) {
  GuestThread g(engine, module, linker);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(g.call("wait", {Value::fromI64(20'000'000)})->at(0).i32, 2u);  // "timed-out"
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(20));
  __atomic_store_n(reinterpret_cast<uint32_t*>(memory->base + 8), 7u, __ATOMIC_SEQ_CST);
  EXPECT_EQ(g.call("wait", {Value::fromI64(uint64_t(-1))})->at(0).i32, 1u);  // "not-equal", at once
}

TEST_F(SharedMemoryFixture, InterruptWakesAThreadWaitingForEver) {
  GuestThread g(engine, module, linker);
  std::atomic<bool> done{false};
  Expect<std::vector<Value>> outcome = std::vector<Value>{};
  std::thread t([&] {
    outcome = g.call("wait", {Value::fromI64(uint64_t(-1))});
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_FALSE(done.load());
  g.store.interrupt();
  t.join();
  ASSERT_FALSE(outcome.has_value());
  EXPECT_EQ(outcome.error().code(), ErrorCode::Interrupted);
  // The request was consumed: the Store runs again.
  EXPECT_EQ(g.call("wait", {Value::fromI64(0)})->at(0).i32, 2u);
}

TEST_F(SharedMemoryFixture, GrowthByOneThreadIsSeenByTheOther) {
  GuestThread a(engine, module, linker), b(engine, module, linker);
  EXPECT_EQ(a.call("size")->at(0).i32, 1u);
  std::thread t([&] { EXPECT_EQ(b.call("grow")->at(0).i32, 1u); });
  t.join();
  EXPECT_EQ(a.call("size")->at(0).i32, 2u);
  // The new page is usable from the thread that did not grow it.
  EXPECT_EQ(a.call("load", {Value::fromI32(65536 + 4)})->at(0).i32, 0u);
  EXPECT_EQ(memory->currentSize(), 2 * kPageSize);
}

TEST_F(SharedMemoryFixture, ConcurrentGrowthStopsAtTheMaximum) {
  GuestThread a(engine, module, linker), b(engine, module, linker);
  std::atomic<int> grown{0};
  auto grow = [&](GuestThread& g) {
    for (int i = 0; i < 4; ++i)
      if (int32_t(g.call("grow")->at(0).i32) >= 0) ++grown;
  };
  std::thread ta([&] { grow(a); });
  std::thread tb([&] { grow(b); });
  ta.join();
  tb.join();
  EXPECT_EQ(grown.load(), 3);  // 1 -> 4 pages: three grants in all, never more
  EXPECT_EQ(a.call("size")->at(0).i32, 4u);
}

TEST(SharedMemoryTypes, ImportsMatchOnlyTheSameSharedness) {
  Engine engine;
  Store store(engine);
  Linker linker;
  linker.define("env", "memory", Extern::of(store.createMemory(MemoryType{Limits{1, 4}}).value()));  // unshared
  auto module = compileModule(engine, std::span<const uint8_t>(kSharedModule)).value();
  auto instance = linker.instantiate(store, module);
  ASSERT_FALSE(instance.has_value());
  EXPECT_EQ(instance.error().code(), ErrorCode::IncompatibleImportType);
}

TEST(SharedMemoryTypes, ThreadsCanBeTurnedOff) {
  EngineConfig config;
  config.threads = false;
  Engine engine(config);
  auto module = compileModule(engine, std::span<const uint8_t>(kSharedModule));
  ASSERT_FALSE(module.has_value());  // the shared flag is malformed in Wasm 2.0
}

}  // namespace
}  // namespace warden
