// Per-store execution state: the interpreter's value stack and call frames.
// Wasm frames live here, on the heap, never on the C++ stack (DESIGN.md:
// deep recursion), so guest recursion depth is a configured number.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "runtime/objects.h"

namespace warden {

struct CallFrame {
  const uint32_t* return_ip = nullptr;  // where the caller resumes
  Value* fp = nullptr;                  // the caller's frame pointer
  const FunctionInstance* func = nullptr;  // the caller
};

struct ExecContext {
  ExecContext(uint64_t stack_slots, uint32_t max_call_depth);
  ~ExecContext();
  ExecContext(const ExecContext&) = delete;
  ExecContext& operator=(const ExecContext&) = delete;

  // The value stack: reserved address space, committed by the OS on touch.
  // kStackSlack slots past stack_end may be written (never read) by a call
  // that zeroes its declared locals two at a time.
  static constexpr size_t kStackSlack = 2;
  Value* stack_base = nullptr;
  Value* stack_end = nullptr;
  Value* stack_top = nullptr;   // first free slot for a new (nested) invocation

  std::vector<CallFrame> frames;  // grows on demand up to max_call_depth
  uint32_t max_call_depth = 0;
  uint32_t depth = 0;           // Wasm frames currently live (nested invocations included)

  // Interruption: set from any thread; seen within kTicksPerGrant checks.
  std::atomic<bool> interrupt_requested{false};
  // The thread running this context, while parked in memory.atomic.wait
  // (atomic_wait.cpp; guarded by its lock), so an interrupt can wake it.
  void* parked = nullptr;
  // Fuel: when enabled, each loop iteration and call consumes one unit.
  // Each check (loop header, call) only counts `ticks` down; when none are
  // left the interpreter looks at the interrupt flag and hands out the next
  // ticks, taken from `fuel` when it is metered (never more than it holds,
  // so fuel runs out at the exact check). Fuel left = fuel + ticks.
  // `fuel_source` is `fuel` itself, or the fuel of the Store whose budget
  // this one shares (a sandbox's threads: Store::shareFuelOf), taken from
  // atomically, a grant at a time.
  bool fuel_enabled = false;
  std::atomic<uint64_t> fuel{0};  // not yet handed out as ticks
  std::atomic<uint64_t>* fuel_source = &fuel;
  int64_t ticks = 0;     // checks left before the next look at the flag and fuel
  static constexpr int64_t kTicksPerGrant = 1024;
};

}  // namespace warden
