#include "service/execution_runner.h"

#include <fmt/format.h>

#include "sandbox/sandbox.h"
#include "support/host_io.h"
#include "wasi/wasi_config.h"

namespace warden::service {

namespace {

ApiError internalError(std::string message) { return ApiError{500, "internal_error", std::move(message), ""}; }

sandbox::Request makeRequest(const ExecutionSpec& spec, const std::string& work_dir, const sandbox::OutputSink& on_output) {
  sandbox::Request request;
  request.args = spec.args;
  request.env = spec.env;
  request.work_dir = work_dir;
  request.stdin_data = spec.stdin_data;
  request.on_output = on_output;
  request.limits = spec.limits;
  return request;
}

// A raw WASI command: _start with /work preopened as its only directory.
std::expected<sandbox::Result, ApiError> runWasm(Engine& engine, ModuleCache& modules, const ExecutionSpec& spec,
                                                 const sandbox::Request& request, const std::function<void()>& on_start) {
  Expect<std::shared_ptr<const Module>> module = modules.get(spec.code);
  if (!module)
    return std::unexpected(ApiError{422, "invalid_module", fmt::format("the wasm module is invalid: {}", module.error().message()), "code"});
  wasi::WasiConfig config;
  config.arg("main.wasm");
  for (const std::string& arg : request.args) config.arg(arg);
  for (const auto& [key, value] : request.env) config.env(key, value);
  config.preopenDir(request.work_dir, std::string(sandbox::kWorkDir), false);
  wasi::WasiLimits wasi_limits;
  wasi_limits.max_fds = request.limits.max_fds;
  config.limits(wasi_limits);
  Expect<std::unique_ptr<sandbox::Sandbox>> box =
      sandbox::Sandbox::create(engine, std::move(*module), std::move(config), request.limits.memory_bytes);
  if (!box) {
    // Missing imports, a start function that traps, a memory too large: the module's fault.
    return std::unexpected(ApiError{422, "instantiation_failed", fmt::format("the wasm module cannot start: {}", box.error().message()), "code"});
  }
  on_start();
  return (*box)->run("_start", {}, request.stdin_data, request.on_output, request.limits);
}

}  // namespace

std::expected<ExecutionOutcome, ApiError> ExecutionRunner::run(const ExecutionSpec& spec, const sandbox::OutputSink& on_output,
                                                               const std::function<void()>& on_start) {
  Expect<TempDir> dir = TempDir::create("warden-exec-");
  if (!dir) return std::unexpected(internalError(dir.error().message()));
  if (auto written = writeFiles(dir->path(), spec.files); !written) return std::unexpected(internalError(written.error()));
  DirSnapshot before = snapshotDir(dir->path());
  sandbox::Request request = makeRequest(spec, dir->path(), on_output);

  ExecutionOutcome outcome;
  if (spec.language == Language::Wasm) {
    auto result = runWasm(python_.engine(), modules_, spec, request, on_start);
    if (!result) return std::unexpected(result.error());
    outcome.result = std::move(*result);
  } else {
    on_start();
    outcome.result = python_.run(spec.code, request);
  }
  outcome.files = collectChangedFiles(dir->path(), before, file_limits_);
  return outcome;
}

std::expected<ExecutionOutcome, ApiError> ExecutionRunner::runInSession(Session& session, const ExecutionSpec& spec,
                                                                        const sandbox::OutputSink& on_output,
                                                                        const std::function<void()>& on_start) {
  if (auto written = writeFiles(session.dir.path(), spec.files); !written)
    return std::unexpected(ApiError{409, "file_conflict", written.error(), "files"});
  DirSnapshot before = snapshotDir(session.dir.path());
  sandbox::Request request = makeRequest(spec, session.dir.path(), on_output);
  request.limits.memory_bytes = session.memory_bytes;  // fixed when the session opened
  on_start();
  ExecutionOutcome outcome;
  outcome.result = session.python->run(spec.code, request);
  outcome.files = collectChangedFiles(session.dir.path(), before, file_limits_);
  return outcome;
}

}  // namespace warden::service
