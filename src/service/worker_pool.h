// The execution workers: a fixed set of threads that run guests, fed by a
// bounded queue. The HTTP threads only enqueue, so a long execution never
// holds up accepting or answering other connections; a full queue is
// refused at once (the caller answers 503) instead of growing.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace warden::service {

class WorkerPool {
 public:
  WorkerPool(unsigned threads, size_t max_queued);
  ~WorkerPool();  // finishes the queued jobs, then joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False when `max_queued` jobs are already waiting.
  bool submit(std::function<void()> job);

  size_t queued() const;
  size_t busy() const;
  unsigned threads() const { return unsigned(threads_.size()); }

 private:
  void loop();

  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  size_t max_queued_;
  size_t busy_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace warden::service
