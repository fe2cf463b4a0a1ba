// The `warden` command: run, validate, inspect and the spec runner `wast`.
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/wast_runner.h"

namespace {

using namespace warden::cli;

constexpr const char* kExitCodesHelp =
    "Exit status: 0 success; 1 usage, I/O, decode, validation or link error;\n"
    "2 the guest trapped (or a fuel/interrupt limit stopped it).\n"
    "`warden wast` exits 1 when any assertion failed.";

struct RunArgs {
  std::string file;
  std::optional<std::string> invoke;
  std::vector<std::string> args;
};

struct WastArgs {
  std::vector<std::string> files;
  std::string testsuite_dir;
  WastOptions options;
  bool no_isolate = false;
};

int wastCommand(const WastArgs& args) {
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

int realMain(int argc, char** argv) {
  CLI::App app{"Warden: a WebAssembly sandbox runtime"};
  app.footer(kExitCodesHelp);
  app.require_subcommand(1);

  RunArgs run;
  CLI::App* run_cmd = app.add_subcommand("run", "Instantiate a module and call an export, printing its results");
  run_cmd->add_option("--invoke", run.invoke, "Export to call (default: _start)");
  run_cmd->add_option("file", run.file, "The .wasm module")->required();
  run_cmd->add_option("args", run.args, "Arguments, parsed by the export's parameter types");
  // Everything after the file is an argument, even "-1".
  run_cmd->positionals_at_end();
  run_cmd->footer("Exit status: 0 success; 1 usage, I/O, decode, validation or link error;\n"
                  "2 the guest trapped (or a fuel/interrupt limit stopped it).");

  std::string validate_file;
  CLI::App* validate_cmd = app.add_subcommand("validate", "Decode and validate a module; print `valid`");
  validate_cmd->add_option("file", validate_file, "The .wasm module")->required();

  std::string inspect_file;
  CLI::App* inspect_cmd = app.add_subcommand("inspect", "Print a module's sections, types, imports and exports");
  inspect_cmd->add_option("file", inspect_file, "The .wasm module")->required();

  WastArgs wast;
  CLI::App* wast_cmd = app.add_subcommand("wast", "Run spec testsuite scripts (.wast, converted by wabt's wast2json)");
  wast_cmd->add_option("files", wast.files, "Scripts to run");
  wast_cmd->add_option("--testsuite-dir", wast.testsuite_dir, "Run every DIR/*.wast (top level, sorted)");
  wast_cmd->add_option("-j,--jobs", wast.options.jobs, "Scripts run in parallel (default: number of cores)");
  wast_cmd->add_flag("--include-simd", wast.options.include_simd, "Also run simd_*.wast scripts");
  wast_cmd->add_option("--timeout", wast.options.timeout_seconds, "Seconds a script may run before it counts as hung");
  wast_cmd->add_flag("--no-isolate", wast.no_isolate, "Run scripts in this process (for debuggers) instead of forked children");
  wast_cmd->footer("Exit status: 0 when nothing failed, 1 otherwise.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int status = app.exit(e);
    return status == 0 ? kExitOk : kExitError;
  }

  if (*run_cmd) return runCommand(run.file, run.invoke, run.args);
  if (*validate_cmd) return validateCommand(validate_file);
  if (*inspect_cmd) return inspectCommand(inspect_file);
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
