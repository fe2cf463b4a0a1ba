// How a WASI run ended, as a typed outcome with its exit status and the
// one-line message Warden prints (docs/WASI.md lists them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "runtime/error.h"

namespace warden::wasi {

class WasiContext;

enum class RunStop {
  Exited,       // _start returned (0) or the guest called proc_exit(code)
  Trap,         // the guest trapped (unreachable, out of bounds, call stack exhausted, ...)
  Timeout,      // --timeout: wall clock
  Fuel,         // --fuel: instruction budget
  MemoryLimit,  // the guest trapped after --max-memory refused a memory.grow
  OutputLimit,  // --max-output: stdout + stderr bytes
  WriteLimit,   // --max-write: bytes written to files
  Error,        // Warden's own: usage, I/O, decode, validation, link
};

namespace exit_status {
constexpr int kMemoryLimit = 120;
constexpr int kWriteLimit = 121;
constexpr int kOutputLimit = 122;
constexpr int kFuel = 123;
constexpr int kTimeout = 124;
constexpr int kWardenError = 125;
constexpr int kTrap = 134;
}  // namespace exit_status

struct RunOutcome {
  RunStop stop = RunStop::Exited;
  int exit_status = 0;
  std::string message;  // "stopped: timeout after 2s", "trap: unreachable"; empty for a guest exit
};

// The limit values as the user wrote them, for the messages.
struct LimitLabels {
  std::string timeout, memory, output, write;
  bool timeout_fired = false;
  bool memory_grow_denied = false;
};

// Classifies the result of running the guest.
RunOutcome classifyRun(const Expect<void>& result, const WasiContext& context, const LimitLabels& labels);

}  // namespace warden::wasi
