// The `warden` subcommands, each returning the process exit status.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace warden::cli {

// Exit statuses shared by the subcommands (also listed in `warden --help`).
constexpr int kExitOk = 0;
constexpr int kExitError = 1;  // usage, I/O, decode, validation or link error
constexpr int kExitTrap = 2;   // the guest trapped (or a limit stopped it)

int runCommand(const std::string& file, const std::optional<std::string>& invoke_name,
               const std::vector<std::string>& args);
int validateCommand(const std::string& file);
int inspectCommand(const std::string& file);

}  // namespace warden::cli
