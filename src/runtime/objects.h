// The runtime objects a Store owns: memories, tables, globals, functions and
// instances. The interpreter works directly on these; embedders reach them
// through the API types in api.h. Objects refer to each other by raw pointer
// and live exactly as long as their Store.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "runtime/error.h"
#include "runtime/module.h"
#include "runtime/types.h"

namespace warden {

class Store;
struct Instance;
struct MemoryInstance;

// Address space reserved per linear memory: 4 GiB of index space, a 4 GiB
// guard and one page more, so any u32 address plus u32 offset plus the
// access's width lands inside it (DESIGN.md: linear memory; memory_faults.h).
constexpr uint64_t kMemoryReservation = (8ull << 30) + 65536;

// A linear memory. Its whole 32-bit index space plus a guard region is
// reserved up front (PROT_NONE) and committed by mprotect as it grows, so
// `base` never moves (see DESIGN.md). A shared memory (threads proposal) is
// used by several threads at once: growth takes a lock and publishes the new
// size atomically (currentSize()); since `base` never moves, an access by
// another thread during growth sees either the old or the new pages.
struct MemoryInstance {
  MemoryType type;
  uint8_t* base = nullptr;
  uint64_t size = 0;           // bytes currently accessible
  uint64_t reserved = 0;       // bytes of address space reserved
  uint64_t limit_pages = kMaxPages;  // embedder's cap (≤ type max)
  bool grow_denied_by_limit = false; // a grow failed only because of limit_pages

  static Expect<std::unique_ptr<MemoryInstance>> create(MemoryType type, uint64_t limit_pages = kMaxPages);
  // A memory whose first `bytes` (a multiple of the page size) map `fd` at
  // `offset` privately: pages are shared with every other mapping of the
  // file until written (copy-on-write), so restoring a snapshot copies
  // nothing. Grows like any other memory.
  static Expect<std::unique_ptr<MemoryInstance>> createMapped(MemoryType type, uint64_t limit_pages, int fd,
                                                              uint64_t offset, uint64_t bytes);
  ~MemoryInstance();
  MemoryInstance() = default;
  MemoryInstance(const MemoryInstance&) = delete;
  MemoryInstance& operator=(const MemoryInstance&) = delete;

  uint64_t pages() const { return size / kPageSize; }
  bool shared() const { return type.limits.shared; }
  // The size as another thread may have grown it (a plain read of `size`
  // suffices for an unshared memory).
  uint64_t currentSize() const {
    return std::atomic_ref<uint64_t>(const_cast<uint64_t&>(size)).load(std::memory_order_acquire);
  }
  // Grows by `delta` pages; returns the old size in pages, or -1 when the
  // type's maximum, the embedder's limit or the host refuses. Safe to call
  // from several threads at once.
  int64_t grow(uint64_t delta);
  bool inBounds(uint64_t addr, uint64_t len) const { return addr <= size && len <= size - addr; }

 private:
  std::mutex grow_mutex_;
};

struct TableInstance {
  TableType type;
  std::vector<Ref> elems;
  uint64_t limit = 10'000'000;  // embedder's cap on elements

  // Returns the old size, or -1.
  int64_t grow(uint64_t delta, Ref init);
};

struct GlobalInstance {
  GlobalType type;
  Value value = Value::zero();     // the value; the low 64 bits of a v128
  Value value_hi = Value::zero();  // the high 64 bits of a v128 (unused otherwise)
};

// What a host function sees of its caller.
struct HostCall {
  Store& store;
  Instance* caller;  // the calling instance, or null when called from the host
  MemoryInstance* memory() const;  // the caller's memory 0, or null
};

// Host functions read `args` and write `results`; the two never alias.
// Both are in slot layout: one Value per parameter/result, except a v128,
// which takes two consecutive Values (low 64 bits first); see slotWidth().
using HostFunction = std::function<Expect<void>(HostCall& call, std::span<const Value> args, std::span<Value> results)>;

struct FunctionInstance {
  const FuncType* type = nullptr;  // the engine's canonical copy (Engine::internType): never copied per instance
  uint32_t type_id = 0;         // canonical type id (Engine::internType), for call_indirect
  Instance* instance = nullptr; // defining instance (wasm functions)
  const CompiledFunction* code = nullptr;  // null for host functions
  HostFunction host;

  bool isHost() const { return code == nullptr; }
};

// A runtime element segment: its references once evaluated; empty once dropped.
struct ElemInstance {
  ValType type = ValType::FuncRef;
  std::vector<Ref> refs;
};

// A runtime data segment: its bytes in the module; empty once dropped.
struct DataInstance {
  std::span<const uint8_t> bytes;
};

struct Instance {
  std::shared_ptr<const Module> module;
  std::vector<uint32_t> type_ids;  // canonical id of each module type
  std::vector<FunctionInstance*> funcs;
  // The functions the module defines, in one allocation (CPython defines
  // ~10,000: one allocation each was a third of a restore's page faults).
  std::unique_ptr<FunctionInstance[]> defined_funcs;
  std::vector<TableInstance*> tables;
  std::vector<MemoryInstance*> memories;
  std::vector<GlobalInstance*> globals;
  std::vector<ElemInstance> elems;
  std::vector<DataInstance> datas;
};

}  // namespace warden
