#include "cli/option_parsing.h"

#include <fmt/format.h>

namespace warden::cli {

Expect<std::pair<std::string, std::string>> parseEnvOption(const std::string& text) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    return std::unexpected(Error(ErrorCode::InvalidArgument, fmt::format("invalid --env \"{}\" (KEY=VALUE)", text)));
  return std::pair{text.substr(0, eq), text.substr(eq + 1)};
}

Expect<DirOption> parseDirOption(const std::string& text) {
  size_t sep = text.find("::");
  DirOption dir{sep == std::string::npos ? text : text.substr(0, sep), sep == std::string::npos ? text : text.substr(sep + 2)};
  if (dir.host.empty() || dir.guest.empty())
    return std::unexpected(Error(ErrorCode::InvalidArgument, fmt::format("invalid directory \"{}\" (HOST::GUEST)", text)));
  return dir;
}

}  // namespace warden::cli
