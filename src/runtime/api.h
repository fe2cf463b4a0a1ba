// Warden's embedding API, modelled on wasmtime's:
//
//   Engine  — configuration and process-wide shared state (type interning).
//             Thread-safe; one per process is typical.
//   Module  — decoded and validated code (std::shared_ptr<const Module>),
//             compiled once and shared read-only by every instance and thread.
//   Store   — all per-sandbox state: instances, memories, tables, globals,
//             host functions, the value stack, fuel and interruption. One
//             thread at a time; one Store per sandbox/request.
//   Linker  — names (module, field) → externs; resolves imports and
//             instantiates.
//   Instance — an instantiated module inside a Store; look up exports by name.
//
// The CLI, the spec runner and the WASI layer use only this header.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "runtime/error.h"
#include "runtime/exec_context.h"
#include "runtime/instance_image.h"
#include "runtime/module.h"
#include "runtime/objects.h"
#include "runtime/types.h"

namespace warden {

struct EngineConfig {
  uint32_t max_call_depth = 100'000;     // Wasm frames; deeper is a "call stack exhausted" trap
  uint64_t value_stack_slots = 8u << 20; // 64 MiB of reserved address space per Store
  bool threads = true;                   // the threads proposal (DecodeLimits::threads)
};

class Engine {
 public:
  explicit Engine(EngineConfig config = {}) : config_(config) {}
  const EngineConfig& config() const { return config_; }

  // Canonical id of a function type: equal types get equal ids, across
  // modules, so call_indirect checks are one integer comparison. Thread-safe.
  uint32_t internType(const FuncType& type) { return internTypeEntry(type).first; }
  // The id and the engine's own copy of the type, stable while the engine lives.
  std::pair<uint32_t, const FuncType*> internTypeEntry(const FuncType& type);

 private:
  EngineConfig config_;
  std::mutex types_mutex_;
  struct TypeLess {
    bool operator()(const FuncType& a, const FuncType& b) const {
      return std::tie(a.params, a.results) < std::tie(b.params, b.results);
    }
  };
  std::map<FuncType, uint32_t, TypeLess> type_ids_;
};

// Decodes and validates `bytes` into a module whose functions are
// translated to internal code. Nothing runs that did not pass here.
Expect<std::shared_ptr<const Module>> compileModule(Engine& engine, std::span<const uint8_t> bytes);
// The same, taking the buffer over instead of copying it.
Expect<std::shared_ptr<const Module>> compileModule(Engine& engine, std::vector<uint8_t>&& bytes);
// The same, sharing the bytes (a mapped file: ModuleBytes::mapFile).
Expect<std::shared_ptr<const Module>> compileModule(Engine& engine, ModuleBytes bytes);
// Decodes the module and validates all but its function bodies, which are
// validated and compiled on their first call (lazy_bodies.h). Only for bytes
// that passed compileModule before — e.g. the module a snapshot was made
// from, matched by its digest — since an invalid body is found only when
// called.
Expect<std::shared_ptr<const Module>> compileModuleLazily(Engine& engine, std::span<const uint8_t> bytes);
Expect<std::shared_ptr<const Module>> compileModuleLazily(Engine& engine, std::vector<uint8_t>&& bytes);
Expect<std::shared_ptr<const Module>> compileModuleLazily(Engine& engine, ModuleBytes bytes);
// Decodes and validates only (for `warden validate`).
Expect<void> validateModule(std::span<const uint8_t> bytes);

// An importable/exportable entity of a Store.
struct Extern {
  ExternKind kind = ExternKind::Func;
  FunctionInstance* func = nullptr;
  TableInstance* table = nullptr;
  MemoryInstance* memory = nullptr;
  GlobalInstance* global = nullptr;

  static Extern of(FunctionInstance* f) { Extern e; e.kind = ExternKind::Func; e.func = f; return e; }
  static Extern of(TableInstance* t) { Extern e; e.kind = ExternKind::Table; e.table = t; return e; }
  static Extern of(MemoryInstance* m) { Extern e; e.kind = ExternKind::Memory; e.memory = m; return e; }
  static Extern of(GlobalInstance* g) { Extern e; e.kind = ExternKind::Global; e.global = g; return e; }
};

class Store {
 public:
  explicit Store(Engine& engine);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Engine& engine() { return engine_; }
  ExecContext& exec() { return exec_; }

  FunctionInstance* createHostFunction(FuncType type, HostFunction fn);
  Expect<MemoryInstance*> createMemory(MemoryType type);
  // A memory mapping `source` copy-on-write (MemoryInstance::createMapped).
  Expect<MemoryInstance*> createMappedMemory(MemoryType type, const MemoryImageSource& source, uint64_t bytes);
  Expect<TableInstance*> createTable(TableType type, Ref init = kNullRef);
  // `value_hi` is the high 64 bits of a v128 global (ignored otherwise).
  GlobalInstance* createGlobal(GlobalType type, Value value, Value value_hi = Value::zero());

  // Limits. Fuel: std::nullopt disables metering.
  void setFuel(std::optional<uint64_t> fuel);
  std::optional<uint64_t> fuelRemaining() const;
  // Makes running code stop with an Interrupted error: at its next loop
  // header or call when asked by a host function it called, else within
  // ExecContext::kTicksPerGrant of them, and at once when parked in
  // memory.atomic.wait. Safe to call from another thread.
  void interrupt();
  // Called by every interrupt() after the Store's own flag is set: a
  // sandbox's main Store passes the interruption on to its threads' Stores.
  // Set it before code runs.
  void setInterruptHook(std::function<void()> hook) { interrupt_hook_ = std::move(hook); }
  // Makes this Store draw its fuel from `owner`'s budget (atomically, a grant
  // at a time), as a sandbox's threads share one budget; `owner` must outlive
  // this Store's running code. Fuel left over in one thread's current grant
  // (at most ExecContext::kTicksPerGrant) is not seen by the others.
  void shareFuelOf(Store& owner);
  // Cap on any memory created or grown in this store, in pages.
  void setMemoryLimitPages(uint64_t pages) { memory_limit_pages_ = pages; }
  uint64_t memoryLimitPages() const { return memory_limit_pages_; }

  // Used by the Linker: takes ownership of a new instance.
  Instance* adoptInstance(std::unique_ptr<Instance> instance);
  FunctionInstance* adoptFunction(std::unique_ptr<FunctionInstance> func);
  GlobalInstance* adoptGlobal(std::unique_ptr<GlobalInstance> global);

 private:
  Engine& engine_;
  ExecContext exec_;
  std::function<void()> interrupt_hook_;
  uint64_t memory_limit_pages_ = kMaxPages;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::vector<std::unique_ptr<FunctionInstance>> funcs_;
  std::vector<std::unique_ptr<MemoryInstance>> memories_;
  std::vector<std::unique_ptr<TableInstance>> tables_;
  std::vector<std::unique_ptr<GlobalInstance>> globals_;
};

class Linker {
 public:
  // Later definitions of the same name replace earlier ones.
  void define(std::string module, std::string name, Extern value);
  // Defines every export of `instance` under `module` (the wast `register`).
  void defineInstance(const std::string& module, const Instance& instance);
  std::optional<Extern> lookup(std::string_view module, std::string_view name) const;

  // Resolves imports (Link errors: "unknown import", "incompatible import
  // type"), allocates, initialises segments and runs the start function
  // (Trap errors). Effects of segments applied before a trap persist, as the
  // spec requires.
  Expect<Instance*> instantiate(Store& store, std::shared_ptr<const Module> module) const;

  // Instantiates `module` in the state `image` captured (captureInstance),
  // with its memories mapped from `memories` (one per defined memory):
  // imports are resolved as above, but no segment is applied and no start
  // function runs — the image already holds their effects.
  Expect<Instance*> instantiateImage(Store& store, std::shared_ptr<const Module> module, const InstanceImage& image,
                                     std::span<const MemoryImageSource> memories) const;

 private:
  // Step one of both: resolves the imports and creates the instance with
  // its functions (not yet adopted by the store).
  Expect<std::unique_ptr<Instance>> link(Store& store, const std::shared_ptr<const Module>& module) const;

  std::map<std::pair<std::string, std::string>, Extern, std::less<>> defs_;
};

std::optional<Extern> getExport(const Instance& instance, std::string_view name);

// Calls a function with checking of the argument count; results by value.
// Arguments and results are in slot layout, as for HostFunction: one Value
// per scalar or reference, two consecutive Values for a v128 (low 64 bits
// first), so `args.size()` must be slotCount(func.type.params) and the result
// vector has slotCount(func.type.results) Values.
Expect<std::vector<Value>> invoke(Store& store, FunctionInstance& func, std::span<const Value> args);

}  // namespace warden
