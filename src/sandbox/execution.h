// What one execution in a sandbox is given and what it gives back: the
// vocabulary shared by the CLI, the HTTP service and the pools.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden::sandbox {

// The limits of one execution; unset means the embedder's default (none).
struct Limits {
  std::optional<uint64_t> memory_bytes;  // linear memory cap (Python sees MemoryError)
  std::optional<uint64_t> fuel;          // instruction budget
  std::optional<std::chrono::nanoseconds> timeout;  // wall clock
  std::optional<uint64_t> output_bytes;  // stdout + stderr together
  std::optional<uint64_t> write_bytes;   // bytes written to files
  uint32_t max_fds = 256;                // open descriptors, stdio and preopens included
  uint32_t max_threads = 64;             // guest threads besides the main one (posix::kDefaultMaxThreads)
};

// How an execution ended. `Ok` is a guest that exited with status 0;
// `Error` one that exited non-zero (a Python exception, sys.exit(1)).
enum class Status { Ok, Error, Timeout, FuelExhausted, MemoryLimit, OutputLimit, WriteLimit, Trap, Internal };

// "ok", "error", "timeout", "fuel_exhausted", "memory_limit", "output_limit",
// "write_limit", "trap", "internal_error".
std::string_view statusName(Status status);

// Receives output as the guest writes it: fd is 1 (stdout) or 2 (stderr).
// Called on the thread that runs the guest.
using OutputSink = std::function<void(int fd, std::string_view bytes)>;

// A host directory the guest sees at `guest_path`.
struct Mount {
  std::string host_path;
  std::string guest_path;
  bool read_only = true;
};

struct Request {
  std::vector<std::string> args;  // the guest's argv after argv[0]
  std::vector<std::pair<std::string, std::string>> env;  // exactly the guest's environment
  // A host directory the guest sees read-write at kWorkDir (its cwd for
  // Python); none when empty.
  std::string work_dir;
  std::vector<Mount> mounts;  // more directories (the CLI's --dir/--ro-dir)
  // The guest's working directory; empty: kWorkDir with a work_dir, else "/".
  std::string cwd;
  // Python scripts: sys.argv[0] as the user typed it, when the path the
  // script is opened by differs (`warden python s.py` opens /abs/s.py).
  std::string argv0;
  std::string stdin_data;
  // The guest reads and writes Warden's own stdin/stdout/stderr (the CLI);
  // stdin_data, on_output and the Result's captured output are then unused.
  bool inherit_stdio = false;
  // Streams output when set; stdout/stderr are captured in the Result either way.
  OutputSink on_output;
  Limits limits;
};

// The guest path of Request::work_dir.
inline constexpr std::string_view kWorkDir = "/work";

struct Result {
  Status status = Status::Internal;
  int exit_code = 0;         // the guest's exit status, or Warden's (wasi/run_outcome.h)
  std::string message;       // one line: "stopped: timeout after 2s", "trap: unreachable"; empty for a guest exit
  std::string stdout_data;   // everything written, up to the output limit
  std::string stderr_data;
  bool output_truncated = false;  // the output limit cut it
  uint64_t fuel_used = 0;         // 0 when fuel was not metered
  uint64_t memory_peak_bytes = 0; // linear memory size at the end (memory only grows)
  std::chrono::nanoseconds duration{0};  // running the guest, set-up excluded
};

}  // namespace warden::sandbox
