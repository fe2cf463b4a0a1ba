#include "service/metrics.h"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

namespace warden::service {

namespace {

std::pair<uint64_t, uint64_t> statm() {
  std::FILE* file = std::fopen("/proc/self/statm", "r");
  if (!file) return {0, 0};
  unsigned long long size = 0, resident = 0;
  int read = std::fscanf(file, "%llu %llu", &size, &resident);
  std::fclose(file);
  if (read != 2) return {0, 0};
  uint64_t page = uint64_t(sysconf(_SC_PAGESIZE));
  return {size * page, resident * page};
}

}  // namespace

uint64_t residentBytes() { return statm().second; }
uint64_t virtualBytes() { return statm().first; }

void Metrics::recordExecution(sandbox::Status status, double seconds) {
  std::lock_guard lock(mutex_);
  ++executions_[size_t(status)];
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++bucket_counts_[i];
  ++latency_count_;
  latency_sum_ += seconds;
}

void Metrics::recordHttp(unsigned status_code) {
  std::lock_guard lock(mutex_);
  ++http_by_code_[status_code];
}

void Metrics::recordRejected(std::string_view reason) {
  std::lock_guard lock(mutex_);
  auto it = rejected_.find(reason);
  if (it == rejected_.end()) rejected_.emplace(std::string(reason), 1);
  else ++it->second;
}

std::string Metrics::render(const Gauges& gauges) const {
  std::lock_guard lock(mutex_);
  std::string out;
  auto line = [&out](std::string_view text) { out.append(text).push_back('\n'); };

  line("# HELP warden_executions_total Finished executions by how they ended.");
  line("# TYPE warden_executions_total counter");
  for (size_t i = 0; i < kStatuses; ++i)
    line(fmt::format("warden_executions_total{{status=\"{}\"}} {}", sandbox::statusName(sandbox::Status(i)), executions_[i]));

  line("# HELP warden_execution_duration_seconds Wall time of an execution on its worker (set-up included).");
  line("# TYPE warden_execution_duration_seconds histogram");
  for (size_t i = 0; i < kBuckets.size(); ++i)
    line(fmt::format("warden_execution_duration_seconds_bucket{{le=\"{}\"}} {}", kBuckets[i], bucket_counts_[i]));
  line(fmt::format("warden_execution_duration_seconds_bucket{{le=\"+Inf\"}} {}", latency_count_));
  line(fmt::format("warden_execution_duration_seconds_sum {}", latency_sum_));
  line(fmt::format("warden_execution_duration_seconds_count {}", latency_count_));

  line("# HELP warden_http_responses_total HTTP responses by status code.");
  line("# TYPE warden_http_responses_total counter");
  for (const auto& [code, count] : http_by_code_) line(fmt::format("warden_http_responses_total{{code=\"{}\"}} {}", code, count));

  line("# HELP warden_rejected_total Requests refused before running, by reason.");
  line("# TYPE warden_rejected_total counter");
  for (const auto& [reason, count] : rejected_) line(fmt::format("warden_rejected_total{{reason=\"{}\"}} {}", reason, count));

  auto gauge = [&line](std::string_view name, std::string_view help, uint64_t value) {
    line(fmt::format("# HELP {} {}", name, help));
    line(fmt::format("# TYPE {} gauge", name));
    line(fmt::format("{} {}", name, value));
  };
  gauge("warden_live_sandboxes", "Sandboxes alive now: running executions plus open sessions.",
        gauges.running_executions + gauges.open_sessions);
  gauge("warden_running_executions", "Executions on a worker now.", gauges.running_executions);
  gauge("warden_queued_executions", "Executions waiting for a worker.", gauges.queued_executions);
  gauge("warden_open_sessions", "Open sessions.", gauges.open_sessions);
  gauge("warden_workers", "Execution worker threads.", gauges.workers);

  auto [virtual_size, resident] = statm();
  gauge("process_resident_memory_bytes", "Resident memory size in bytes.", resident);
  gauge("process_virtual_memory_bytes", "Virtual memory size in bytes (each sandbox reserves address space).", virtual_size);
  return out;
}

}  // namespace warden::service
