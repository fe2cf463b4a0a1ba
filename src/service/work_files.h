// Files in a sandbox's private work directory (/work for the guest): paths a
// client may name, placing uploaded files, and finding what a run created
// or changed so the answer can return it.
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "service/execution_spec.h"
#include "service/service_config.h"

namespace warden::service {

// A relative path of normal components: no "..", ".", empty component,
// leading '/', backslash or NUL; at most 255 bytes per component and 1024
// in all. The error says what is wrong ("must not contain \"..\"").
std::expected<void, std::string> checkRelativePath(std::string_view path);

// Writes each file under `dir`, creating parent directories. Never follows
// a symlink (a session's guest may have planted one).
std::expected<void, std::string> writeFiles(const std::string& dir, const std::vector<InputFile>& files);

// Reads `dir/path` without following symlinks; nullopt when it is missing
// or is not a regular file, an error string when it is larger than `max_bytes`.
std::expected<std::optional<std::string>, std::string> readFile(const std::string& dir, std::string_view path,
                                                                 uint64_t max_bytes);

// What the regular files under a directory looked like: path → (size, mtime).
struct FileStamp {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};
using DirSnapshot = std::map<std::string, FileStamp>;
DirSnapshot snapshotDir(const std::string& dir);

struct OutputFile {
  std::string path;
  uint64_t size = 0;
  std::optional<std::string> content;  // absent when over the size bounds
};
struct ChangedFiles {
  std::vector<OutputFile> files;
  bool truncated = false;  // more files than max_count, or contents left out
};

// The regular files that are new or differ from `before`, sorted by path,
// within `limits` (count, per-file and total bytes).
ChangedFiles collectChangedFiles(const std::string& dir, const DirSnapshot& before, const FileLimits& limits);

}  // namespace warden::service
