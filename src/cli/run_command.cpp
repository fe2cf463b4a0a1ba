// `warden run` and `warden validate`.
//
// `warden run FILE.wasm [ARGS...]` runs a WASI command (its `_start`) with
// only what the options grant (preopened dirs, env vars) and under the given
// limits; `--invoke NAME` calls another export and prints its results.
// Exit statuses are those of wasi/run_outcome.h (docs/WASI.md).
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/option_parsing.h"
#include "support/host_io.h"
#include "cli/value_format.h"
#include "posix/thread_group.h"
#include "runtime/api.h"
#include "wasi/run_limits.h"
#include "wasi/run_outcome.h"
#include "wasi/wasi_context.h"

namespace warden::cli {

namespace {

void printError(std::string_view text) { std::fputs(fmt::format("warden: {}\n", text).c_str(), stderr); }

// Prints "warden: <phase> error: <message>" (or "warden: trap: ..."), and
// returns the matching exit status.
int reportError(const Error& error) {
  if (error.phase() == ErrorPhase::Trap || error.phase() == ErrorPhase::Limit) {
    printError(fmt::format("trap: {}", error.message()));
    return kExitTrap;
  }
  if (error.phase() == ErrorPhase::Host) {
    printError(fmt::format("error: {}", error.detail().empty() ? error.message() : error.detail()));
    return kExitError;
  }
  printError(fmt::format("{} error: {}", phaseName(error.phase()), error.message()));
  return kExitError;
}

Expect<std::vector<Value>> parseArguments(const FuncType& type, const std::vector<std::string>& args) {
  if (args.size() != type.params.size())
    return std::unexpected(Error(ErrorCode::InvalidArgument, fmt::format("expected {} argument(s) for {}, got {}",
                                                                          type.params.size(), funcTypeString(type), args.size())));
  std::vector<Value> values;
  for (size_t i = 0; i < args.size(); ++i) WARDEN_TRY(appendArgument(type.params[i], args[i], values));
  return values;
}

Expect<FunctionInstance*> findEntry(const Instance& instance, const std::optional<std::string>& invoke_name) {
  std::string name = invoke_name.value_or("_start");
  std::optional<Extern> ext = getExport(instance, name);
  if (!ext) {
    std::string hint = invoke_name ? "" : " (use --invoke NAME)";
    return std::unexpected(Error(ErrorCode::InvalidArgument, fmt::format("no export named \"{}\"{}", name, hint)));
  }
  if (ext->kind != ExternKind::Func || !ext->func)
    return std::unexpected(Error(ErrorCode::InvalidArgument, fmt::format("export \"{}\" is a {}, not a function", name, externKindName(ext->kind))));
  return ext->func;
}

// The WASI configuration the options grant: nothing else is visible.
Expect<wasi::WasiConfig> buildConfig(const RunOptions& options) {
  wasi::WasiConfig config;
  config.inheritStdio();
  config.arg(std::filesystem::path(options.file).filename().string());
  if (!options.invoke)
    for (const std::string& a : options.args) config.arg(a);
  for (const std::string& kv : options.env) {
    auto [key, value] = WARDEN_TRY(parseEnvOption(kv));
    config.env(std::move(key), std::move(value));
  }
  for (bool read_only : {false, true})
    for (const std::string& text : read_only ? options.ro_dirs : options.dirs) {
      DirOption dir = WARDEN_TRY(parseDirOption(text));
      config.preopenDir(dir.host, dir.guest, read_only);
    }
  wasi::WasiLimits limits;
  if (options.max_output) limits.max_output_bytes = WARDEN_TRY(wasi::parseSize(*options.max_output));
  if (options.max_write) limits.max_write_bytes = WARDEN_TRY(wasi::parseSize(*options.max_write));
  if (options.max_fds) limits.max_fds = *options.max_fds;
  config.limits(limits);
  return config;
}

// Applies --max-memory and --fuel to the Store.
Expect<void> applyStoreLimits(Store& store, const RunOptions& options) {
  if (options.max_memory) {
    uint64_t bytes = WARDEN_TRY(wasi::parseSize(*options.max_memory));
    store.setMemoryLimitPages(std::min<uint64_t>(bytes / kPageSize, kMaxPages));
  }
  if (options.fuel) store.setFuel(WARDEN_TRY(wasi::parseCount(*options.fuel)));
  return {};
}

int finish(const wasi::RunOutcome& outcome) {
  std::fflush(stdout);
  if (!outcome.message.empty()) printError(outcome.message);
  return outcome.exit_status;
}

int wardenError(const Error& error) {
  return finish({wasi::RunStop::Error, wasi::exit_status::kWardenError,
                 fmt::format("error: {}", error.phase() == ErrorPhase::Host && !error.detail().empty()
                                              ? error.detail()
                                              : fmt::format("{} error: {}", phaseName(error.phase()), error.message()))});
}

}  // namespace

int runCommand(const std::string& file, const std::optional<std::string>& invoke_name,
               const std::vector<std::string>& args) {
  RunOptions options;
  options.file = file;
  options.invoke = invoke_name;
  options.args = args;
  return runWasiCommand(options);
}

int runWasiCommand(const RunOptions& options) {
  Expect<wasi::WasiConfig> config = buildConfig(options);
  if (!config) return wardenError(config.error());
  std::optional<std::chrono::nanoseconds> timeout;
  if (options.timeout) {
    auto parsed = wasi::parseDuration(*options.timeout);
    if (!parsed) return wardenError(parsed.error());
    timeout = *parsed;
  }
  Expect<std::vector<uint8_t>> bytes = readFileBytes(options.file);
  if (!bytes) return wardenError(bytes.error());
  Engine engine;
  Expect<std::shared_ptr<const Module>> module = compileModule(engine, std::move(*bytes));
  if (!module) return wardenError(module.error());

  Store store(engine);
  if (auto applied = applyStoreLimits(store, options); !applied) return wardenError(applied.error());
  Expect<std::unique_ptr<wasi::WasiContext>> context = wasi::WasiContext::create(std::move(*config));
  if (!context) return wardenError(context.error());
  Linker linker;
  if (auto defined = wasi::defineWasi(linker, store, **context, module->get()); !defined)
    return wardenError(defined.error());
  if (auto defined = posix::defineImportedMemories(linker, store, **module); !defined)
    return wardenError(defined.error());
  // Guest threads, when the module can start them (wasi-threads).
  std::unique_ptr<posix::ThreadGroup> threads;
  if (posix::importsThreadSpawn(**module)) {
    threads = std::make_unique<posix::ThreadGroup>(store, *module, options.max_threads.value_or(posix::kDefaultMaxThreads));
    posix::defineThreadSpawn(linker, store, *threads);
    threads->setLinker(linker);
  }

  wasi::LimitLabels labels{options.timeout.value_or(""), options.max_memory.value_or(""),
                           options.max_output.value_or(""), options.max_write.value_or("")};
  std::unique_ptr<wasi::Watchdog> watchdog;
  if (timeout) watchdog = std::make_unique<wasi::Watchdog>(store, *timeout);

  Expect<Instance*> instance = linker.instantiate(store, *module);
  if (!instance) {
    const Error& e = instance.error();
    if (options.max_memory && e.code() == ErrorCode::HostError && e.detail().find("exceeds the limit") != std::string::npos)
      return finish({wasi::RunStop::MemoryLimit, wasi::exit_status::kMemoryLimit,
                     fmt::format("stopped: memory limit {} (the module's initial memory is larger)", *options.max_memory)});
    if (e.phase() == ErrorPhase::Trap || e.phase() == ErrorPhase::Limit || e.code() == ErrorCode::Exit ||
        e.code() == ErrorCode::OutputLimit || e.code() == ErrorCode::WriteLimit) {
      labels.timeout_fired = watchdog && watchdog->fired();
      return finish(wasi::classifyRun(std::unexpected(e), **context, labels));
    }
    return wardenError(e);
  }
  Expect<FunctionInstance*> entry = findEntry(**instance, options.invoke);
  if (!entry) return wardenError(entry.error());
  Expect<std::vector<Value>> values = options.invoke ? parseArguments(*(*entry)->type, options.args)
                                                     : parseArguments(*(*entry)->type, {});
  if (!values) return wardenError(values.error());

  // The main thread's end ends every other thread; one that ended the
  // sandbox first (proc_exit, a trap, a limit) decides how it ended.
  Expect<std::vector<Value>> results = posix::settleRun(threads.get(), invoke(store, **entry, *values));
  watchdog.reset();  // joins the thread
  Expect<void> ran = results ? Expect<void>{} : Expect<void>(std::unexpected(results.error()));
  labels.timeout_fired = false;
  if (!results && results.error().code() == ErrorCode::Interrupted) labels.timeout_fired = timeout.has_value();
  for (MemoryInstance* memory : (*instance)->memories)
    if (memory->grow_denied_by_limit) labels.memory_grow_denied = true;
  wasi::RunOutcome outcome = wasi::classifyRun(ran, **context, labels);
  if (results && options.invoke) {
    const std::vector<ValType>& types = (*entry)->type->results;
    for (const std::string& line : formatResults(types, *results)) std::puts(line.c_str());
  }
  return finish(outcome);
}

int validateCommand(const std::string& file) {
  Expect<std::vector<uint8_t>> bytes = readFileBytes(file);
  if (!bytes) return reportError(bytes.error());
  Expect<void> valid = validateModule(*bytes);
  if (!valid) return reportError(valid.error());
  std::puts("valid");
  return kExitOk;
}

}  // namespace warden::cli
