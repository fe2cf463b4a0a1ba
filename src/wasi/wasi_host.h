// What every WASI host function works with: the guest's context, its memory
// and its arguments; and the table each function family contributes to
// defineWasi. A function returns the WASI errno for the guest, or an Error
// that stops the guest (proc_exit, a limit, an interruption).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include <sys/uio.h>

#include "runtime/api.h"
#include "wasi/guest_memory.h"
#include "wasi/wasi_context.h"

namespace warden::wasi {

// A call holds its context's call lock (WasiContext::callMutex) from start
// to end, so a sandbox's threads never touch the descriptor table, the
// counters or the exit code at the same time; it lets go only while it
// blocks (UnlockedWhileWaiting). The descriptors it looked up stay alive
// meanwhile (pinned), even if another thread closes their numbers.
struct WasiCall {
  WasiContext& ctx;
  HostCall& host;
  GuestMemory mem;
  std::span<const Value> args;
  std::unique_lock<std::mutex>* lock = nullptr;  // the held call lock

  uint32_t u32(size_t i) const { return args[i].i32; }
  uint64_t u64(size_t i) const { return args[i].i64; }
  // Consumes a pending interruption (as the interpreter does at a loop header).
  bool takeInterrupt() const { return host.store.exec().interrupt_requested.exchange(false, std::memory_order_relaxed); }

  // The descriptor `fd` if it holds every right in `needed`: BADF when there
  // is no such descriptor, NOTCAPABLE when a right is missing.
  WasiResult<FdEntry*> fd(uint32_t number, uint64_t needed) const {
    std::shared_ptr<FdEntry> entry = ctx.fds().share(number);
    if (!entry) return std::unexpected(Errno::Badf);
    if (!entry->has(needed)) return std::unexpected(Errno::NotCapable);
    FdEntry* raw = entry.get();
    pinned.push_back(std::move(entry));
    return raw;
  }

  mutable std::vector<std::shared_ptr<FdEntry>> pinned;
};

// Lets other threads make WASI calls while this one blocks (a sleep, a poll,
// a read waiting for input); nothing but pinned entries and host fds may be
// used meanwhile.
class UnlockedWhileWaiting {
 public:
  explicit UnlockedWhileWaiting(const WasiCall& call) : lock_(call.lock) {
    if (lock_) lock_->unlock();
  }
  ~UnlockedWhileWaiting() {
    if (lock_) lock_->lock();
  }
  UnlockedWhileWaiting(const UnlockedWhileWaiting&) = delete;
  UnlockedWhileWaiting& operator=(const UnlockedWhileWaiting&) = delete;

 private:
  std::unique_lock<std::mutex>* lock_;
};

using WasiHandler = Expect<Errno> (*)(WasiCall& call);

struct WasiFunction {
  const char* name;
  const char* params;  // one letter per parameter: i = i32, I = i64
  bool returns_errno;  // all but proc_exit return an i32 errno
  WasiHandler handler;
};

// Each family lists its functions (defined in wasi_<family>.cpp).
std::span<const WasiFunction> argsClockProcFunctions();
std::span<const WasiFunction> fdIoFunctions();
std::span<const WasiFunction> fdStatFunctions();
std::span<const WasiFunction> pathFunctions();
std::span<const WasiFunction> pollFunctions();
std::span<const WasiFunction> sockFunctions();

// Helpers shared by the families.
inline Expect<Errno> ok() { return Errno::Success; }
inline Expect<Errno> err(Errno e) { return e; }
// Unwraps a WasiResult into `var` or returns its errno from the handler.
#define WASI_TRY(var, expr)                              \
  auto var##_result_ = (expr);                           \
  if (!var##_result_) return var##_result_.error();      \
  auto var = std::move(*var##_result_)

// Sleeps until `deadline_ns` on CLOCK_MONOTONIC in short slices, so that an
// interruption (timeout) ends the sleep; returns Interrupted then.
Expect<void> sleepUntil(WasiCall& call, uint64_t deadline_ns);
uint64_t monotonicNanos();

// The guest's iovec/ciovec array (ptr, count) as host iovecs pointing into
// linear memory: FAULT when any part is out of bounds, INVAL beyond IOV_MAX.
WasiResult<std::vector<iovec>> loadIovecs(const WasiCall& call, uint32_t ptr, uint32_t count);

}  // namespace warden::wasi
