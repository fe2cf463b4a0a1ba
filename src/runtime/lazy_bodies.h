// Function bodies compiled on their first call instead of at load.
//
// Compiling python.wasm's ~10,000 bodies takes ~70 ms, while a program run
// from a snapshot calls a few hundred of them. Lazy compilation is only for
// bytes that already passed full validation (compileModule) — a snapshot
// records the digest of the module it was made from and loads only that
// module this way — so "nothing runs that did not validate" still holds: a
// body is validated as it is compiled, before its first instruction runs.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "runtime/decoder.h"
#include "runtime/error.h"
#include "runtime/internal_code.h"

namespace warden {

struct Module;

class LazyBodies {
 public:
  LazyBodies(const Module& module, const DecodeLimits& limits);

  // The code a new instance of defined function `i` starts with: the
  // compiled body once there is one, else a stub whose only instruction
  // (LazyCompile) makes the interpreter call compile().
  const CompiledFunction* initial(uint32_t i) const {
    const CompiledFunction* done = compiled_[i].load(std::memory_order_acquire);
    return done ? done : &stubs_[i];
  }
  // Validates and compiles body `i` once; thread-safe. A body that fails
  // validation fails every time it is called.
  Expect<const CompiledFunction*> compile(const Module& module, uint32_t i);

  // Takes body `i` compiled elsewhere (code_cache.h), threaded or in opcode
  // form; ignored when `i` is compiled already. Thread-safe.
  void install(uint32_t i, CompiledFunction fn);

  uint32_t compiledCount() const { return compiled_count_.load(std::memory_order_relaxed); }
  // The bodies compiled so far, in compilation order (a snapshot records
  // those a warm-up run needed, to compile them ahead of the next run).
  std::vector<uint32_t> compiledIndices();
  // The same bodies' code (threaded), valid while this object lives.
  std::vector<const CompiledFunction*> compiledFunctions();

 private:
  DecodeLimits limits_;
  std::vector<bool> declared_refs_;
  std::vector<CompiledFunction> stubs_;
  std::unique_ptr<std::atomic<const CompiledFunction*>[]> compiled_;
  std::atomic<uint32_t> compiled_count_{0};
  std::mutex mutex_;
  std::vector<std::unique_ptr<CompiledFunction>> owned_;  // in compilation order
};

}  // namespace warden
