// `warden snapshot create` and `warden python --snapshot FILE`.
//
//   warden snapshot create [--python-home DIR] [--preload json,re] -o FILE
// starts CPython once (python-driver.wasm), imports the preload modules and
// writes the state to FILE (docs/SNAPSHOTS.md).
//   warden python [--snapshot FILE] [run options] (-c CODE | -m MODULE | SCRIPT) [ARGS...]
// restores that state copy-on-write and runs the program, skipping
// CPython's start; same options, limits and exit statuses as a fresh start.
// Without --snapshot the file is the one cached for the CPython build
// (made on first use).
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
#include "cli/python_program.h"
#include "sandbox/module_digest.h"
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
  if (run.max_threads) limits.max_threads = *run.max_threads;
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

// The automatic snapshot's file: one per CPython build and preload list
// (and layout of this code: bump kAutoSnapshotLayout when what a snapshot
// holds changes). A file made from another build of the same home is
// detected by its module digest and made again.
std::string autoSnapshotPath(const std::string& home, const std::vector<std::string>& preload) {
  constexpr int kAutoSnapshotLayout = 3;
  std::string key = fmt::format("layout {}\nhome {}\npreload {}\n", kAutoSnapshotLayout, home, fmt::join(preload, ","));
  std::string digest = sandbox::moduleDigest({reinterpret_cast<const uint8_t*>(key.data()), key.size()});
  return (fs::path(sandbox::wardenCacheRoot()) / "snapshots" / fmt::format("python-{}.snapshot", sandbox::shortDigest(digest))).string();
}

int pythonFromSnapshot(const PythonOptions& options, const PythonProgram& program) {
  if (program.kind == PythonProgram::Kind::Other)
    return fail(wasi::exit_status::kWardenError,
                "error: with --snapshot, give -c CODE, -m MODULE or a script (CPython's own options, stdin and the "
                "REPL need a fresh start: leave out --snapshot)");
  PythonEntry entry = program.kind == PythonProgram::Kind::Source   ? PythonEntry::Source
                      : program.kind == PythonProgram::Kind::Module ? PythonEntry::Module
                                                                    : PythonEntry::Path;
  Expect<sandbox::Request> request = requestFrom(options.run);
  if (!request) return fail(wasi::exit_status::kWardenError, fmt::format("error: {}", request.error().detail()));
  request->args = program.args;
  request->argv0 = program.argv0;
  // The host's working directory, where a mount makes it visible (python3's
  // cwd: relative paths and -m's sys.path[0]); else the guest's root.
  std::vector<std::pair<std::string, std::string>> mounts;
  for (const sandbox::Mount& mount : request->mounts) mounts.emplace_back(mount.host_path, mount.guest_path);
  std::error_code ec;
  if (auto cwd = guestPathOf(fs::current_path(ec).string(), mounts); cwd && !ec) request->cwd = *cwd;

  Engine engine;
  sandbox::PythonRuntimeOptions runtime_options;
  runtime_options.code_cache_dir = (fs::path(sandbox::wardenCacheRoot()) / "code").string();
  if (options.snapshot) {
    // The snapshot names its CPython build; --python-home or
    // $WARDEN_PYTHON_HOME override it.
    runtime_options.home = options.python_home.value_or("");
    if (const char* env = std::getenv("WARDEN_PYTHON_HOME"); runtime_options.home.empty() && env) runtime_options.home = env;
    runtime_options.snapshot_file = *options.snapshot;
  } else {
    runtime_options.home = sandbox::locatePythonHome(options.python_home);
    if (runtime_options.home.empty() || !sandbox::isPythonHome(runtime_options.home))
      return fail(wasi::exit_status::kWardenError,
                  fmt::format("error: no CPython for WASI found{}{}; build it with python/build.sh or pass --python-home DIR",
                              runtime_options.home.empty() ? "" : " in ", runtime_options.home));
    runtime_options.home = fs::absolute(runtime_options.home, ec).lexically_normal().string();
    runtime_options.preload.assign(std::begin(kDefaultPreload), std::end(kDefaultPreload));
    runtime_options.cache_file = autoSnapshotPath(runtime_options.home, runtime_options.preload);
    runtime_options.on_making_cache = [path = runtime_options.cache_file](const std::string& why) {
      fail(0, fmt::format("making the Python snapshot {} ({}; once per CPython build, later starts restore it)", path, why));
    };
  }
  auto runtime = sandbox::PythonRuntime::create(engine, std::move(runtime_options));
  if (!runtime) {
    const Error& e = runtime.error();
    return fail(wasi::exit_status::kWardenError, fmt::format("error: {}", e.detail().empty() ? e.message() : e.detail()));
  }
  if (!(*runtime)->cacheError().empty())
    fail(0, fmt::format("warning: the snapshot could not be cached ({}); the next start makes it again", (*runtime)->cacheError()));
  sandbox::Result result = (*runtime)->run(entry, program.text, *request);
  // The process ends here: freeing CPython's module and its ~10,000
  // functions one by one was a tenth of a start's instructions. (Under
  // AddressSanitizer it is freed, so the leak check still sees real leaks.)
#ifndef __SANITIZE_ADDRESS__
  (void)runtime->release();
#endif
  std::fflush(stdout);
  if (!result.message.empty()) fail(0, result.message);
  return result.exit_code;
}

}  // namespace warden::cli
