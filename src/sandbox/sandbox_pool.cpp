#include "sandbox/sandbox_pool.h"

#include <pthread.h>

namespace warden::sandbox {

SandboxPool::SandboxPool(Factory factory, size_t target) : factory_(std::move(factory)), target_(target) {
  if (target_ > 0) refiller_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "warden-pool");  // tells it apart in top and perf
    refillLoop();
  });
}

SandboxPool::~SandboxPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (refiller_.joinable()) refiller_.join();
}

Expect<std::unique_ptr<Sandbox>> SandboxPool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!ready_.empty()) {
      std::unique_ptr<Sandbox> box = std::move(ready_.front());
      ready_.pop_front();
      changed_.notify_all();  // wakes the refiller
      return box;
    }
  }
  return factory_();
}

size_t SandboxPool::ready() const {
  std::lock_guard lock(mutex_);
  return ready_.size();
}

void SandboxPool::waitFull() const {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return stopping_ || failing_ || ready_.size() >= target_; });
}

void SandboxPool::refillLoop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || ready_.size() < target_; });
    if (stopping_) return;
    lock.unlock();
    Expect<std::unique_ptr<Sandbox>> box = factory_();
    lock.lock();
    if (!box) {
      // Stop refilling; acquire() makes sandboxes itself and so reports
      // the same error to its caller.
      failing_ = true;
      changed_.notify_all();
      return;
    }
    ready_.push_back(std::move(*box));
    changed_.notify_all();
  }
}

}  // namespace warden::sandbox
