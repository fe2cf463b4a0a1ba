// `warden snapshot create` and `warden python --snapshot FILE`.
//
//   warden snapshot create [--python-home DIR] [--preload json,re] -o FILE
// starts CPython once (python-driver.wasm), imports the preload modules and
// writes the state to FILE (docs/SNAPSHOTS.md).
//   warden python --snapshot FILE [run options] (-c CODE | -m MODULE | SCRIPT) [ARGS...]
// restores that state copy-on-write and runs the program, skipping
// CPython's start; same options, limits and exit statuses as without it.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <sys/stat.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/option_parsing.h"
#include "cli/python_command.h"
#include "sandbox/python_home.h"
#include "sandbox/python_runtime.h"
#include "sandbox/snapshot.h"
#include "wasi/run_limits.h"
#include "wasi/run_outcome.h"

namespace warden::cli {

namespace {

namespace fs = std::filesystem;
using sandbox::PythonEntry;

int fail(int status, const std::string& message) {
  std::fputs(fmt::format("warden: {}\n", message).c_str(), stderr);
  return status;
}

// The request `warden python`'s options describe.
Expect<sandbox::Request> requestFrom(const RunOptions& run) {
  sandbox::Request request;
  request.inherit_stdio = true;
  for (const std::string& kv : run.env) request.env.push_back(WARDEN_TRY(parseEnvOption(kv)));
  for (bool read_only : {false, true})
    for (const std::string& text : read_only ? run.ro_dirs : run.dirs) {
      DirOption dir = WARDEN_TRY(parseDirOption(text));
      request.mounts.push_back({dir.host, dir.guest, read_only});
    }
  sandbox::Limits& limits = request.limits;
  limits.memory_bytes = WARDEN_TRY(wasi::parseSize(run.max_memory.value_or(kPythonDefaultMaxMemory)));
  if (run.fuel) limits.fuel = WARDEN_TRY(wasi::parseCount(*run.fuel));
  if (run.timeout) limits.timeout = WARDEN_TRY(wasi::parseDuration(*run.timeout));
  if (run.max_output) limits.output_bytes = WARDEN_TRY(wasi::parseSize(*run.max_output));
  if (run.max_write) limits.write_bytes = WARDEN_TRY(wasi::parseSize(*run.max_write));
  if (run.max_fds) limits.max_fds = *run.max_fds;
  return request;
}

}  // namespace

int snapshotCreateCommand(const SnapshotCreateOptions& options) {
  std::string home = sandbox::locatePythonHome(options.python_home);
  if (home.empty()) return fail(kExitError, "error: no CPython for WASI found; build it with python/build.sh or pass --python-home DIR");
  Engine engine;
  auto started = std::chrono::steady_clock::now();
  auto runtime = sandbox::PythonRuntime::create(engine, {.home = home, .preload = options.preload});
  if (!runtime) return fail(kExitError, fmt::format("error: {}", runtime.error().detail().empty() ? runtime.error().message() : runtime.error().detail()));
  if (auto saved = (*runtime)->saveSnapshot(options.output); !saved) return fail(kExitError, fmt::format("error: {}", saved.error().detail()));
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  std::error_code ec;
  uint64_t on_disk = 0;
  if (struct stat info {}; ::stat(options.output.c_str(), &info) == 0) on_disk = uint64_t(info.st_blocks) * 512;
  std::printf("snapshot %s: CPython 3.11 with %s; %.1f MiB memory (%.1f MiB on disk); made in %.0f ms\n", options.output.c_str(),
              options.preload.empty() ? "no preloaded modules" : fmt::format("{}", fmt::join(options.preload, ", ")).c_str(),
              double((*runtime)->snapshot().memoryBytes()) / (1 << 20), double(on_disk) / (1 << 20), ms);
  return kExitOk;
}

int snapshotInfoCommand(const std::string& path) {
  auto snap = sandbox::Snapshot::load(path);
  if (!snap) return fail(kExitError, fmt::format("error: {}", snap.error().detail()));
  const nlohmann::json& meta = (*snap)->metadata();
  struct stat info {};
  ::stat(path.c_str(), &info);
  std::printf("snapshot:      %s\n", path.c_str());
  std::printf("module:        %s\n", (*snap)->moduleDigest().c_str());
  std::printf("python home:   %s\n", meta.value("python_home", std::string("(not recorded)")).c_str());
  std::printf("preloaded:     %s\n", fmt::format("{}", fmt::join(meta.value("preload", std::vector<std::string>{}), ", ")).c_str());
  std::printf("memory:        %.1f MiB (%.1f MiB on disk)\n", double((*snap)->memoryBytes()) / (1 << 20),
              double(uint64_t(info.st_blocks) * 512) / (1 << 20));
  std::printf("preopens:      %s\n", fmt::format("{}", fmt::join((*snap)->preopens(), ", ")).c_str());
  return kExitOk;
}

int pythonFromSnapshot(const PythonOptions& options) {
  const RunOptions& run = options.run;
  std::vector<std::string> args = run.args;
  if (!args.empty() && args.front() == "--") args.erase(args.begin());
  if (args.empty()) return fail(wasi::exit_status::kWardenError, "error: with --snapshot, give -c CODE, -m MODULE or a script");
  PythonEntry entry = PythonEntry::Path;
  std::string text = args.front();
  size_t consumed = 1;
  if (args.front() == "-c" || args.front() == "-m") {
    if (args.size() < 2) return fail(wasi::exit_status::kWardenError, fmt::format("error: {} needs an argument", args.front()));
    entry = args.front() == "-c" ? PythonEntry::Source : PythonEntry::Module;
    text = args[1];
    consumed = 2;
  } else if (args.front().starts_with("-")) {
    return fail(wasi::exit_status::kWardenError,
                fmt::format("error: with --snapshot, Python options such as {} are not available (only -c, -m or a script)", args.front()));
  }
  Expect<sandbox::Request> request = requestFrom(run);
  if (!request) return fail(wasi::exit_status::kWardenError, fmt::format("error: {}", request.error().detail()));
  request->args.assign(args.begin() + consumed, args.end());

  // The snapshot names its CPython build; --python-home or
  // $WARDEN_PYTHON_HOME override it.
  std::string home = options.python_home.value_or("");
  if (const char* env = std::getenv("WARDEN_PYTHON_HOME"); home.empty() && env) home = env;
  Engine engine;
  auto runtime = sandbox::PythonRuntime::create(engine, {.home = home, .snapshot_file = *options.snapshot});
  if (!runtime) {
    const Error& e = runtime.error();
    return fail(wasi::exit_status::kWardenError, fmt::format("error: {}", e.detail().empty() ? e.message() : e.detail()));
  }
  sandbox::Result result = (*runtime)->run(entry, text, *request);
  std::fflush(stdout);
  if (!result.message.empty()) fail(0, result.message);
  return result.exit_code;
}

}  // namespace warden::cli
