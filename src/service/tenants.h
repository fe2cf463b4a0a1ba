// Tenants at run time: who an API key belongs to, and each tenant's live
// counters (executions in flight, open sessions, its request-rate bucket).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "service/service_config.h"
#include "service/token_bucket.h"

namespace warden::service {

struct Tenant {
  explicit Tenant(TenantConfig c)
      : config(std::move(c)), requests(config.requests_per_minute, config.requests_per_minute / 60.0) {}
  TenantConfig config;
  TokenBucket requests;
  std::atomic<uint32_t> in_flight{0};  // executions queued or running
};

class TenantRegistry {
 public:
  explicit TenantRegistry(const std::vector<TenantConfig>& tenants);
  // The tenant whose key is the bearer token of `authorization` (the whole
  // header value), or null.
  Tenant* authenticate(std::string_view authorization) const;

 private:
  std::vector<std::unique_ptr<Tenant>> tenants_;
  std::unordered_map<std::string, Tenant*> by_key_;
};

// A slot among a tenant's `max_concurrent` executions, released on destruction.
class ExecutionSlot {
 public:
  // Empty when the tenant is at its limit.
  static std::unique_ptr<ExecutionSlot> acquire(Tenant& tenant);
  ~ExecutionSlot() { tenant_.in_flight.fetch_sub(1); }
  ExecutionSlot(const ExecutionSlot&) = delete;
  ExecutionSlot& operator=(const ExecutionSlot&) = delete;

 private:
  explicit ExecutionSlot(Tenant& tenant) : tenant_(tenant) {}
  Tenant& tenant_;
};

}  // namespace warden::service
