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

namespace warden::cli {

namespace {

namespace fs = std::filesystem;

bool isPythonHome(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "python.wasm", ec) && fs::is_directory(dir / "lib" / "python3.11", ec);
}

// Asks the recipe for its output directory, building it on first use (its
// progress goes to stderr). Empty when the script fails or is absent.
std::string homeFromRecipe() {
#ifdef WARDEN_SOURCE_DIR
  fs::path script = fs::path(WARDEN_SOURCE_DIR) / "python" / "build.sh";
  std::error_code ec;
  if (!fs::is_regular_file(script, ec)) return {};
  std::string command = fmt::format("'{}' --print-dir", script.string());
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return {};
  std::string output;
  char buffer[512];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  if (pclose(pipe) != 0) return {};
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
  size_t last_line = output.rfind('\n');
  return last_line == std::string::npos ? output : output.substr(last_line + 1);
#else
  return {};
#endif
}

// --python-home, else $WARDEN_PYTHON_HOME, else python/build.sh --print-dir.
std::string locateHome(const std::optional<std::string>& flag) {
  if (flag) return *flag;
  if (const char* env = std::getenv("WARDEN_PYTHON_HOME"); env && *env) return env;
  return homeFromRecipe();
}

}  // namespace

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
  std::string home = locateHome(options.python_home);
  if (home.empty() || !isPythonHome(home)) {
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
  run.ro_dirs.insert(run.ro_dirs.begin(), {(fs::path(home) / "lib").string() + "::/usr/local/lib",
                                           (fs::path(home) / "share" / "zoneinfo").string() + "::/usr/share/zoneinfo"});
  if (!run.max_memory) run.max_memory = kPythonDefaultMaxMemory;
  return runWasiCommand(run);
}

}  // namespace warden::cli
