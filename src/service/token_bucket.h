// A token bucket: `capacity` tokens, refilled continuously at `per_second`.
// Each request takes one; an empty bucket says how long until the next.
#pragma once

#include <chrono>
#include <mutex>

namespace warden::service {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;
  TokenBucket(double capacity, double per_second);

  // Takes a token and returns 0, or returns the wait (> 0) until one is there.
  std::chrono::milliseconds take(Clock::time_point now = Clock::now());

 private:
  std::mutex mutex_;
  double capacity_;
  double per_second_;
  double tokens_;
  Clock::time_point updated_;
};

}  // namespace warden::service
