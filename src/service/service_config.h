// The service's configuration: where it listens, its bounds, and its tenants
// with their API keys and limits, read from a JSON file (docs/SERVICE.md
// lists every field). Without a file, `devConfig` gives one tenant with a
// fresh random key.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <string>
#include <vector>

namespace warden::service {

// A sandbox's limits. In a tenant they are both the default and the maximum
// a request may ask for.
struct SandboxLimits {
  uint64_t memory_bytes = 256ull << 20;
  uint64_t fuel = 20'000'000'000ull;
  uint64_t timeout_ms = 10'000;
  uint64_t output_bytes = 1ull << 20;
  uint64_t write_bytes = 16ull << 20;
  uint64_t max_threads = 16;  // guest threads besides the main one (EAGAIN beyond)
};

struct TenantConfig {
  std::string name;
  std::vector<std::string> api_keys;
  uint32_t max_concurrent = 4;        // executions running or queued at once
  uint32_t max_sessions = 8;          // open sessions
  uint32_t requests_per_minute = 600; // token bucket: this many per minute, bursts up to it
  SandboxLimits limits;
};

// Bounds on the files a request uploads and on those an answer returns.
struct FileLimits {
  uint32_t max_count = 64;
  uint64_t max_file_bytes = 4ull << 20;
  uint64_t max_total_bytes = 8ull << 20;
};

struct ServiceConfig {
  std::string listen = "127.0.0.1:8080";
  unsigned workers = 0;       // execution threads; 0 = one per core
  unsigned io_threads = 1;    // HTTP threads (they never run guests)
  uint32_t max_queue = 64;    // executions waiting for a worker; beyond it 503
  uint64_t max_body_bytes = 16ull << 20;
  std::chrono::milliseconds read_timeout{10'000};   // to receive a whole request (headers and body)
  std::chrono::milliseconds write_timeout{30'000};  // for the client to take each response write
  uint32_t max_connections = 1024;  // open client connections; more are closed at once
  std::chrono::seconds session_idle_timeout{300};
  uint32_t max_sessions_total = 256;
  FileLimits files;
  // Python sandboxes are restored from a snapshot taken at start with these
  // modules imported; `python_pool` of them are kept ready (0: twice the
  // workers). docs/SNAPSHOTS.md.
  std::vector<std::string> python_preload = {"json", "re", "math", "collections"};
  uint32_t python_pool = 0;
  std::vector<TenantConfig> tenants;
};

// Parses a config file's text; the error names the field at fault.
std::expected<ServiceConfig, std::string> parseServiceConfig(const std::string& text);
std::expected<ServiceConfig, std::string> loadServiceConfig(const std::string& path);

// One tenant "dev" with a random 32-hex-digit key, the defaults otherwise.
ServiceConfig devConfig();

// A random hex string of `bytes` random bytes (API keys, session ids).
std::string randomHex(size_t bytes);

}  // namespace warden::service
