#include "sandbox/python_runtime.h"

#include <filesystem>

#include <fmt/format.h>

#include "support/host_io.h"
#include "sandbox/python_home.h"
#include "sandbox/sandbox.h"

namespace warden::sandbox {

namespace fs = std::filesystem;

namespace {

Error hostError(std::string detail) { return Error(ErrorCode::HostError, std::move(detail)); }

// What every Python sandbox is granted; nothing else is visible.
wasi::WasiConfig pythonConfig(const PythonRuntimeOptions& options, const Request& request) {
  wasi::WasiConfig config;
  config.preopenDir((fs::path(options.home) / "lib").string(), std::string(kPythonLibGuestPath), true);
  config.preopenDir((fs::path(options.home) / "share" / "zoneinfo").string(), std::string(kZoneinfoGuestPath), true);
  if (!request.work_dir.empty()) config.preopenDir(request.work_dir, std::string(kWorkDir), false);
  for (const auto& [key, value] : request.env) config.env(key, value);
  wasi::WasiLimits limits;
  limits.max_fds = request.limits.max_fds;
  config.limits(limits);
  return config;
}

std::optional<uint64_t> memoryCap(const PythonRuntimeOptions& options, const Request& request) {
  return request.limits.memory_bytes.value_or(options.default_memory_bytes);
}

}  // namespace

PythonRuntime::~PythonRuntime() = default;
PythonSession::~PythonSession() = default;

Expect<std::unique_ptr<PythonRuntime>> PythonRuntime::create(Engine& engine, PythonRuntimeOptions options) {
  if (!isPythonHome(options.home))
    return std::unexpected(hostError(fmt::format("no CPython for WASI in \"{}\" (build it with python/build.sh)", options.home)));
  std::unique_ptr<PythonRuntime> runtime(new PythonRuntime(engine, std::move(options)));
  std::vector<uint8_t> bytes = WARDEN_TRY(readFileBytes((fs::path(runtime->options_.home) / "python.wasm").string()));
  runtime->module_ = WARDEN_TRY(compileModule(engine, bytes));
  return runtime;
}

Result PythonRuntime::run(std::string_view code, const Request& request) {
  // Until the snapshot driver lands: CPython's own main, `python -c CODE`,
  // in a fresh instance, changing to the work directory first.
  wasi::WasiConfig config = pythonConfig(options_, request);
  std::string source = request.work_dir.empty() ? std::string(code)
                                                : fmt::format("import os; os.chdir('{}')\n{}", kWorkDir, code);
  config.arg("python").arg("-c").arg(source);
  for (const std::string& a : request.args) config.arg(a);
  Limits limits = request.limits;
  limits.memory_bytes = memoryCap(options_, request);
  Expect<std::unique_ptr<Sandbox>> box = Sandbox::create(engine_, module_, std::move(config), limits.memory_bytes);
  if (!box) {
    Result failed;
    failed.exit_code = wasi::exit_status::kWardenError;
    failed.message = fmt::format("error: {}", box.error().message());
    return failed;
  }
  return (*box)->run("_start", {}, request.stdin_data, request.on_output, limits);
}

Expect<std::unique_ptr<PythonSession>> PythonRuntime::openSession(const Request& request) {
  return std::unexpected(hostError("Python sessions need the snapshot driver (not built yet)"));
}

Result PythonSession::run(std::string_view code, const Request& request) {
  Result failed;
  failed.message = "error: session not open";
  return failed;
}

}  // namespace warden::sandbox
