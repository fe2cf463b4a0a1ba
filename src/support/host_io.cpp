#include "support/host_io.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

extern char** environ;

namespace warden {

namespace {

Error hostError(std::string detail) { return Error(ErrorCode::HostError, std::move(detail)); }

// open/fstat/read rather than stdio: one read of the exact size, no FILE
// buffer (a tenth of `warden run hello.wasm`'s time in main went to reading).
template <typename Buffer>
Expect<Buffer> readWhole(const std::string& path, uint64_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::unexpected(hostError(fmt::format("cannot open {}: {}", path, std::strerror(errno))));
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode))
    return std::unexpected(hostError(fmt::format("{} is not a regular file", path)));
  if (uint64_t(info.st_size) > max_bytes)
    return std::unexpected(hostError(fmt::format("{} is too large ({} bytes)", path, info.st_size)));
  Buffer data(size_t(info.st_size), 0);
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::read(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::unexpected(hostError(fmt::format("cannot read {}: {}", path, n < 0 ? std::strerror(errno) : "file shrank while read")));
    done += size_t(n);
  }
  return data;
}

// First lines of a tool's log, for an error message.
std::string logExcerpt(const std::string& log_path) {
  auto text = readFileText(log_path, 1 << 20);
  if (!text || text->empty()) return {};
  std::string excerpt = text->substr(0, 400);
  while (!excerpt.empty() && excerpt.back() == '\n') excerpt.pop_back();
  return ": " + excerpt;
}

}  // namespace

Expect<std::vector<uint8_t>> readFileBytes(const std::string& path, uint64_t max_bytes) {
  return readWhole<std::vector<uint8_t>>(path, max_bytes);
}

Expect<std::string> readFileText(const std::string& path, uint64_t max_bytes) {
  return readWhole<std::string>(path, max_bytes);
}

Expect<TempDir> TempDir::create(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = fmt::format("{}/{}XXXXXX", (tmp && *tmp) ? tmp : "/tmp", prefix);
  if (!mkdtemp(pattern.data()))
    return std::unexpected(hostError(fmt::format("cannot create a temporary directory {}: {}", pattern, std::strerror(errno))));
  return TempDir(std::move(pattern));
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

Expect<void> runTool(const std::vector<std::string>& argv, const std::string& log_path) {
  if (argv.empty()) return std::unexpected(hostError("no program to run"));
  std::vector<char*> raw;
  for (const std::string& arg : argv) raw.push_back(const_cast<char*>(arg.c_str()));  // posix_spawn's signature
  raw.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  int spawn_error = posix_spawnp(&pid, argv[0].c_str(), &actions, nullptr, raw.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error == ENOENT)
    return std::unexpected(hostError(fmt::format("{} not found in PATH (it comes with wabt)", argv[0])));
  if (spawn_error != 0)
    return std::unexpected(hostError(fmt::format("cannot run {}: {}", argv[0], std::strerror(spawn_error))));

  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return std::unexpected(hostError(fmt::format("waiting for {}: {}", argv[0], std::strerror(errno))));
  }
  if (WIFSIGNALED(status))
    return std::unexpected(hostError(fmt::format("{} was killed by signal {}{}", argv[0], WTERMSIG(status), logExcerpt(log_path))));
  if (WEXITSTATUS(status) != 0)
    return std::unexpected(hostError(fmt::format("{} exited with status {}{}", argv[0], WEXITSTATUS(status), logExcerpt(log_path))));
  return {};
}

}  // namespace warden
