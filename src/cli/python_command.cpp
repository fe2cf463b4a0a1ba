// `warden python [OPTIONS] [-c CODE | -m MODULE | SCRIPT] [ARGS...]`
//
// Runs CPython for WASI (python/build.sh) with `warden run`'s options and
// limits, plus what CPython needs:
//   HOME/lib            read-only at /usr/local/lib (the configured prefix)
//   HOME/share/zoneinfo read-only at /usr/share/zoneinfo (zoneinfo's tz data)
//   a script's directory read-only at its own path (python_program.h)
// and a default memory cap. Nothing else is granted: no other host
// directories, no host environment.
//
// -c, -m and scripts start from a snapshot kept in Warden's cache (made on
// first use: snapshot_command.cpp); CPython's own options, stdin and the
// REPL, or --fresh, start python.wasm from scratch.
#include "cli/python_command.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "cli/option_parsing.h"
#include "cli/python_program.h"
#include "sandbox/python_home.h"

namespace warden::cli {

namespace fs = std::filesystem;

int pythonArgvSplit(int argc, char** argv) {
  if (argc < 2 || std::string_view(argv[1]) != "python") return argc;
  for (int i = 2; i < argc; ++i)
    if (std::string_view(argv[i]) == "--") return i;
  return argc;
}

std::vector<std::string> pythonArguments(std::vector<std::string> unparsed, int split, int argc, char** argv) {
  if (split >= argc) return unparsed;
  if (!unparsed.empty()) unparsed.push_back("--");
  for (int i = split + 1; i < argc; ++i) unparsed.emplace_back(argv[i]);
  return unparsed;
}

int pythonCommand(PythonOptions options) {
  RunOptions& run = options.run;
  std::vector<std::string> guest_mounts;
  for (const std::vector<std::string>* dirs : {&run.dirs, &run.ro_dirs})
    for (const std::string& text : *dirs)
      if (Expect<DirOption> dir = parseDirOption(text)) guest_mounts.push_back(dir->guest);
  Expect<PythonProgram> program = readPythonProgram(run.args, guest_mounts);
  if (!program) {
    std::fputs(fmt::format("warden python: {}\n", program.error().detail()).c_str(), stderr);
    return kPythonUsageStatus;
  }
  if (!program->script_dir.empty()) {
    // The script's directory, read-only at its own path: its neighbours
    // import, and __file__ and tracebacks name host paths.
    if (program->script_dir == "/") {
      std::fputs("warden python: the script is in /, which cannot be granted; put it in a directory of its own\n", stderr);
      return kPythonUsageStatus;
    }
    run.ro_dirs.push_back(fmt::format("{}::{}", program->script_dir, program->script_dir));
  }
  // CPython reads its PYTHON* variables (PYTHONPATH, PYTHONHASHSEED, ...)
  // when it starts, which a snapshot did already: only a fresh start
  // honours them.
  std::string startup_variable;
  for (const std::string& kv : run.env)
    if (kv.starts_with("PYTHON")) startup_variable = kv.substr(0, kv.find('='));
  if (options.snapshot && !startup_variable.empty())
    std::fputs(fmt::format("warden: warning: {} is read when CPython starts; the snapshot started it already, so it "
                           "has no effect (leave out --snapshot to honour it)\n",
                           startup_variable)
                   .c_str(),
               stderr);
  if (options.snapshot ||
      (!options.fresh && startup_variable.empty() && program->kind != PythonProgram::Kind::Other))
    return pythonFromSnapshot(options, *program);

  std::string home = sandbox::locatePythonHome(options.python_home);
  if (home.empty() || !sandbox::isPythonHome(home)) {
    std::fputs(fmt::format("warden: error: no CPython for WASI found{}{}; build it with python/build.sh "
                           "or pass --python-home DIR\n",
                           home.empty() ? "" : " in ", home)
                   .c_str(),
               stderr);
    return kExitError;
  }
  run.file = (fs::path(home) / "python.wasm").string();
  run.invoke.reset();
  run.args = program->fresh_args;
  // Listed first so that the caller's own --dir/--ro-dir come after them.
  run.ro_dirs.insert(run.ro_dirs.begin(), {fmt::format("{}::{}", (fs::path(home) / "lib").string(), sandbox::kPythonLibGuestPath),
                                           fmt::format("{}::{}", (fs::path(home) / "share" / "zoneinfo").string(), sandbox::kZoneinfoGuestPath)});
  if (!run.max_memory) run.max_memory = kPythonDefaultMaxMemory;
  return runWasiCommand(run);
}

}  // namespace warden::cli
