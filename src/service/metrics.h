// The service's counters, rendered in the Prometheus text format for
// GET /metrics. Written by hand rather than with prometheus-cpp: the few
// series below need no registry, and the `warden` binary (static libstdc++,
// a start-up budget) then links no further shared library.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "sandbox/execution.h"

namespace warden::service {

// Values sampled when /metrics is read.
struct Gauges {
  uint64_t running_executions = 0;
  uint64_t queued_executions = 0;
  uint64_t open_sessions = 0;
  uint64_t workers = 0;
};

class Metrics {
 public:
  // One finished execution: its status and wall time on the worker
  // (set-up, the run and collecting files).
  void recordExecution(sandbox::Status status, double seconds);
  void recordHttp(unsigned status_code);
  void recordRejected(std::string_view reason);  // "rate_limited", "concurrency", "queue_full", ...

  std::string render(const Gauges& gauges) const;

  // The upper bounds of the latency histogram's buckets, in seconds.
  static constexpr std::array<double, 12> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

 private:
  static constexpr size_t kStatuses = size_t(sandbox::Status::Internal) + 1;
  mutable std::mutex mutex_;
  std::array<uint64_t, kStatuses> executions_{};
  std::array<uint64_t, kBuckets.size()> bucket_counts_{};
  uint64_t latency_count_ = 0;
  double latency_sum_ = 0;
  std::map<unsigned, uint64_t> http_by_code_;
  std::map<std::string, uint64_t, std::less<>> rejected_;
};

// The process's resident and virtual size from /proc/self/statm (0 when unreadable).
uint64_t residentBytes();
uint64_t virtualBytes();

}  // namespace warden::service
