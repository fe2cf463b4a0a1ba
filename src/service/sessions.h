// Open sessions: persistent Python sandboxes, each with its own private work
// directory, owned by one tenant. Another tenant asking for a session id
// gets the same answer as for an id that does not exist. Sessions idle for
// longer than the configured time are closed by `expireIdle`.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sandbox/python_runtime.h"
#include "service/json_fields.h"
#include "service/tenants.h"
#include "support/host_io.h"

namespace warden::service {

struct Session {
  Session(std::string session_id, Tenant& owner, TempDir directory)
      : id(std::move(session_id)), tenant(owner), dir(std::move(directory)) {}
  const std::string id;
  Tenant& tenant;
  TempDir dir;  // the guest's /work
  uint64_t memory_bytes = 0;
  std::unique_ptr<sandbox::PythonSession> python;
  std::atomic<bool> busy{false};  // an execution is queued or running (one at a time)
  std::atomic<int64_t> last_used_ms{0};  // steady clock
  std::chrono::system_clock::time_point created = std::chrono::system_clock::now();
  std::atomic<uint64_t> executions{0};

  void touch();
};

class SessionRegistry {
 public:
  SessionRegistry(std::chrono::seconds idle_timeout, uint32_t max_total)
      : idle_timeout_(idle_timeout), max_total_(max_total) {}

  // Reserves a place for one more session of `tenant` (429 when it has
  // max_sessions, 503 when the service has max_total). Release it with
  // `add` or `cancelReservation`.
  Parsed<void> reserve(Tenant& tenant);
  void cancelReservation(Tenant& tenant);
  void add(std::shared_ptr<Session> session);  // turns a reservation into a session

  // The session if it exists and belongs to `tenant` (refreshing its idle time).
  std::shared_ptr<Session> find(const Tenant& tenant, const std::string& id);
  // Removes it; false when it is not `tenant`'s. A running execution finishes first.
  bool remove(const Tenant& tenant, const std::string& id);
  // Closes sessions idle for longer than the timeout; returns their ids.
  std::vector<std::string> expireIdle();

  size_t size() const;
  std::chrono::seconds idleTimeout() const { return idle_timeout_; }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Session>> sessions_;
  std::map<const Tenant*, uint32_t> per_tenant_;  // sessions + reservations
  uint32_t total_ = 0;
  std::chrono::seconds idle_timeout_;
  uint32_t max_total_;
};

int64_t steadyMillis();

}  // namespace warden::service
