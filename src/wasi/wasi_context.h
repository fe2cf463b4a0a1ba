// WasiContext: the state of one WASI guest — its descriptor table, args and
// environment, counters for the output/write limits, and how it ended
// (proc_exit code). Built from a WasiConfig; one per Store.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "runtime/error.h"
#include "wasi/fd_table.h"
#include "wasi/wasi_config.h"

namespace warden {
class Linker;
class Store;
struct Module;
}  // namespace warden

namespace warden::wasi {

class WasiContext {
 public:
  // Opens the preopened directories and stdio files (Host errors name the
  // path that failed).
  static Expect<std::unique_ptr<WasiContext>> create(WasiConfig config);

  const WasiConfig& config() const { return config_; }

  // Prepares a kept sandbox (a session, a pooled instance) for its next run:
  // stdin/stdout/stderr become `stdio` (replacing whatever fds 0-2 hold),
  // the output/write limits become `limits` (max_fds stays), and the
  // counters and exit code start again from zero.
  Expect<void> beginRun(const StdioSpec (&stdio)[3], const WasiLimits& limits);

  // Gives a context made ahead of time (a pooled, restored sandbox) the
  // request it now serves: its args and environment replace the current
  // ones, and `preopens` are opened after those already there.
  Expect<void> assign(std::vector<std::string> args, std::vector<std::pair<std::string, std::string>> env,
                      const std::vector<Preopen>& preopens);

  // Guest paths of the preopened directories, in descriptor order.
  std::vector<std::string> preopenGuestPaths();
  // True when nothing but stdio and preopened directories is open (what a
  // snapshot can record).
  bool onlyStdioAndPreopens();
  FdTable& fds() { return fds_; }
  // Held by every WASI call (wasi_host.h: WasiCall), so the threads of a
  // sandbox take turns with this context's state.
  std::mutex& callMutex() { return call_mutex_; }

  // Set by proc_exit, which then unwinds with ErrorCode::Exit.
  std::optional<uint32_t> exitCode() const { return exit_code_; }
  void setExitCode(uint32_t code) { exit_code_ = code; }

  // Bytes counted against the limits so far.
  uint64_t outputBytes() const { return output_bytes_; }
  uint64_t writtenBytes() const { return written_bytes_; }
  // How many of `wanted` bytes may still go to stdout/stderr (or files).
  uint64_t outputAllowance(uint64_t wanted) const;
  uint64_t writeAllowance(uint64_t wanted) const;
  void countOutput(uint64_t n) { output_bytes_ += n; }
  void countWrite(uint64_t n) { written_bytes_ += n; }

 private:
  explicit WasiContext(WasiConfig config)
      : config_(std::move(config)), fds_(config_.limits().max_fds) {}
  Expect<std::unique_ptr<FdEntry>> makeStdio(int fd);
  Expect<void> openPreopens();
  Expect<void> openPreopen(const Preopen& pre);

  std::mutex call_mutex_;
  WasiConfig config_;
  FdTable fds_;
  std::optional<uint32_t> exit_code_;
  uint64_t output_bytes_ = 0;
  uint64_t written_bytes_ = 0;
};

// Defines the 46 wasi_snapshot_preview1 functions in `linker` as host
// functions of `store` bound to `context` (which must outlive the store's use).
// Given `for_module`, only those it imports (a hello-world imports a handful:
// defining all cost a tenth of `warden run hello.wasm`'s instructions).
Expect<void> defineWasi(Linker& linker, Store& store, WasiContext& context, const Module* for_module = nullptr);

}  // namespace warden::wasi
