// `warden python [OPTIONS] [-c CODE | -m MODULE | SCRIPT] [ARGS...]`
//
// Runs the recipe's python.wasm (python/build.sh) exactly as `warden run`
// would, with the same options, plus what CPython needs to start:
//   HOME/lib            read-only at /usr/local/lib (the configured prefix)
//   HOME/share/zoneinfo read-only at /usr/share/zoneinfo (zoneinfo's tz data)
// and a default memory cap. Nothing else is granted: no host directories, no
// host environment.
#include "cli/python_command.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include <fmt/format.h>

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
  if (options.snapshot) return pythonFromSnapshot(options);
  std::string home = sandbox::locatePythonHome(options.python_home);
  if (home.empty() || !sandbox::isPythonHome(home)) {
    std::fputs(fmt::format("warden: error: no CPython for WASI found{}{}; build it with python/build.sh "
                           "or pass --python-home DIR\n",
                           home.empty() ? "" : " in ", home)
                   .c_str(),
               stderr);
    return kExitError;
  }
  RunOptions& run = options.run;
  run.file = (fs::path(home) / "python.wasm").string();
  run.invoke.reset();
  // Listed first so that the caller's own --dir/--ro-dir come after them.
  run.ro_dirs.insert(run.ro_dirs.begin(), {fmt::format("{}::{}", (fs::path(home) / "lib").string(), sandbox::kPythonLibGuestPath),
                                           fmt::format("{}::{}", (fs::path(home) / "share" / "zoneinfo").string(), sandbox::kZoneinfoGuestPath)});
  if (!run.max_memory) run.max_memory = kPythonDefaultMaxMemory;
  return runWasiCommand(run);
}

}  // namespace warden::cli
