// WasiConfig: what a WASI guest is handed, built up deny-by-default (nothing
// is visible unless added here: no host environment, no cwd, no paths).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden::wasi {

// Receives what the guest writes to stdout or stderr, as it writes it
// (streaming). Called on the thread running the guest.
using OutputSink = std::function<void(std::string_view bytes)>;

// Where one of stdin/stdout/stderr goes.
struct StdioSpec {
  enum class Kind { Null, Inherit, File, Buffer, Sink };
  Kind kind = Kind::Null;
  std::string path;                      // File: host path (stdin opened read-only, outputs created/truncated)
  std::shared_ptr<std::string> buffer;   // Buffer: stdin reads it; stdout/stderr append to it
  OutputSink sink;                       // Sink (stdout/stderr only): called with each write

  static StdioSpec null() { return {}; }
  static StdioSpec inherit() { return {Kind::Inherit, {}, nullptr, {}}; }
  static StdioSpec file(std::string host_path) { return {Kind::File, std::move(host_path), nullptr, {}}; }
  static StdioSpec memory(std::shared_ptr<std::string> data) { return {Kind::Buffer, {}, std::move(data), {}}; }
  static StdioSpec callback(OutputSink sink) { return {Kind::Sink, {}, nullptr, std::move(sink)}; }
};

struct Preopen {
  std::string host_path;
  std::string guest_path;
  bool read_only = false;
};

// Limits the WASI layer enforces itself (memory, fuel and time are the
// Store's and the embedder's; see run_limits.h).
struct WasiLimits {
  std::optional<uint64_t> max_output_bytes;  // stdout + stderr; crossing it stops the guest
  std::optional<uint64_t> max_write_bytes;   // bytes written to files; crossing it stops the guest
  uint32_t max_fds = 1024;                   // open descriptors, stdio and preopens included
};

class WasiConfig {
 public:
  WasiConfig& arg(std::string value) { args_.push_back(std::move(value)); return *this; }
  WasiConfig& env(std::string key, std::string value) {
    env_.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  WasiConfig& preopenDir(std::string host_path, std::string guest_path, bool read_only) {
    preopens_.push_back({std::move(host_path), std::move(guest_path), read_only});
    return *this;
  }
  WasiConfig& stdinFrom(StdioSpec spec) { stdio_[0] = std::move(spec); return *this; }
  WasiConfig& stdoutTo(StdioSpec spec) { stdio_[1] = std::move(spec); return *this; }
  WasiConfig& stderrTo(StdioSpec spec) { stdio_[2] = std::move(spec); return *this; }
  WasiConfig& inheritStdio() {
    for (StdioSpec& s : stdio_) s = StdioSpec::inherit();
    return *this;
  }
  WasiConfig& limits(WasiLimits value) { limits_ = value; return *this; }
  WasiConfig& clearArgs() { args_.clear(); return *this; }
  WasiConfig& clearEnv() { env_.clear(); return *this; }
  // Hands the guest a connected or listening socket (duplicated; the
  // caller keeps its own fd). It appears after the preopens.
  WasiConfig& socket(int host_fd) { sockets_.push_back(host_fd); return *this; }

  const std::vector<std::string>& args() const { return args_; }
  const std::vector<std::pair<std::string, std::string>>& envVars() const { return env_; }
  const std::vector<Preopen>& preopens() const { return preopens_; }
  const StdioSpec& stdio(int fd) const { return stdio_[fd]; }
  const WasiLimits& limits() const { return limits_; }
  const std::vector<int>& sockets() const { return sockets_; }

 private:
  std::vector<std::string> args_;
  std::vector<std::pair<std::string, std::string>> env_;
  std::vector<Preopen> preopens_;
  StdioSpec stdio_[3];
  WasiLimits limits_;
  std::vector<int> sockets_;
};

}  // namespace warden::wasi
