// SandboxPool: sandboxes made ahead of time (restored from a snapshot) so
// that acquiring one is a pop. A background thread keeps `target` of them
// ready; when the pool is empty, acquire() makes one on the caller's thread.
// A sandbox is handed out once and never returns: used sandboxes are
// discarded, so nothing leaks from one request into the next.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "sandbox/sandbox.h"

namespace warden::sandbox {

class SandboxPool {
 public:
  using Factory = std::function<Expect<std::unique_ptr<Sandbox>>()>;

  SandboxPool(Factory factory, size_t target);
  ~SandboxPool();
  SandboxPool(const SandboxPool&) = delete;
  SandboxPool& operator=(const SandboxPool&) = delete;

  Expect<std::unique_ptr<Sandbox>> acquire();

  size_t ready() const;
  size_t target() const { return target_; }
  // Blocks until `target` sandboxes are ready (benchmarks, warm-up).
  void waitFull() const;

 private:
  void refillLoop();

  Factory factory_;
  const size_t target_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::deque<std::unique_ptr<Sandbox>> ready_;
  bool stopping_ = false;
  bool failing_ = false;  // the factory failed; acquire() reports the error itself
  std::thread refiller_;
};

}  // namespace warden::sandbox
