// memory.atomic.wait and memory.atomic.notify: threads parked on an address
// of a shared memory. One table for the process, keyed by host address (a
// shared memory has one base for all the threads using it), so a notify
// from any Store wakes waiters of every Store sharing that memory.
#pragma once

#include <cstdint>

#include "runtime/exec_context.h"

namespace warden {

// The proposal's results (0, 1, 2), and one of Warden's: the waiting
// thread's Store was interrupted (the request is consumed, as at a loop check).
enum class WaitOutcome : uint32_t { Woken = 0, NotEqual = 1, TimedOut = 2, Interrupted = 3 };

// Parks the calling thread on `address` while it holds `expected`, until a
// notify, the timeout (in nanoseconds; negative waits for ever) or an
// interrupt of `ctx`. The comparison and the parking are one step with
// respect to notify, so a wake-up cannot be lost between them.
WaitOutcome atomicWait32(ExecContext& ctx, uint32_t* address, uint32_t expected, int64_t timeout_ns);
WaitOutcome atomicWait64(ExecContext& ctx, uint64_t* address, uint64_t expected, int64_t timeout_ns);

// Wakes up to `count` threads parked on `address`, oldest first; returns how many.
uint32_t atomicNotify(const void* address, uint32_t count);

// Wakes the thread running `ctx` if it is parked (Store::interrupt).
void wakeParkedThread(ExecContext& ctx);

}  // namespace warden
