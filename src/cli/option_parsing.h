// The grant options `warden run` and `warden python` share, parsed once.
#pragma once

#include <string>
#include <utility>

#include "runtime/error.h"

namespace warden::cli {

// --env KEY=VALUE (KEY not empty).
Expect<std::pair<std::string, std::string>> parseEnvOption(const std::string& text);

// --dir/--ro-dir "HOST::GUEST", or "PATH" meaning PATH::PATH.
struct DirOption {
  std::string host;
  std::string guest;
};
Expect<DirOption> parseDirOption(const std::string& text);

}  // namespace warden::cli
