#include "runtime/atomic_wait.h"

#include <chrono>
#include <condition_variable>
#include <list>
#include <mutex>

namespace warden {

namespace {

struct Waiter {
  const void* address = nullptr;
  ExecContext* ctx = nullptr;
  std::condition_variable wake;
  bool notified = false;
};

// One lock for all waiters: parking is rare next to the work between, and
// a single lock makes "compare, then park" atomic with respect to notify.
struct ParkingLot {
  std::mutex mutex;
  std::list<Waiter*> waiters;  // in arrival order
};

ParkingLot& lot() {
  static ParkingLot instance;  // never destroyed before the threads using it
  return instance;
}

template <typename T>
WaitOutcome wait(ExecContext& ctx, T* address, T expected, int64_t timeout_ns) {
  ParkingLot& l = lot();
  std::unique_lock lock(l.mutex);
  if (__atomic_load_n(address, __ATOMIC_SEQ_CST) != expected) return WaitOutcome::NotEqual;
  if (timeout_ns == 0) return WaitOutcome::TimedOut;
  Waiter self;
  self.address = address;
  self.ctx = &ctx;
  auto it = l.waiters.insert(l.waiters.end(), &self);
  ctx.parked = &self;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(timeout_ns);
  WaitOutcome outcome = WaitOutcome::Woken;
  for (;;) {
    if (self.notified) break;  // notify already took it off the list
    if (ctx.interrupt_requested.load()) {
      ctx.interrupt_requested.store(false);
      outcome = WaitOutcome::Interrupted;
      l.waiters.erase(it);
      break;
    }
    if (timeout_ns < 0) {
      self.wake.wait(lock);
    } else if (self.wake.wait_until(lock, deadline) == std::cv_status::timeout && !self.notified &&
               !ctx.interrupt_requested.load()) {
      outcome = WaitOutcome::TimedOut;
      l.waiters.erase(it);
      break;
    }
  }
  ctx.parked = nullptr;
  return outcome;
}

}  // namespace

WaitOutcome atomicWait32(ExecContext& ctx, uint32_t* address, uint32_t expected, int64_t timeout_ns) {
  return wait(ctx, address, expected, timeout_ns);
}

WaitOutcome atomicWait64(ExecContext& ctx, uint64_t* address, uint64_t expected, int64_t timeout_ns) {
  return wait(ctx, address, expected, timeout_ns);
}

uint32_t atomicNotify(const void* address, uint32_t count) {
  ParkingLot& l = lot();
  std::lock_guard lock(l.mutex);
  uint32_t woken = 0;
  for (auto it = l.waiters.begin(); it != l.waiters.end() && woken < count;) {
    Waiter* w = *it;
    if (w->address != address) {
      ++it;
      continue;
    }
    it = l.waiters.erase(it);
    w->notified = true;
    w->wake.notify_one();
    ++woken;
  }
  return woken;
}

void wakeParkedThread(ExecContext& ctx) {
  ParkingLot& l = lot();
  std::lock_guard lock(l.mutex);
  if (ctx.parked) static_cast<Waiter*>(ctx.parked)->wake.notify_one();
}

}  // namespace warden
