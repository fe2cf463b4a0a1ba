// Sandbox: one Wasm instance with its own Store, WASI context and limits —
// the unit of isolation. It can be run once (a WASI command's `_start`) or
// kept and run again (a Python session): each run gets its own stdin,
// captured/streamed output and limits.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "posix/thread_group.h"
#include "runtime/api.h"
#include "sandbox/execution.h"
#include "wasi/run_outcome.h"
#include "wasi/wasi_context.h"

namespace warden::sandbox {

class Sandbox {
 public:
  // Instantiates `module` with WASI as `config` grants (its stdio is replaced
  // at every run) under `memory_cap_bytes` (none when unset). Runs only the
  // module's start function, if any.
  static Expect<std::unique_ptr<Sandbox>> create(Engine& engine, std::shared_ptr<const Module> module,
                                                 wasi::WasiConfig config, std::optional<uint64_t> memory_cap_bytes);

  // The same, with the instance made by `instantiate` (a snapshot restore)
  // from a Linker that holds the WASI functions `module` imports, a memory
  // for each memory it imports (which `instantiate` may replace) and, when
  // it imports thread-spawn, the sandbox's thread group.
  using Instantiate = std::function<Expect<Instance*>(Linker& linker, Store& store)>;
  static Expect<std::unique_ptr<Sandbox>> create(Engine& engine, wasi::WasiConfig config,
                                                 std::optional<uint64_t> memory_cap_bytes,
                                                 const std::shared_ptr<const Module>& module,
                                                 const Instantiate& instantiate);

  // Calls the export `name` with `args` (slot layout) under `limits`, with
  // stdin from `stdin_data` and output captured into the Result (and
  // streamed to `on_output` when set). Results go to `results` if given
  // (left empty unless the call returned). With `returns_exit_status` the
  // export's one i32 result is the guest's exit status. With
  // `inherit_stdio` the guest uses this process's stdio instead.
  Result run(std::string_view name, std::span<const Value> args, const std::string& stdin_data,
             const OutputSink& on_output, const Limits& limits, std::vector<Value>* results = nullptr,
             bool returns_exit_status = false, bool inherit_stdio = false);

  Store& store() { return *store_; }
  Instance& instance() { return *instance_; }
  wasi::WasiContext& wasi() { return *wasi_; }
  MemoryInstance* memory() { return instance_->memories.empty() ? nullptr : instance_->memories[0]; }
  // The guest threads, when the module can start them (null otherwise).
  posix::ThreadGroup* threads() { return threads_.get(); }

 private:
  Sandbox() = default;
  std::unique_ptr<Store> store_;
  std::unique_ptr<wasi::WasiContext> wasi_;
  Instance* instance_ = nullptr;
  std::unique_ptr<posix::ThreadGroup> threads_;  // declared last: stopped before the rest goes
};

// The status a WASI run outcome maps to.
Status statusOf(const wasi::RunOutcome& outcome);

// A Result for a run that could not happen (Warden's own error).
Result internalError(std::string message);

}  // namespace warden::sandbox
