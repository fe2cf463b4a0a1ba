// libFuzzer target: arbitrary bytes through the whole engine.
//
// Each input is compiled (decode + validate + lowering to internal code). A
// module that compiles is instantiated in a fresh Store with an empty Linker
// (so modules with imports stop at a link error, which is fine), a memory cap
// and fuel, and then every exported function is called with zero arguments.
// Any error value is an acceptable outcome; a crash, a sanitizer report, a
// hang or an escaping exception is a finding. Fuel bounds computation but
// not memory.atomic.wait, which a lone thread may enter for ever: a watchdog
// interrupts a Store that runs longer than a few seconds.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "runtime/api.h"

namespace {

using namespace warden;

// Small enough that memory.grow/fill in a loop stays cheap, large enough for
// real programs: 16 pages = 1 MiB.
constexpr uint64_t kMemoryLimitPages = 16;
// Each loop iteration and call costs one unit, so this bounds every run.
constexpr uint64_t kFuel = 100'000;
// Fewer frames and a smaller value stack than the defaults keep each input fast.
constexpr EngineConfig kEngineConfig{.max_call_depth = 10'000, .value_stack_slots = 1u << 20};

// Interrupts the running Store once it has run kWaitLimit; one thread for
// the whole fuzzing run.
class WaitWatchdog {
 public:
  static WaitWatchdog& get() {
    static WaitWatchdog* instance = new WaitWatchdog;  // lives as long as the process
    return *instance;
  }
  void watch(Store* store) {
    std::lock_guard lock(mutex_);
    store_ = store;
    since_ = std::chrono::steady_clock::now();
  }

 private:
  static constexpr auto kWaitLimit = std::chrono::seconds(2);
  WaitWatchdog() {
    std::thread([this] {
      for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        std::lock_guard lock(mutex_);
        if (store_ && std::chrono::steady_clock::now() - since_ > kWaitLimit) {
          store_->interrupt();
          since_ = std::chrono::steady_clock::now();
        }
      }
    }).detach();
  }
  std::mutex mutex_;
  Store* store_ = nullptr;
  std::chrono::steady_clock::time_point since_;
};

struct Watched {
  explicit Watched(Store& store) { WaitWatchdog::get().watch(&store); }
  ~Watched() { WaitWatchdog::get().watch(nullptr); }
};

// Calls `func` with a zero of each parameter type (null for references).
void invokeWithZeros(Store& store, FunctionInstance& func) {
  // Arguments in slot layout: a v128 parameter takes two Values.
  std::vector<Value> args(slotCount(func.type->params), Value::zero());
  (void)invoke(store, func, args);
}

void runModule(std::span<const uint8_t> bytes) {
  // A fresh Engine per input: its type-interning table would otherwise grow
  // with every input for the whole run.
  Engine engine(kEngineConfig);
  auto module = compileModule(engine, bytes);
  if (!module) return;

  Store store(engine);
  Watched watched(store);
  store.setMemoryLimitPages(kMemoryLimitPages);
  store.setFuel(kFuel);  // the start function runs during instantiation
  Linker linker;
  auto instance = linker.instantiate(store, *module);
  if (!instance) return;

  // One budget shared by all exports: a module with thousands of looping
  // exports must still finish quickly.
  store.setFuel(kFuel);
  for (const Export& exp : (*module)->exports) {
    if (exp.kind != ExternKind::Func) continue;
    auto ext = getExport(**instance, exp.name);
    if (!ext || ext->kind != ExternKind::Func || ext->func == nullptr) continue;
    invokeWithZeros(store, *ext->func);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  runModule(std::span<const uint8_t>(data, size));
  return 0;
}
