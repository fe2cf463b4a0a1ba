#include "sandbox/python_home.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

namespace warden::sandbox {

namespace fs = std::filesystem;

bool isPythonHome(const std::string& dir) {
  std::error_code ec;
  return fs::is_regular_file(fs::path(dir) / "python.wasm", ec) && fs::is_directory(fs::path(dir) / "lib" / "python3.11", ec);
}

namespace {

// Asks the recipe for its output directory, building it on first use.
// Empty when the script fails or is absent.
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

}  // namespace

std::string locatePythonHome(const std::optional<std::string>& flag) {
  if (flag) return *flag;
  if (const char* env = std::getenv("WARDEN_PYTHON_HOME"); env && *env) return env;
  return homeFromRecipe();
}

}  // namespace warden::sandbox
