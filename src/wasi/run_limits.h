// The limits a run is given on the command line (or by an embedder): their
// parsing ("256M", "500ms") and the watchdog that enforces the wall-clock
// timeout by interrupting the Store.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "runtime/api.h"
#include "runtime/error.h"

namespace warden::wasi {

// "1024", "64K", "256M", "1G" (also "256MiB", "256MB"): bytes, powers of 1024.
Expect<uint64_t> parseSize(std::string_view text);
// "2s", "500ms", "1.5s", "250us", "2m", "1h"; a bare number is seconds.
Expect<std::chrono::nanoseconds> parseDuration(std::string_view text);
// "42": a plain non-negative integer.
Expect<uint64_t> parseCount(std::string_view text);

// Calls store.interrupt() once `timeout` has passed, unless stopped first.
// The Store must outlive the watchdog. fired() says whether it went off.
class Watchdog {
 public:
  Watchdog(Store& store, std::chrono::nanoseconds timeout);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  bool fired() const { return fired_.load(); }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::atomic<bool> fired_{false};
  std::thread thread_;
};

}  // namespace warden::wasi
