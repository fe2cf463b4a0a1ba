// Small host-side helpers (CLI, sandboxes, service): whole-file reads, private temporary
// directories and running a tool without a shell.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/error.h"

namespace warden {

// Reads a whole file; refuses files larger than `max_bytes`.
Expect<std::vector<uint8_t>> readFileBytes(const std::string& path, uint64_t max_bytes = uint64_t(1) << 30);
Expect<std::string> readFileText(const std::string& path, uint64_t max_bytes = uint64_t(1) << 30);

// A private directory (mkdtemp, mode 0700) removed with its contents on
// destruction.
class TempDir {
 public:
  static Expect<TempDir> create(const std::string& prefix);
  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Runs `argv[0]` (looked up in PATH) with stdout and stderr sent to
// `log_path`, and waits. Fails with a readable message when the program is
// missing, is killed, or exits non-zero (the log's first lines included).
Expect<void> runTool(const std::vector<std::string>& argv, const std::string& log_path);

}  // namespace warden
