// posix::ThreadGroup in-process, as the service and the pool use it: no guest
// thread outlives stop(), and the host's thread count returns to where it was.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "posix/thread_group.h"
#include "support/host_io.h"
#include "wasi/wasi_context.h"

namespace warden {
namespace {

size_t hostThreads() {
  // A sanitizer's runtime may start a thread of its own at the first thread
  // created: one made and joined first keeps it out of the difference.
  static const bool warmed = [] {
    std::thread([] {}).join();
    return true;
  }();
  (void)warmed;
  size_t n = 0;
  for ([[maybe_unused]] auto& entry : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

struct Family {
  Engine engine;
  Store main{engine};
  Linker linker;
  std::unique_ptr<wasi::WasiContext> context = wasi::WasiContext::create(wasi::WasiConfig{}).value();
  std::shared_ptr<const Module> module;
  std::unique_ptr<posix::ThreadGroup> threads;
  Instance* instance = nullptr;

  explicit Family(uint32_t max_threads) {
    module = compileModule(engine, readFileBytes(WARDEN_FAMILY_WASM).value()).value();
    EXPECT_TRUE(wasi::defineWasi(linker, main, *context, module.get()));
    EXPECT_TRUE(posix::defineImportedMemories(linker, main, *module));
    threads = std::make_unique<posix::ThreadGroup>(main, module, max_threads);
    posix::defineThreadSpawn(linker, main, *threads);
    threads->setLinker(linker);
    instance = linker.instantiate(main, module).value();
  }
  Expect<std::vector<Value>> call(std::string_view name, std::vector<Value> args) {
    return invoke(main, *getExport(*instance, name)->func, args);
  }
};

TEST(ThreadGroup, StopEndsWaitingThreadsAndHostThreadsReturnToBaseline) {
  size_t baseline = hostThreads();
  {
    Family family(16);
    // Ten threads parked in memory.atomic.wait for ever (job 5).
    EXPECT_EQ(family.call("spawn_until_refused", {Value::fromI32(5), Value::fromI32(10)})->at(0).i32, 10u);
    EXPECT_EQ(hostThreads(), baseline + 10);
    EXPECT_FALSE(family.threads->stop().has_value());  // nothing ended the sandbox
    EXPECT_EQ(hostThreads(), baseline);
    EXPECT_EQ(family.threads->spawned(), 10u);
    // A kept sandbox runs again: its next run can have threads, and they end with it.
    EXPECT_EQ(family.call("spawn_until_refused", {Value::fromI32(5), Value::fromI32(4)})->at(0).i32, 4u);
    EXPECT_EQ(hostThreads(), baseline + 4);
    EXPECT_FALSE(family.threads->stop().has_value());
    EXPECT_EQ(hostThreads(), baseline);
  }
  EXPECT_EQ(hostThreads(), baseline);
}

TEST(ThreadGroup, InterruptingTheMainStoreStopsSpinningThreads) {
  size_t baseline = hostThreads();
  Family family(8);
  EXPECT_EQ(family.call("spawn_until_refused", {Value::fromI32(4), Value::fromI32(3)})->at(0).i32, 3u);
  family.main.interrupt();  // as the watchdog of --timeout does
  // The threads were interrupted (not a cause of the sandbox's end) and
  // the family stops at once.
  EXPECT_FALSE(family.threads->stop().has_value());
  EXPECT_EQ(hostThreads(), baseline);
}

TEST(ThreadGroup, ATrapInAThreadIsHowTheSandboxEnded) {
  Family family(8);
  auto waited = family.call("one_then_wait", {Value::fromI32(3)});  // the main thread is interrupted
  ASSERT_FALSE(waited.has_value());
  EXPECT_EQ(waited.error().code(), ErrorCode::Interrupted);
  std::optional<Error> ended = family.threads->stop();
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(ended->code(), ErrorCode::Unreachable);
}

TEST(ThreadGroup, PeakIsBoundedByTheCap) {
  Family family(3);
  EXPECT_EQ(family.call("spawn_until_refused", {Value::fromI32(5), Value::fromI32(100)})->at(0).i32, 3u);
  EXPECT_EQ(family.threads->peak(), 3u);
  EXPECT_FALSE(family.threads->stop().has_value());
}

}  // namespace
}  // namespace warden
