// Splitting slash-separated paths without copying: "a/b//c" gives
// {"a", "b", "", "c"} and "" gives {""} (empty parts are the caller's to
// judge: a URL router and a file-path check treat them differently).
#pragma once

#include <string_view>
#include <vector>

namespace warden {

inline std::vector<std::string_view> splitSlashes(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

}  // namespace warden
