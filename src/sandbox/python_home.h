// Where the CPython build lives: the output directory of python/build.sh
// (python.wasm, lib/python3.11, share/zoneinfo) and how the guest sees it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace warden::sandbox {

// Guest paths of the read-only mounts every Python sandbox gets.
inline constexpr std::string_view kPythonLibGuestPath = "/usr/local/lib";       // the configured prefix's lib/
inline constexpr std::string_view kZoneinfoGuestPath = "/usr/share/zoneinfo";  // tz data for zoneinfo

bool isPythonHome(const std::string& dir);

// `flag` if given, else $WARDEN_PYTHON_HOME, else the recipe's output
// directory: read from the stamp file python/build.sh leaves in the cache
// while the recipe files are unchanged, else `python/build.sh --print-dir`
// (which builds on first use and prints its progress to stderr). Empty when
// none is found.
std::string locatePythonHome(const std::optional<std::string>& flag);

// Warden's per-user cache: $WARDEN_CACHE, else $HOME/.cache/warden (the
// recipe's builds, automatic snapshots).
std::string wardenCacheRoot();

}  // namespace warden::sandbox
