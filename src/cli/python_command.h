// `warden python`: CPython for WASI (built by python/build.sh) run through
// `warden run`'s machinery, with its standard library mounted read-only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace warden::cli {

// The memory cap when --max-memory is not given: enough for ordinary
// programs, small enough that a runaway allocation fails fast.
inline constexpr const char* kPythonDefaultMaxMemory = "512M";

// python3's status for a script it cannot open or a malformed command line.
inline constexpr int kPythonUsageStatus = 2;

// The modules the automatic snapshot imports before it is taken: what
// short programs most often import, so they cost nothing at run time.
inline constexpr const char* kDefaultPreload[] = {"json", "re", "math", "collections", "datetime"};

struct PythonOptions {
  RunOptions run;                          // file is set from the home; args are Python's
  std::optional<std::string> python_home;  // the recipe's output directory
  std::optional<std::string> snapshot;     // run restored from this snapshot file
  bool fresh = false;                      // start CPython from scratch, not from the cached snapshot
};

int pythonCommand(PythonOptions options);
struct PythonProgram;
// `warden python` from a snapshot: --snapshot FILE, else the one cached for
// the CPython build, made on first use (snapshot_command.cpp).
int pythonFromSnapshot(const PythonOptions& options, const PythonProgram& program);

// CLI11 rejects positionals after "--" on a prefix command, so for
// `warden python ... -- ARGS` the command line is parsed only up to the
// first "--". Returns that index (argc when there is none or the
// subcommand is not `python`).
int pythonArgvSplit(int argc, char** argv);

// Python's arguments: what CLI11 left unparsed (`unparsed`, in order), then
// argv after the split. A "--" that follows Python's first argument is
// Python's own and is kept.
std::vector<std::string> pythonArguments(std::vector<std::string> unparsed, int split, int argc, char** argv);

}  // namespace warden::cli
