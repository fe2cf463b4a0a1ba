// PythonRuntime: runs Python source in sandboxes, for the HTTP service and
// the CLI. One per process and CPython build; thread-safe. Every sandbox
// sees the standard library read-only (python_home.h), the request's work
// directory read-write at /work (its current directory), exactly the
// request's environment, and nothing else.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/api.h"
#include "sandbox/execution.h"

namespace warden::sandbox {

class Sandbox;

struct PythonRuntimeOptions {
  std::string home;  // python/build.sh's output directory (python_home.h)
  // Memory cap of a sandbox whose Request sets none.
  uint64_t default_memory_bytes = 512ull << 20;
};

class PythonSession;

class PythonRuntime {
 public:
  // Loads and validates the CPython build (Host error naming what is missing).
  static Expect<std::unique_ptr<PythonRuntime>> create(Engine& engine, PythonRuntimeOptions options);
  ~PythonRuntime();

  // Runs `code` as the __main__ module of a new sandbox that is discarded
  // afterwards. `request.args` become sys.argv[1:]. Thread-safe.
  Result run(std::string_view code, const Request& request);

  // A sandbox kept alive between runs: globals, imported modules and files
  // survive. Its environment, work directory and memory cap come from
  // `request`; stdin, output and the other limits are given per run.
  Expect<std::unique_ptr<PythonSession>> openSession(const Request& request);

  Engine& engine() { return engine_; }
  const PythonRuntimeOptions& options() const { return options_; }

 private:
  PythonRuntime(Engine& engine, PythonRuntimeOptions options) : engine_(engine), options_(std::move(options)) {}
  friend class PythonSession;

  Engine& engine_;
  PythonRuntimeOptions options_;
  std::shared_ptr<const Module> module_;  // python.wasm, compiled once
};

class PythonSession {
 public:
  ~PythonSession();
  // Runs `code` in the session's __main__ namespace. Uses `request`'s
  // stdin_data, on_output, args and limits (memory_bytes is fixed at open).
  // One run at a time: the caller serialises.
  Result run(std::string_view code, const Request& request);

 private:
  friend class PythonRuntime;
  PythonSession() = default;
  std::unique_ptr<Sandbox> sandbox_;
};

}  // namespace warden::sandbox
