// What `warden python [PYTHON ARGS]` asks CPython to run, read the way
// python3 reads its command line, and what the host must grant for it: a
// script named by its host path runs with its directory visible read-only
// at the same path, so sys.argv, __file__, sys.path[0] and tracebacks are
// what python3 shows.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runtime/error.h"

namespace warden::cli {

struct PythonProgram {
  enum class Kind {
    Source,  // -c CODE
    Module,  // -m MODULE
    Script,  // SCRIPT (a file, a directory or a zip with __main__.py)
    Other,   // CPython's own options, `-` (stdin) or none (the REPL): only a fresh start honours them
  };
  Kind kind = Kind::Other;
  std::string text;               // the code, the module's name, or the script's absolute host path
  std::vector<std::string> args;  // sys.argv[1:]
  // Script only: sys.argv[0] as typed, and the host directory made visible
  // read-only at the same guest path (the script's own, or itself for a
  // directory).
  std::string argv0;
  std::string script_dir;
  // Other: CPython's arguments with a script's path made absolute (CPython
  // resolves relative paths against the guest's cwd, "/").
  std::vector<std::string> fresh_args;
};

// Reads Python's part of the command line (everything after Warden's own
// options; a leading "--" is dropped). A script is a host path, unless it
// is an absolute path inside one of `guest_mounts` (the guest paths of
// --dir/--ro-dir: `--dir data::/data /data/job.py`), which the guest opens
// as it is. A host script that cannot be opened is an error naming its
// host path, as python3 names it.
Expect<PythonProgram> readPythonProgram(std::vector<std::string> args, const std::vector<std::string>& guest_mounts = {});

// The guest path of the host directory `host_cwd` through the mounts
// (HOST, GUEST pairs; the deepest host match wins), or nullopt when no
// mount covers it. A guest path "." means the root.
std::optional<std::string> guestPathOf(const std::string& host_path,
                                       const std::vector<std::pair<std::string, std::string>>& mounts);

}  // namespace warden::cli
