// PythonRuntime: runs Python in sandboxes, for the HTTP service and the CLI.
// One per process and CPython build; thread-safe.
//
// It starts CPython once (python-driver.wasm: python/warden_driver.c),
// imports the preload modules, and snapshots that state (snapshot.h); every
// run then gets a sandbox restored from the snapshot — copy-on-write, taken
// from a pool of ready ones when there is one (sandbox_pool.h) — so a run
// starts in about a millisecond instead of a fresh CPython start.
//
// Every sandbox sees the standard library read-only (python_home.h), the
// request's work directory read-write at /work (its current directory),
// exactly the request's environment, and nothing else.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/api.h"
#include "sandbox/execution.h"
#include "sandbox/hot_pages.h"

namespace warden::sandbox {

class Sandbox;
class SandboxPool;
class Snapshot;

struct PythonRuntimeOptions {
  // python/build.sh's output directory (python_home.h); with a
  // snapshot_file, empty means the one the snapshot was made with.
  std::string home;
  // Memory cap of a sandbox whose Request sets none.
  uint64_t default_memory_bytes = 512ull << 20;
  // Modules imported before the snapshot is taken (e.g. json, re).
  std::vector<std::string> preload;
  // Restore from this snapshot file (`warden snapshot create`) instead of
  // starting CPython; its module must be this home's python-driver.wasm.
  std::string snapshot_file;
  // A snapshot file kept as a cache: loaded when it holds this build's
  // CPython (and was made with this preload list), otherwise made and saved
  // there (atomically, one process at a time) so the next start loads it.
  // For `warden python`'s default start; the caller keys the file name.
  std::string cache_file;
  // Told, before the cache file is made, why (missing, or why the existing
  // one was refused): making it takes about a second.
  std::function<void(const std::string& why)> on_making_cache;
  // With a snapshot file: a directory of Warden's own cache where the warm
  // bodies' compiled code is kept (runtime/code_cache.h), so the next start
  // installs them instead of compiling them. Empty: compiled every time.
  std::string code_cache_dir;
  // Restored sandboxes kept ready by a background thread; 0 restores on demand.
  size_t pool_size = 0;
};

// What a run executes, as `python -c`, `python -m` or `python SCRIPT` would.
enum class PythonEntry : int32_t { Source = 0, Module = 1, Path = 2 };

class PythonSession;

class PythonRuntime {
 public:
  // Loads the CPython build and makes (or loads) the snapshot. Host errors
  // name what is missing; a failed start shows CPython's own message.
  static Expect<std::unique_ptr<PythonRuntime>> create(Engine& engine, PythonRuntimeOptions options);
  ~PythonRuntime();

  // Runs `code` as the __main__ module of a new sandbox that is discarded
  // afterwards. `request.args` become sys.argv[1:]. Thread-safe.
  Result run(std::string_view code, const Request& request) { return run(PythonEntry::Source, code, request); }
  // The same for a module name (-m) or a script path as the guest sees it.
  Result run(PythonEntry entry, std::string_view text, const Request& request);

  // A sandbox kept alive between runs: globals, imported modules and files
  // survive. Its environment, work directory and args come from `request`;
  // stdin, output and limits are given per run.
  Expect<std::unique_ptr<PythonSession>> openSession(const Request& request);

  // A restored sandbox ready for `request` (the pool's, else a new one).
  Expect<std::unique_ptr<Sandbox>> acquire(const Request& request);

  // The pool (options.pool_size > 0): sandboxes ready now; waits for a full pool.
  size_t pooledReady() const;
  void waitForPool() const;

  // Also profiles a warm-up run: the bodies it compiles and the pages it
  // touches go into the file (and this runtime's restores fault them first).
  Expect<void> saveSnapshot(const std::string& path);
  const Snapshot& snapshot() const { return *snapshot_; }
  // Time CPython took to start and preload when the snapshot was made here.
  std::chrono::nanoseconds initDuration() const { return init_duration_; }

  // With options.cache_file: why the snapshot could not be saved there
  // (the runtime works regardless); empty when it was or when it was loaded.
  const std::string& cacheError() const { return cache_error_; }

  Engine& engine() { return engine_; }
  const PythonRuntimeOptions& options() const { return options_; }

 private:
  PythonRuntime(Engine& engine, PythonRuntimeOptions options);
  static Expect<std::unique_ptr<PythonRuntime>> createCached(Engine& engine, PythonRuntimeOptions options);
  Expect<void> makeSnapshot(const std::string& digest, const std::string& module_file);
  Expect<std::unique_ptr<Sandbox>> restore() const;
  // A short program run in a lazily compiled restore: the bodies it needed
  // and the snapshot pages it touched.
  struct WarmProfile {
    std::vector<uint32_t> functions;
    HotPages hot_pages;
  };
  Expect<WarmProfile> profileWarmRun() const;
  Expect<void> warmUp();
  uint64_t memoryCap(const Request& request) const;
  friend class PythonSession;

  Engine& engine_;
  PythonRuntimeOptions options_;
  std::shared_ptr<const Module> module_;  // python-driver.wasm
  std::shared_ptr<const Snapshot> snapshot_;
  HotPages hot_pages_;  // faulted in by every restore (hot_pages.h)
  std::chrono::nanoseconds init_duration_{0};
  std::string cache_error_;
  // Last, so it is destroyed first: its thread restores from the members
  // above until it is joined (found by AddressSanitizer: hot_pages_ freed
  // under a refill).
  std::unique_ptr<SandboxPool> pool_;
};

class PythonSession {
 public:
  ~PythonSession();
  // Runs `code` in the session's __main__ namespace, with `request`'s
  // stdin_data, on_output and limits. A run that does not return — it hit a
  // limit, trapped or called os._exit — ends the session (its interpreter
  // was stopped mid-instruction); later runs fail with status Internal.
  // One run at a time: the caller serialises.
  Result run(std::string_view code, const Request& request);
  bool alive() const { return alive_; }

 private:
  friend class PythonRuntime;
  PythonSession() = default;
  PythonRuntime* runtime_ = nullptr;
  std::unique_ptr<Sandbox> sandbox_;
  bool alive_ = true;
};

}  // namespace warden::sandbox
