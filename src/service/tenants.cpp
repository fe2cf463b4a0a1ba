#include "service/tenants.h"

#include <cctype>

namespace warden::service {

TenantRegistry::TenantRegistry(const std::vector<TenantConfig>& tenants) {
  for (const TenantConfig& config : tenants) {
    tenants_.push_back(std::make_unique<Tenant>(config));
    for (const std::string& key : config.api_keys) by_key_[key] = tenants_.back().get();
  }
}

Tenant* TenantRegistry::authenticate(std::string_view authorization) const {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size()) return nullptr;
  // The scheme is case-insensitive (RFC 7235).
  for (size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(uint8_t(authorization[i])) != std::tolower(uint8_t(kScheme[i]))) return nullptr;
  auto it = by_key_.find(std::string(authorization.substr(kScheme.size())));
  return it == by_key_.end() ? nullptr : it->second;
}

std::unique_ptr<ExecutionSlot> ExecutionSlot::acquire(Tenant& tenant) {
  uint32_t current = tenant.in_flight.load();
  do {
    if (current >= tenant.config.max_concurrent) return nullptr;
  } while (!tenant.in_flight.compare_exchange_weak(current, current + 1));
  return std::unique_ptr<ExecutionSlot>(new ExecutionSlot(tenant));
}

}  // namespace warden::service
