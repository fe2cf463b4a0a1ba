#include "service/service_config.h"

#include <random>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "service/json_fields.h"
#include "support/host_io.h"

namespace warden::service {

namespace {

using nlohmann::json;

std::string describe(const ApiError& error) { return error.message; }

// Reads an optional unsigned member into `target` (left as is when absent).
template <typename T>
Parsed<void> readUint(const json& object, std::string_view parent, std::string_view key, T& target,
                      uint64_t min = 0, uint64_t max = UINT32_MAX) {
  Parsed<std::optional<uint64_t>> value = optionalUint(object, parent, key, min, max);
  if (!value) return std::unexpected(value.error());
  if (*value) target = T(**value);
  return {};
}

Parsed<void> readLimits(const json& object, std::string_view path, SandboxLimits& limits) {
  if (auto ok = checkObject(object, path, {"memory_bytes", "fuel", "timeout_ms", "output_bytes", "write_bytes", "max_threads"});
      !ok)
    return ok;
  if (auto ok = readUint(object, path, "memory_bytes", limits.memory_bytes, 1 << 20, 4ull << 30); !ok) return ok;
  if (auto ok = readUint(object, path, "fuel", limits.fuel, 1, UINT64_MAX); !ok) return ok;
  if (auto ok = readUint(object, path, "timeout_ms", limits.timeout_ms, 1, 3'600'000); !ok) return ok;
  if (auto ok = readUint(object, path, "output_bytes", limits.output_bytes, 0, 1ull << 30); !ok) return ok;
  if (auto ok = readUint(object, path, "write_bytes", limits.write_bytes, 0, 1ull << 34); !ok) return ok;
  if (auto ok = readUint(object, path, "max_threads", limits.max_threads, 0, 1024); !ok) return ok;
  return {};
}

Parsed<TenantConfig> readTenant(const json& object, const std::string& path) {
  TenantConfig tenant;
  if (auto ok = checkObject(object, path,
                            {"name", "api_keys", "max_concurrent", "max_sessions", "requests_per_minute", "limits"});
      !ok)
    return std::unexpected(ok.error());
  auto name = optionalString(object, path, "name");
  if (!name) return std::unexpected(name.error());
  if (!*name || (*name)->empty()) return std::unexpected(badField(fieldPath(path, "name"), fieldPath(path, "name") + " is required"));
  tenant.name = **name;
  auto keys = object.find("api_keys");
  std::string keys_path = fieldPath(path, "api_keys");
  if (keys == object.end() || !keys->is_array() || keys->empty())
    return std::unexpected(badField(keys_path, keys_path + " must be a non-empty array of strings"));
  for (size_t i = 0; i < keys->size(); ++i) {
    const json& key = (*keys)[i];
    if (!key.is_string() || key.get<std::string>().size() < 16)
      return std::unexpected(badField(fmt::format("{}[{}]", keys_path, i),
                                      fmt::format("{}[{}] must be a string of at least 16 characters", keys_path, i)));
    tenant.api_keys.push_back(key.get<std::string>());
  }
  if (auto ok = readUint(object, path, "max_concurrent", tenant.max_concurrent, 1, 10'000); !ok) return std::unexpected(ok.error());
  if (auto ok = readUint(object, path, "max_sessions", tenant.max_sessions, 0, 100'000); !ok) return std::unexpected(ok.error());
  if (auto ok = readUint(object, path, "requests_per_minute", tenant.requests_per_minute, 1, 10'000'000); !ok)
    return std::unexpected(ok.error());
  if (auto it = object.find("limits"); it != object.end())
    if (auto ok = readLimits(*it, fieldPath(path, "limits"), tenant.limits); !ok) return std::unexpected(ok.error());
  return tenant;
}

Parsed<ServiceConfig> readConfig(const json& root) {
  ServiceConfig config;
  if (auto ok = checkObject(root, "", {"listen", "workers", "io_threads", "max_queue", "max_body_bytes",
                                       "read_timeout_ms", "write_timeout_ms", "max_connections",
                                       "session_idle_timeout_s", "max_sessions_total", "files", "python", "tenants"});
      !ok)
    return std::unexpected(ok.error());
  auto listen = optionalString(root, "", "listen");
  if (!listen) return std::unexpected(listen.error());
  if (*listen) config.listen = **listen;
  uint64_t read_ms = config.read_timeout.count(), write_ms = config.write_timeout.count(),
           session_s = config.session_idle_timeout.count();
  for (auto ok : {readUint(root, "", "workers", config.workers, 0, 1024), readUint(root, "", "io_threads", config.io_threads, 1, 64),
                  readUint(root, "", "max_queue", config.max_queue, 0, 1'000'000),
                  readUint(root, "", "max_body_bytes", config.max_body_bytes, 1024, 1ull << 30),
                  readUint(root, "", "read_timeout_ms", read_ms, 10, 3'600'000),
                  readUint(root, "", "write_timeout_ms", write_ms, 10, 3'600'000),
                  readUint(root, "", "max_connections", config.max_connections, 1, 1'000'000),
                  readUint(root, "", "session_idle_timeout_s", session_s, 1, 30 * 86400),
                  readUint(root, "", "max_sessions_total", config.max_sessions_total, 0, 1'000'000)})
    if (!ok) return std::unexpected(ok.error());
  config.read_timeout = std::chrono::milliseconds(read_ms);
  config.write_timeout = std::chrono::milliseconds(write_ms);
  config.session_idle_timeout = std::chrono::seconds(session_s);
  if (auto it = root.find("files"); it != root.end()) {
    if (auto ok = checkObject(*it, "files", {"max_count", "max_file_bytes", "max_total_bytes"}); !ok) return std::unexpected(ok.error());
    for (auto ok : {readUint(*it, "files", "max_count", config.files.max_count, 0, 100'000),
                    readUint(*it, "files", "max_file_bytes", config.files.max_file_bytes, 0, 1ull << 30),
                    readUint(*it, "files", "max_total_bytes", config.files.max_total_bytes, 0, 1ull << 32)})
      if (!ok) return std::unexpected(ok.error());
  }
  if (auto it = root.find("python"); it != root.end()) {
    if (auto ok = checkObject(*it, "python", {"preload", "pool_size"}); !ok) return std::unexpected(ok.error());
    if (auto ok = readUint(*it, "python", "pool_size", config.python_pool, 0, 100'000); !ok) return std::unexpected(ok.error());
    if (auto preload = it->find("preload"); preload != it->end()) {
      if (!preload->is_array()) return std::unexpected(badField("python.preload", "python.preload must be an array of module names"));
      config.python_preload.clear();
      for (const json& name : *preload) {
        if (!name.is_string() || name.get<std::string>().empty())
          return std::unexpected(badField("python.preload", "python.preload must be an array of module names"));
        config.python_preload.push_back(name.get<std::string>());
      }
    }
  }
  auto tenants = root.find("tenants");
  if (tenants == root.end() || !tenants->is_array() || tenants->empty())
    return std::unexpected(badField("tenants", "tenants must be a non-empty array"));
  std::set<std::string> names, keys;
  for (size_t i = 0; i < tenants->size(); ++i) {
    std::string path = fmt::format("tenants[{}]", i);
    Parsed<TenantConfig> tenant = readTenant((*tenants)[i], path);
    if (!tenant) return std::unexpected(tenant.error());
    if (!names.insert(tenant->name).second)
      return std::unexpected(badField(path + ".name", fmt::format("tenant name \"{}\" is used twice", tenant->name)));
    for (const std::string& key : tenant->api_keys)
      if (!keys.insert(key).second) return std::unexpected(badField(path + ".api_keys", "an API key is used twice"));
    config.tenants.push_back(std::move(*tenant));
  }
  return config;
}

}  // namespace

std::expected<ServiceConfig, std::string> parseServiceConfig(const std::string& text) {
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return std::unexpected(std::string("the config is not valid JSON"));
  Parsed<ServiceConfig> config = readConfig(root);
  if (!config) return std::unexpected(describe(config.error()));
  return std::move(*config);
}

std::expected<ServiceConfig, std::string> loadServiceConfig(const std::string& path) {
  Expect<std::string> text = readFileText(path, 16 << 20);
  if (!text) return std::unexpected(text.error().message());
  auto config = parseServiceConfig(*text);
  if (!config) return std::unexpected(fmt::format("{}: {}", path, config.error()));
  return config;
}

ServiceConfig devConfig() {
  ServiceConfig config;
  TenantConfig tenant;
  tenant.name = "dev";
  tenant.api_keys.push_back(randomHex(16));
  config.tenants.push_back(std::move(tenant));
  return config;
}

std::string randomHex(size_t bytes) {
  // std::random_device reads the kernel's CSPRNG (getrandom) in libstdc++.
  std::random_device device;
  std::string out;
  for (size_t i = 0; i < bytes; i += 4) {
    uint32_t word = device();
    for (size_t k = 0; k < 4 && i + k < bytes; ++k) out += fmt::format("{:02x}", (word >> (8 * k)) & 0xff);
  }
  return out;
}

}  // namespace warden::service
