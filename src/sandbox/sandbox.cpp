#include "sandbox/sandbox.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "wasi/run_limits.h"

namespace warden::sandbox {

std::string_view statusName(Status status) {
  switch (status) {
    case Status::Ok: return "ok";
    case Status::Error: return "error";
    case Status::Timeout: return "timeout";
    case Status::FuelExhausted: return "fuel_exhausted";
    case Status::MemoryLimit: return "memory_limit";
    case Status::OutputLimit: return "output_limit";
    case Status::WriteLimit: return "write_limit";
    case Status::Trap: return "trap";
    case Status::Internal: return "internal_error";
  }
  return "internal_error";
}

Result internalError(std::string message) {
  Result r;
  r.status = Status::Internal;
  r.exit_code = wasi::exit_status::kWardenError;
  r.message = std::move(message);
  return r;
}

Status statusOf(const wasi::RunOutcome& outcome) {
  using wasi::RunStop;
  switch (outcome.stop) {
    case RunStop::Exited: return outcome.exit_status == 0 ? Status::Ok : Status::Error;
    case RunStop::Trap: return Status::Trap;
    case RunStop::Timeout: return Status::Timeout;
    case RunStop::Fuel: return Status::FuelExhausted;
    case RunStop::MemoryLimit: return Status::MemoryLimit;
    case RunStop::OutputLimit: return Status::OutputLimit;
    case RunStop::WriteLimit: return Status::WriteLimit;
    case RunStop::Error: return Status::Internal;
  }
  return Status::Internal;
}

namespace {

uint64_t capPages(std::optional<uint64_t> bytes) {
  return bytes ? std::min<uint64_t>(*bytes / kPageSize, kMaxPages) : kMaxPages;
}

std::string sizeLabel(std::optional<uint64_t> bytes) { return bytes ? fmt::format("{} bytes", *bytes) : std::string(); }

}  // namespace

Expect<std::unique_ptr<Sandbox>> Sandbox::create(Engine& engine, std::shared_ptr<const Module> module,
                                                 wasi::WasiConfig config, std::optional<uint64_t> memory_cap_bytes) {
  return create(engine, std::move(config), memory_cap_bytes, module,
                [&module](Linker& linker, Store& store) { return linker.instantiate(store, module); });
}

Expect<std::unique_ptr<Sandbox>> Sandbox::create(Engine& engine, wasi::WasiConfig config,
                                                 std::optional<uint64_t> memory_cap_bytes,
                                                 const std::shared_ptr<const Module>& module,
                                                 const Instantiate& instantiate) {
  std::unique_ptr<Sandbox> box(new Sandbox());
  box->store_ = std::make_unique<Store>(engine);
  box->store_->setMemoryLimitPages(capPages(memory_cap_bytes));
  box->wasi_ = WARDEN_TRY(wasi::WasiContext::create(std::move(config)));
  Linker linker;
  // Only the functions the module imports: the Linker lives for this
  // instantiation alone.
  WARDEN_TRY(wasi::defineWasi(linker, *box->store_, *box->wasi_, module.get()));
  WARDEN_TRY(posix::defineImportedMemories(linker, *box->store_, *module));
  if (posix::importsThreadSpawn(*module)) {
    box->threads_ = std::make_unique<posix::ThreadGroup>(*box->store_, module, posix::kDefaultMaxThreads);
    posix::defineThreadSpawn(linker, *box->store_, *box->threads_);
  }
  box->instance_ = WARDEN_TRY(instantiate(linker, *box->store_));
  if (box->threads_) box->threads_->setLinker(linker);  // as `instantiate` left it
  return box;
}

Result Sandbox::run(std::string_view name, std::span<const Value> args, const std::string& stdin_data,
                    const OutputSink& on_output, const Limits& limits, std::vector<Value>* results,
                    bool returns_exit_status, bool inherit_stdio) {
  std::optional<Extern> entry = getExport(*instance_, name);
  if (!entry || entry->kind != ExternKind::Func) return internalError(fmt::format("error: no exported function \"{}\"", name));
  Result result;

  // Output: captured up to the limit (the WASI layer cuts the write that
  // crosses it), and streamed as it comes.
  auto capture = [&result, &on_output](int fd) {
    return wasi::StdioSpec::callback([&result, &on_output, fd](std::string_view bytes) {
      (fd == 1 ? result.stdout_data : result.stderr_data).append(bytes);
      if (on_output) on_output(fd, bytes);
    });
  };
  wasi::StdioSpec stdio[3] = {wasi::StdioSpec::memory(std::make_shared<std::string>(stdin_data)), capture(1), capture(2)};
  if (inherit_stdio)
    for (wasi::StdioSpec& spec : stdio) spec = wasi::StdioSpec::inherit();
  wasi::WasiLimits wasi_limits;
  wasi_limits.max_output_bytes = limits.output_bytes;
  wasi_limits.max_write_bytes = limits.write_bytes;
  if (Expect<void> begun = wasi_->beginRun(stdio, wasi_limits); !begun) return internalError(begun.error().message());

  for (MemoryInstance* memory : instance_->memories) {
    memory->grow_denied_by_limit = false;
    if (limits.memory_bytes) memory->limit_pages = std::min(capPages(limits.memory_bytes), memory->type.limits.max.value_or(kMaxPages));
  }
  if (limits.memory_bytes) store_->setMemoryLimitPages(capPages(limits.memory_bytes));
  store_->setFuel(limits.fuel);
  store_->exec().interrupt_requested.store(false);

  wasi::LimitLabels labels;
  if (limits.timeout)
    labels.timeout = fmt::format("{}ms", std::chrono::duration_cast<std::chrono::milliseconds>(*limits.timeout).count());
  labels.memory = sizeLabel(limits.memory_bytes);
  labels.output = sizeLabel(limits.output_bytes);
  labels.write = sizeLabel(limits.write_bytes);

  auto started = std::chrono::steady_clock::now();
  Expect<std::vector<Value>> returned = [&] {
    std::unique_ptr<wasi::Watchdog> watchdog;
    if (limits.timeout) watchdog = std::make_unique<wasi::Watchdog>(*store_, *limits.timeout);
    if (threads_) threads_->setMaxThreads(limits.max_threads);
    Expect<std::vector<Value>> values = posix::settleRun(threads_.get(), invoke(*store_, *entry->func, args));
    if (watchdog) labels.timeout_fired = watchdog->fired();
    return values;
  }();
  result.duration = std::chrono::steady_clock::now() - started;

  for (MemoryInstance* memory : instance_->memories) {
    labels.memory_grow_denied |= memory->grow_denied_by_limit;
    result.memory_peak_bytes = std::max<uint64_t>(result.memory_peak_bytes, memory->size);
  }
  if (limits.fuel) result.fuel_used = *limits.fuel - store_->fuelRemaining().value_or(0);
  if (results) {
    results->clear();
    if (returned) *results = *returned;
  }

  Expect<void> ran = returned ? Expect<void>{} : Expect<void>(std::unexpected(returned.error()));
  wasi::RunOutcome outcome = wasi::classifyRun(ran, *wasi_, labels);
  result.status = statusOf(outcome);
  result.exit_code = outcome.exit_status;
  result.message = outcome.message;
  if (returned && returns_exit_status && returned->size() == 1) {
    result.exit_code = int((*returned)[0].i32);
    result.status = result.exit_code == 0 ? Status::Ok : Status::Error;
  }
  // A guest that failed after a refused memory.grow (Python's MemoryError)
  // ran into the memory limit, whatever it printed.
  if (result.status == Status::Error && labels.memory_grow_denied) {
    result.status = Status::MemoryLimit;
    result.message = fmt::format("stopped: memory limit {}", labels.memory);
  }
  result.output_truncated = result.status == Status::OutputLimit;
  return result;
}

}  // namespace warden::sandbox
