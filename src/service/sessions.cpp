#include "service/sessions.h"

#include <fmt/format.h>

namespace warden::service {

int64_t steadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void Session::touch() { last_used_ms.store(steadyMillis()); }

Parsed<void> SessionRegistry::reserve(Tenant& tenant) {
  std::lock_guard lock(mutex_);
  uint32_t& mine = per_tenant_[&tenant];
  if (mine >= tenant.config.max_sessions) {
    ApiError error{429, "too_many_sessions",
                   fmt::format("this tenant has its maximum of {} open sessions; delete one first", tenant.config.max_sessions), ""};
    error.retry_after_s = unsigned(idle_timeout_.count());
    return std::unexpected(error);
  }
  if (total_ >= max_total_) {
    ApiError error{503, "service_full", "the service has its maximum number of open sessions", ""};
    error.retry_after_s = 5;
    return std::unexpected(error);
  }
  ++mine;
  ++total_;
  return {};
}

void SessionRegistry::cancelReservation(Tenant& tenant) {
  std::lock_guard lock(mutex_);
  --per_tenant_[&tenant];
  --total_;
}

void SessionRegistry::add(std::shared_ptr<Session> session) {
  session->touch();
  std::lock_guard lock(mutex_);
  sessions_[session->id] = std::move(session);
}

std::shared_ptr<Session> SessionRegistry::find(const Tenant& tenant, const std::string& id) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end() || &it->second->tenant != &tenant) return nullptr;
  it->second->touch();
  return it->second;
}

bool SessionRegistry::remove(const Tenant& tenant, const std::string& id) {
  std::shared_ptr<Session> removed;  // destroyed outside the lock
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end() || &it->second->tenant != &tenant) return false;
  removed = std::move(it->second);
  sessions_.erase(it);
  --per_tenant_[&removed->tenant];
  --total_;
  return true;
}

std::vector<std::string> SessionRegistry::expireIdle() {
  std::vector<std::shared_ptr<Session>> expired;
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mutex_);
    int64_t cutoff = steadyMillis() - int64_t(idle_timeout_.count()) * 1000;
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      Session& session = *it->second;
      // A session running an execution is not idle; claiming `busy` keeps
      // a new execution from starting on it while it closes.
      bool expected_busy = false;
      if (session.last_used_ms.load() < cutoff && session.busy.compare_exchange_strong(expected_busy, true)) {
        ids.push_back(session.id);
        --per_tenant_[&session.tenant];
        --total_;
        expired.push_back(std::move(it->second));
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  return ids;  // `expired` closes the sandboxes here, outside the lock
}

size_t SessionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace warden::service
