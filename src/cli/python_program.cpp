#include "cli/python_program.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

#include <fmt/format.h>

namespace warden::cli {

namespace fs = std::filesystem;

namespace {

// CPython's options that take a value (`-W arg`, `-Xdev`, `--check-hash-based-pycs always`).
bool takesValue(char option) { return option == 'W' || option == 'X'; }

// The script as python3 opens it: absolute (not symlink-resolved, as
// CPython 3.9+ makes __main__.__file__), checked for readability so the
// error names the host path instead of a guest path.
Expect<std::string> openableScript(const std::string& typed) {
  std::error_code ec;
  fs::path absolute = fs::absolute(typed, ec).lexically_normal();
  std::string path = absolute.string();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int error = errno;
    return fail(ErrorCode::InvalidArgument,
                fmt::format("can't open file '{}': [Errno {}] {}", path, error, std::strerror(error)));
  }
  ::close(fd);
  return path;
}

// The directory a script's neighbours are imported from: its own, or
// itself for a directory with __main__.py.
std::string scriptDirectory(const std::string& script) {
  std::error_code ec;
  if (fs::is_directory(script, ec)) return script;
  return fs::path(script).parent_path().string();
}

bool insideGuestMount(const std::string& path, const std::vector<std::string>& guest_mounts) {
  if (path.empty() || path[0] != '/') return false;
  for (const std::string& mount : guest_mounts) {
    if (mount == "/") return true;  // the guest's whole tree is a mount
    std::string root = mount;
    if (!root.empty() && root.back() == '/') root.pop_back();
    if (root.empty() || root[0] != '/') continue;  // "." and relative guest paths name no absolute prefix
    if (path.size() > root.size() && path.compare(0, root.size(), root) == 0 && path[root.size()] == '/') return true;
  }
  return false;
}

}  // namespace

Expect<PythonProgram> readPythonProgram(std::vector<std::string> args, const std::vector<std::string>& guest_mounts) {
  if (!args.empty() && args.front() == "--") args.erase(args.begin());
  PythonProgram program;
  program.fresh_args = args;
  bool options_seen = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-c" || arg == "-m") {
      if (i + 1 >= args.size())
        return fail(ErrorCode::InvalidArgument, fmt::format("Argument expected for the {} option", arg));
      if (!options_seen) {
        program.kind = arg == "-c" ? PythonProgram::Kind::Source : PythonProgram::Kind::Module;
        program.text = args[i + 1];
        program.args.assign(args.begin() + i + 2, args.end());
      }
      return program;
    }
    if (arg == "-" || arg.empty() || arg[0] != '-' || arg == "--") {
      size_t at = arg == "--" ? i + 1 : i;
      if (at >= args.size() || args[at] == "-") return program;  // the REPL or stdin
      if (insideGuestMount(args[at], guest_mounts)) {
        if (!options_seen) {
          program.kind = PythonProgram::Kind::Script;
          program.text = program.argv0 = args[at];
          program.args.assign(args.begin() + at + 1, args.end());
        }
        return program;
      }
      std::string script = WARDEN_TRY(openableScript(args[at]));
      program.script_dir = scriptDirectory(script);
      program.fresh_args[at] = script;
      if (!options_seen) {
        program.kind = PythonProgram::Kind::Script;
        program.text = script;
        program.argv0 = args[at];
        program.args.assign(args.begin() + at + 1, args.end());
      }
      return program;
    }
    // CPython's own options: -u, -I, -X dev, -Wd, --version, ...
    options_seen = true;
    if (arg.starts_with("--")) {
      if (arg == "--check-hash-based-pycs") ++i;
      continue;
    }
    for (size_t k = 1; k < arg.size(); ++k) {
      if (arg[k] == 'c' || arg[k] == 'm') {  // -uc CODE: the rest is the same as -c
        if (i + 1 >= args.size())
          return fail(ErrorCode::InvalidArgument, fmt::format("Argument expected for the -{} option", arg[k]));
        return program;
      }
      if (takesValue(arg[k])) {
        if (k + 1 == arg.size()) ++i;
        break;
      }
    }
  }
  return program;  // options only: the REPL
}

std::optional<std::string> guestPathOf(const std::string& host_path,
                                       const std::vector<std::pair<std::string, std::string>>& mounts) {
  std::error_code ec;
  fs::path target = fs::weakly_canonical(host_path, ec);
  std::optional<std::string> best;
  size_t best_depth = 0;
  for (const auto& [host, guest] : mounts) {
    fs::path root = fs::weakly_canonical(host, ec);
    if (ec) continue;
    fs::path relative = target.lexically_relative(root);
    if (relative.empty() || *relative.begin() == "..") continue;
    size_t depth = std::distance(root.begin(), root.end());
    if (best && depth < best_depth) continue;
    fs::path base = guest == "." ? fs::path("/") : fs::path(guest);
    if (base.is_relative()) base = fs::path("/") / base;
    fs::path mapped = relative == "." ? base : base / relative;
    best = mapped.lexically_normal().string();
    if (best->size() > 1 && best->back() == '/') best->pop_back();
    best_depth = depth;
  }
  return best;
}

}  // namespace warden::cli
