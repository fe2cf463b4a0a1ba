#include "wasi/run_outcome.h"

#include <fmt/format.h>

#include "wasi/wasi_context.h"

namespace warden::wasi {

namespace {
// "call stack exhausted", not "call stack exhausted: call stack exhausted".
std::string describe(const Error& error) {
  return error.detail() == error.specMessage() ? std::string(error.specMessage()) : error.message();
}
}  // namespace

RunOutcome classifyRun(const Expect<void>& result, const WasiContext& context, const LimitLabels& labels) {
  using namespace exit_status;
  if (result) return {RunStop::Exited, 0, {}};
  const Error& error = result.error();
  switch (error.code()) {
    case ErrorCode::Exit:
      return {RunStop::Exited, int(context.exitCode().value_or(0) & 0xFF), {}};
    case ErrorCode::Interrupted:
      if (labels.timeout_fired) return {RunStop::Timeout, kTimeout, fmt::format("stopped: timeout after {}", labels.timeout)};
      return {RunStop::Error, kWardenError, "stopped: interrupted"};
    case ErrorCode::OutOfFuel:
      return {RunStop::Fuel, kFuel, "stopped: fuel exhausted"};
    case ErrorCode::OutputLimit:
      return {RunStop::OutputLimit, kOutputLimit, fmt::format("stopped: output limit {}", labels.output)};
    case ErrorCode::WriteLimit:
      return {RunStop::WriteLimit, kWriteLimit, fmt::format("stopped: write limit {}", labels.write)};
    default:
      break;
  }
  if (error.phase() == ErrorPhase::Trap) {
    if (labels.memory_grow_denied)
      return {RunStop::MemoryLimit, kMemoryLimit, fmt::format("stopped: memory limit {} ({})", labels.memory, describe(error))};
    return {RunStop::Trap, kTrap, fmt::format("trap: {}", describe(error))};
  }
  std::string text = error.phase() == ErrorPhase::Host && !error.detail().empty()
                         ? error.detail()
                         : fmt::format("{} error: {}", phaseName(error.phase()), error.message());
  return {RunStop::Error, kWardenError, fmt::format("error: {}", text)};
}

}  // namespace warden::wasi
