// The `warden` command: run, validate, inspect and the spec runner `wast`.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.h"
#include "cli/python_command.h"
#include "cli/wast_runner.h"
#include "posix/thread_group.h"

namespace {

using namespace warden::cli;

constexpr const char* kRunExitCodesHelp =
    "Exit status: the guest's own exit code (0 when _start returns); or\n"
    "  120 stopped: memory limit (the guest trapped after --max-memory refused memory.grow)\n"
    "  121 stopped: write limit (--max-write)\n"
    "  122 stopped: output limit (--max-output)\n"
    "  123 stopped: fuel exhausted (--fuel)\n"
    "  124 stopped: timeout (--timeout)\n"
    "  125 warden's own error: usage, I/O, decode, validation or link\n"
    "  134 the guest trapped (unreachable, out of bounds, call stack exhausted, ...)\n"
    "Each stop prints one line on stderr, e.g. `warden: stopped: timeout after 2s`.\n"
    "SIZE: bytes, or with K/M/G (powers of 1024). DURATION: 500ms, 2s, 1.5s, 2m.";

constexpr const char* kPythonHelp =
    "Python's arguments are python3's: -c CODE, -m MODULE or SCRIPT, then sys.argv[1:].\n"
    "SCRIPT is a host path (relative or absolute): its directory is visible read-only at\n"
    "the same path, so modules next to it import; nothing else is granted by it (no\n"
    "write access, no other directory: use --dir/--ro-dir). The working directory is\n"
    "the host's when a mount shows it, else /.\n"
    "Start: -c, -m and scripts restore a snapshot of started CPython kept in the cache\n"
    "($WARDEN_CACHE, else ~/.cache/warden; made on first use); CPython's own options\n"
    "(-u, -I, -X ...), PYTHON* variables (--env PYTHONPATH=...), stdin, the REPL and\n"
    "--fresh start python.wasm from scratch.\n\n";

constexpr const char* kExitCodesHelp =
    "Exit status: 0 success; 1 usage, I/O, decode, validation or link error;\n"
    "2 the guest trapped (or a fuel/interrupt limit stopped it).\n"
    "`warden wast` exits 1 when any assertion failed.";

struct WastArgs {
  std::vector<std::string> files;
  std::string testsuite_dir;
  WastOptions options;
  bool no_isolate = false;
  int report_fd = -1;    // set: this process is an isolated child (wast_driver.cpp)
  std::string work_dir;  // the child's
};

int wastCommand(const WastArgs& args) {
  if (args.report_fd >= 0) {
    if (args.files.size() != 1 || args.work_dir.empty()) {
      std::fputs("warden: error: --report-fd runs one script and needs --work-dir\n", stderr);
      return kExitError;
    }
    return runWastChild(args.report_fd, args.files[0], args.work_dir, args.options);
  }
  std::vector<std::string> paths = args.files;
  if (!args.testsuite_dir.empty()) {
    auto listed = listTestsuite(args.testsuite_dir);
    if (!listed) {
      std::fputs(fmt::format("warden: error: {}\n", listed.error().detail()).c_str(), stderr);
      return kExitError;
    }
    paths.insert(paths.end(), listed->begin(), listed->end());
  }
  if (paths.empty()) {
    std::fputs("warden: error: no .wast scripts given (pass files or --testsuite-dir DIR)\n", stderr);
    return kExitError;
  }
  WastOptions options = args.options;
  options.isolate = !args.no_isolate;
  return runWastScripts(paths, options);
}

// The plain forms `warden run [--invoke NAME] FILE [ARGS...]`, parsed without
// CLI11: building its option table for every subcommand was a third of the
// start-up of `warden run hello.wasm` (callgrind). Anything else — another
// option, --help, a file name starting with '-' — goes through CLI11, which
// parses these forms the same way (everything after FILE is an argument).
std::optional<RunOptions> plainRunCommand(int argc, char** argv) {
  if (argc < 3 || std::string_view(argv[1]) != "run") return std::nullopt;
  RunOptions run;
  int i = 2;
  if (std::string_view(argv[i]) == "--invoke") {
    if (argc < 5 || argv[3][0] == '-') return std::nullopt;
    run.invoke = argv[3];
    i = 4;
  }
  if (argv[i][0] == '-' || argv[i][0] == '\0') return std::nullopt;
  run.file = argv[i];
  run.args.assign(argv + i + 1, argv + argc);
  return run;
}

int realMain(int argc, char** argv) {
  if (std::optional<RunOptions> run = plainRunCommand(argc, argv)) return runWasiCommand(*run);

  CLI::App app{"Warden: a WebAssembly sandbox runtime"};
  app.footer(kExitCodesHelp);
  app.require_subcommand(1);

  RunOptions run;
  CLI::App* run_cmd = app.add_subcommand("run", "Run a WASI command (_start), or call an export with --invoke");
  run_cmd->add_option("--invoke", run.invoke, "Export to call instead of _start; prints its results");
  run_cmd->add_option("--dir", run.dirs, "Preopen HOST::GUEST (or PATH) read-write")->type_name("HOST::GUEST")->allow_extra_args(false);
  run_cmd->add_option("--ro-dir", run.ro_dirs, "Preopen HOST::GUEST (or PATH) read-only")->type_name("HOST::GUEST")->allow_extra_args(false);
  run_cmd->add_option("--env", run.env, "Pass one environment variable")->type_name("KEY=VALUE")->allow_extra_args(false);
  run_cmd->add_option("--max-memory", run.max_memory, "Cap on linear memory (memory.grow beyond returns -1)")->type_name("SIZE");
  run_cmd->add_option("--fuel", run.fuel, "Instruction budget (loop iterations and calls)")->type_name("N");
  run_cmd->add_option("--timeout", run.timeout, "Wall-clock limit")->type_name("DURATION");
  run_cmd->add_option("--max-output", run.max_output, "Cap on stdout+stderr bytes")->type_name("SIZE");
  run_cmd->add_option("--max-write", run.max_write, "Cap on bytes written to files")->type_name("SIZE");
  run_cmd->add_option("--max-fds", run.max_fds, "Cap on open descriptors (stdio and preopens included)")->type_name("N");
  run_cmd->add_option("--max-threads", run.max_threads, fmt::format("Cap on guest threads running besides the main one (default {}); thread-spawn beyond it fails with EAGAIN", warden::posix::kDefaultMaxThreads))->type_name("N");
  run_cmd->add_option("file", run.file, "The .wasm module")->required();
  run_cmd->add_option("args", run.args, "The guest's arguments (with --invoke: the export's, parsed by its parameter types)");
  // Everything after the file is an argument, even "-1" or "--help".
  run_cmd->positionals_at_end();
  run_cmd->footer(kRunExitCodesHelp);

  PythonOptions python;
  CLI::App* python_cmd = app.add_subcommand("python", "Run CPython for WASI (python/build.sh) with its standard library read-only");
  python_cmd->add_option("--python-home", python.python_home, "The recipe's output (default: $WARDEN_PYTHON_HOME, else python/build.sh)")->type_name("DIR");
  python_cmd->add_option("--dir", python.run.dirs, "Preopen HOST::GUEST (or PATH) read-write")->type_name("HOST::GUEST")->allow_extra_args(false);
  python_cmd->add_option("--ro-dir", python.run.ro_dirs, "Preopen HOST::GUEST (or PATH) read-only")->type_name("HOST::GUEST")->allow_extra_args(false);
  python_cmd->add_option("--env", python.run.env, "Pass one environment variable")->type_name("KEY=VALUE")->allow_extra_args(false);
  python_cmd->add_option("--max-memory", python.run.max_memory, fmt::format("Cap on linear memory (default {}); beyond it Python raises MemoryError", kPythonDefaultMaxMemory))->type_name("SIZE");
  python_cmd->add_option("--fuel", python.run.fuel, "Instruction budget (loop iterations and calls)")->type_name("N");
  python_cmd->add_option("--timeout", python.run.timeout, "Wall-clock limit")->type_name("DURATION");
  python_cmd->add_option("--max-output", python.run.max_output, "Cap on stdout+stderr bytes")->type_name("SIZE");
  python_cmd->add_option("--max-write", python.run.max_write, "Cap on bytes written to files")->type_name("SIZE");
  python_cmd->add_option("--max-fds", python.run.max_fds, "Cap on open descriptors (stdio and preopens included)")->type_name("N");
  python_cmd->add_option("--max-threads", python.run.max_threads, fmt::format("Cap on threads running besides the main one (default {}); beyond it starting a thread raises RuntimeError", warden::posix::kDefaultMaxThreads))->type_name("N");
  python_cmd->add_option("--snapshot", python.snapshot, "Start from this snapshot (`warden snapshot create`) instead of the cached one")->type_name("FILE");
  python_cmd->add_flag("--fresh", python.fresh, "Start CPython from scratch instead of from the cached snapshot");
  // Python's arguments, [-c CODE | -m MODULE | SCRIPT] [ARGS...]: from the first
  // one Warden does not know (or after "--"), everything goes to Python as is.
  python_cmd->prefix_command();
  python_cmd->footer(std::string(kPythonHelp) + kRunExitCodesHelp);

  ServeOptions serve;
  CLI::App* serve_cmd = app.add_subcommand("serve", "Run the HTTP execution service (docs/SERVICE.md)");
  serve_cmd->add_option("--listen", serve.listen, "Address to listen on (default 127.0.0.1:8080; port 0: any free port)")->type_name("HOST:PORT");
  serve_cmd->add_option("--config", serve.config, "JSON config: tenants, API keys, limits (none: one dev tenant, key printed)")->type_name("FILE");
  serve_cmd->add_option("--python-home", serve.python_home, "The recipe's output (default: $WARDEN_PYTHON_HOME, else python/build.sh)")->type_name("DIR");
  serve_cmd->add_option("--workers", serve.workers, "Execution threads (default: one per core)")->type_name("N");

  SnapshotCreateOptions snapshot;
  CLI::App* snapshot_cmd = app.add_subcommand("snapshot", "Snapshots of an initialised CPython (docs/SNAPSHOTS.md)");
  snapshot_cmd->require_subcommand(1);
  CLI::App* snapshot_create = snapshot_cmd->add_subcommand("create", "Start CPython once, import modules, save the state to a file");
  snapshot_create->add_option("-o,--output", snapshot.output, "The snapshot file to write")->required()->type_name("FILE");
  snapshot_create->add_option("--preload", snapshot.preload, "Modules to import first (comma-separated)")->delimiter(',')->type_name("MODULES");
  snapshot_create->add_option("--python-home", snapshot.python_home, "The recipe's output (default: $WARDEN_PYTHON_HOME, else python/build.sh)")->type_name("DIR");
  std::string snapshot_info_file;
  CLI::App* snapshot_info = snapshot_cmd->add_subcommand("info", "Print what a snapshot file holds");
  snapshot_info->add_option("file", snapshot_info_file, "The snapshot file")->required();

  std::string validate_file;
  CLI::App* validate_cmd = app.add_subcommand("validate", "Decode and validate a module; print `valid`");
  validate_cmd->add_option("file", validate_file, "The .wasm module")->required();

  std::string inspect_file;
  CLI::App* inspect_cmd = app.add_subcommand("inspect", "Print a module's sections, types, imports and exports");
  inspect_cmd->add_option("file", inspect_file, "The .wasm module")->required();
  InspectOptions inspect_options;
  inspect_cmd->add_flag("--code", inspect_options.code, "Print the interpreter's internal code of each defined function");
  inspect_cmd->add_option("--function", inspect_options.function, "With --code: only this function (module index)");

  WastArgs wast;
  CLI::App* wast_cmd = app.add_subcommand("wast", "Run spec testsuite scripts (.wast, converted by wabt's wast2json)");
  wast_cmd->add_option("files", wast.files, "Scripts to run");
  wast_cmd->add_option("--testsuite-dir", wast.testsuite_dir, "Run every DIR/*.wast (top level, sorted)");
  wast_cmd->add_option("-j,--jobs", wast.options.jobs, "Scripts run in parallel (default: number of cores)");
  wast_cmd->add_flag("--include-simd", wast.options.include_simd, "Also run simd_*.wast scripts");
  wast_cmd->add_option("--timeout", wast.options.timeout_seconds, "Seconds a script may run before it counts as hung");
  wast_cmd->add_flag("--enable-threads", wast.options.threads, "Accept the threads proposal (shared memories, atomics): for proposals/threads");
  wast_cmd->add_flag("--lazy", wast.options.lazy, "Run modules with function bodies compiled on first call (as snapshot restores do)");
  wast_cmd->add_flag("--no-isolate", wast.no_isolate, "Run scripts in this process (for debuggers) instead of child processes");
  // The isolated mode's children (not for people): hidden.
  wast_cmd->add_option("--report-fd", wast.report_fd)->group("");
  wast_cmd->add_option("--work-dir", wast.work_dir)->group("");
  wast_cmd->footer("Exit status: 0 when nothing failed, 1 otherwise.");

  // CLI11 would take an unknown first word for an extra argument, and with
  // --help print the top-level help and exit 0: name the mistake instead.
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> names;
    const std::function<bool(CLI::App*)> every = [](CLI::App*) { return true; };
    for (const CLI::App* sub : app.get_subcommands(every)) names.push_back(sub->get_name());
    if (std::find(names.begin(), names.end(), argv[1]) == names.end()) {
      std::fputs(fmt::format("warden: error: unknown command \"{}\"; the commands are: {}\n"
                             "Run `warden --help` for what each does.\n",
                             argv[1], fmt::join(names, ", "))
                     .c_str(),
                 stderr);
      return kExitUsage;
    }
  }

  try {
    app.parse(pythonArgvSplit(argc, argv), argv);
  } catch (const CLI::ParseError& e) {
    int status = app.exit(e);
    // `warden run` reserves small statuses for the guest: its usage errors are 125.
    bool is_run = argc > 1 && (std::string(argv[1]) == "run" || std::string(argv[1]) == "python");
    return status == 0 ? kExitOk : is_run ? 125 : kExitError;
  }

  if (*run_cmd) return runWasiCommand(run);
  if (*python_cmd) {
    python.run.args = pythonArguments(python_cmd->remaining(), pythonArgvSplit(argc, argv), argc, argv);
    return pythonCommand(python);
  }
  if (*serve_cmd) return serveCommand(serve);
  if (*snapshot_create) return snapshotCreateCommand(snapshot);
  if (*snapshot_info) return snapshotInfoCommand(snapshot_info_file);
  if (*validate_cmd) return validateCommand(validate_file);
  if (*inspect_cmd) return inspectCommand(inspect_file, inspect_options);
  if (*wast_cmd) return wastCommand(wast);
  return kExitError;
}

}  // namespace

int main(int argc, char** argv) {
  // Errors are values throughout; this only guards against library
  // exceptions (e.g. std::bad_alloc) turning into an abort.
  try {
    return realMain(argc, argv);
  } catch (const std::exception& e) {
    std::fputs(fmt::format("warden: internal error: {}\n", e.what()).c_str(), stderr);
    return kExitError;
  }
}
