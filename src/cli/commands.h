// The `warden` subcommands, each returning the process exit status.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace warden::cli {

// Exit statuses shared by the subcommands (also listed in `warden --help`).
constexpr int kExitOk = 0;
constexpr int kExitError = 1;  // usage, I/O, decode, validation or link error
constexpr int kExitTrap = 2;   // the guest trapped (or a limit stopped it)
constexpr int kExitUsage = 125;  // an unknown command (as `warden run` reports its usage errors)

int runCommand(const std::string& file, const std::optional<std::string>& invoke_name,
               const std::vector<std::string>& args);

// `warden run` with WASI and limits (run_command.cpp; docs/WASI.md).
struct RunOptions {
  std::string file;
  std::optional<std::string> invoke;   // call this export instead of the WASI command's _start
  std::vector<std::string> args;       // the guest's argv[1..] (or the export's arguments)
  std::vector<std::string> dirs;       // HOST::GUEST or PATH, read-write
  std::vector<std::string> ro_dirs;    // HOST::GUEST or PATH, read-only
  std::vector<std::string> env;        // KEY=VALUE
  std::optional<std::string> max_memory, fuel, timeout, max_output, max_write;
  std::optional<uint32_t> max_fds;
  std::optional<uint32_t> max_threads;  // guest threads besides the main one (posix::kDefaultMaxThreads)
};
int runWasiCommand(const RunOptions& options);
int validateCommand(const std::string& file);
struct InspectOptions {
  bool code = false;                  // print the interpreter's internal code instead of the summary
  std::optional<uint32_t> function;   // only this function (module index)
};
int inspectCommand(const std::string& file, const InspectOptions& options);

// `warden snapshot create`: CPython started once, saved (snapshot_command.cpp;
// docs/SNAPSHOTS.md).
struct SnapshotCreateOptions {
  std::optional<std::string> python_home;
  std::vector<std::string> preload;  // modules imported before the snapshot
  std::string output;
};
int snapshotCreateCommand(const SnapshotCreateOptions& options);
// `warden snapshot info FILE`: what a snapshot holds.
int snapshotInfoCommand(const std::string& path);

// `warden serve`: the HTTP execution service (serve_command.cpp; docs/SERVICE.md).
struct ServeOptions {
  std::optional<std::string> listen;       // HOST:PORT, overrides the config's
  std::optional<std::string> config;       // JSON config file; none: one dev tenant, loopback only
  std::optional<std::string> python_home;  // the CPython recipe's output
  std::optional<unsigned> workers;         // execution threads, overrides the config's
};
int serveCommand(const ServeOptions& options);

}  // namespace warden::cli
