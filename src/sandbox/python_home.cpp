#include "sandbox/python_home.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

namespace warden::sandbox {

namespace fs = std::filesystem;

bool isPythonHome(const std::string& dir) {
  std::error_code ec;
  return fs::is_regular_file(fs::path(dir) / "python.wasm", ec) && fs::is_directory(fs::path(dir) / "lib" / "python3.11", ec);
}

std::string wardenCacheRoot() {
  if (const char* cache = std::getenv("WARDEN_CACHE"); cache && *cache) return cache;
  const char* home = std::getenv("HOME");
  return (fs::path(home && *home ? home : "/tmp") / ".cache" / "warden").string();
}

namespace {

// python/build.sh's stamp ($CACHE/python-home.stamp): "FILE\tSIZE\tMTIME"
// for each recipe file (MTIME as `stat -c %.9Y` prints it), then
// "home\tDIR". Running the script costs milliseconds of bash at every
// start; while no recipe file changed its size or mtime, its answer is the
// stamp's. Empty when the stamp is missing, stale or names no build.
std::string homeFromStamp() {
#ifdef WARDEN_SOURCE_DIR
  // Only a stamp of this checkout's recipe (another checkout may share the
  // cache): python/ and the threaded sysroot's recipe (sysroot/, scripts/).
  const std::string recipe_dir = fs::path(WARDEN_SOURCE_DIR).string() + "/";
#else
  return {};
#endif
  std::ifstream stamp(fs::path(wardenCacheRoot()) / "python-home.stamp");
  std::string line, home;
  bool checked_any = false;
  while (std::getline(stamp, line)) {
    size_t tab1 = line.find('\t');
    if (tab1 == std::string::npos) return {};
    if (line.compare(0, tab1, "home") == 0) {
      home = line.substr(tab1 + 1);
      break;
    }
    size_t tab2 = line.find('\t', tab1 + 1);
    if (tab2 == std::string::npos) return {};
    if (line.compare(0, recipe_dir.size(), recipe_dir) != 0) return {};
    struct stat info {};
    if (::stat(line.substr(0, tab1).c_str(), &info) != 0) return {};
    std::string now = fmt::format("{}\t{}.{:09}", info.st_size, info.st_mtim.tv_sec, info.st_mtim.tv_nsec);
    if (line.compare(tab1 + 1, std::string::npos, now) != 0) return {};
    checked_any = true;
  }
  std::error_code ec;
  if (!checked_any || home.empty() || !isPythonHome(home) || !fs::is_regular_file(fs::path(home) / "python-driver.wasm", ec)) return {};
  return home;
}

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
  if (std::string home = homeFromStamp(); !home.empty()) return home;
  return homeFromRecipe();
}

}  // namespace warden::sandbox
