#include "service/token_bucket.h"

#include <algorithm>
#include <cmath>

namespace warden::service {

TokenBucket::TokenBucket(double capacity, double per_second)
    : capacity_(capacity), per_second_(per_second), tokens_(capacity), updated_(Clock::now()) {}

std::chrono::milliseconds TokenBucket::take(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (now > updated_) {
    tokens_ = std::min(capacity_, tokens_ + std::chrono::duration<double>(now - updated_).count() * per_second_);
    updated_ = now;
  }
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return std::chrono::milliseconds(0);
  }
  return std::chrono::milliseconds(int64_t(std::ceil((1.0 - tokens_) / per_second_ * 1000.0)));
}

}  // namespace warden::service
