#include "service/work_files.h"

#include "support/path_parts.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace warden::service {

namespace fs = std::filesystem;

namespace {

// An fd that closes itself.
struct Fd {
  int fd = -1;
  explicit Fd(int value) : fd(value) {}
  Fd(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::vector<std::string_view> components(std::string_view path) { return splitSlashes(path); }

// Opens the directory holding `path`'s last component, creating missing
// parents when `create`, walking one component at a time with O_NOFOLLOW.
std::expected<int, std::string> openParent(const std::string& root, std::string_view path, bool create) {
  int dir = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return std::unexpected(fmt::format("cannot open the work directory: {}", std::strerror(errno)));
  std::vector<std::string_view> parts = components(path);
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    std::string name(parts[i]);
    if (create && ::mkdirat(dir, name.c_str(), 0700) != 0 && errno != EEXIST) {
      int saved = errno;
      ::close(dir);
      return std::unexpected(fmt::format("cannot create directory {}: {}", name, std::strerror(saved)));
    }
    int next = ::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int saved = errno;
    ::close(dir);
    if (next < 0) return std::unexpected(fmt::format("cannot open directory {}: {}", name, std::strerror(saved)));
    dir = next;
  }
  return dir;
}

}  // namespace

std::expected<void, std::string> checkRelativePath(std::string_view path) {
  if (path.empty()) return std::unexpected(std::string("must not be empty"));
  if (path.size() > 1024) return std::unexpected(std::string("is longer than 1024 bytes"));
  if (path.front() == '/') return std::unexpected(std::string("must be relative (no leading '/')"));
  if (path.find('\0') != std::string_view::npos) return std::unexpected(std::string("must not contain NUL"));
  if (path.find('\\') != std::string_view::npos) return std::unexpected(std::string("must not contain '\\'"));
  for (std::string_view part : components(path)) {
    if (part == "..") return std::unexpected(std::string("must not contain \"..\""));
    if (part == ".") return std::unexpected(std::string("must not contain \".\" components"));
    if (part.empty()) return std::unexpected(std::string("must not contain empty components (\"//\" or a trailing '/')"));
    if (part.size() > 255) return std::unexpected(std::string("has a component longer than 255 bytes"));
  }
  return {};
}

std::expected<void, std::string> writeFiles(const std::string& dir, const std::vector<InputFile>& files) {
  for (const InputFile& file : files) {
    auto parent = openParent(dir, file.path, true);
    if (!parent) return std::unexpected(fmt::format("{}: {}", file.path, parent.error()));
    Fd parent_fd(*parent);
    std::string name(components(file.path).back());
    Fd out(::openat(parent_fd.fd, name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600));
    if (out.fd < 0) return std::unexpected(fmt::format("{}: {}", file.path, std::strerror(errno)));
    size_t done = 0;
    while (done < file.content.size()) {
      ssize_t n = ::write(out.fd, file.content.data() + done, file.content.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return std::unexpected(fmt::format("{}: {}", file.path, std::strerror(errno)));
      done += size_t(n);
    }
  }
  return {};
}

std::expected<std::optional<std::string>, std::string> readFile(const std::string& dir, std::string_view path,
                                                                 uint64_t max_bytes) {
  auto parent = openParent(dir, path, false);
  if (!parent) return std::optional<std::string>();
  Fd parent_fd(*parent);
  std::string name(components(path).back());
  Fd in(::openat(parent_fd.fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (in.fd < 0) return std::optional<std::string>();
  struct stat info {};
  if (::fstat(in.fd, &info) != 0 || !S_ISREG(info.st_mode)) return std::optional<std::string>();
  if (uint64_t(info.st_size) > max_bytes)
    return std::unexpected(fmt::format("{} is larger than {} bytes", path, max_bytes));
  std::string data(size_t(info.st_size), '\0');
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::read(in.fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += size_t(n);
  }
  data.resize(done);
  return std::optional<std::string>(std::move(data));
}

DirSnapshot snapshotDir(const std::string& dir) {
  DirSnapshot snapshot;
  std::error_code ec;
  // Symlinks are listed but not followed (the default for directory_options::none).
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
       it.increment(ec)) {
    struct stat info {};
    if (::lstat(it->path().c_str(), &info) != 0 || !S_ISREG(info.st_mode)) continue;
    std::string relative = fs::relative(it->path(), dir, ec).generic_string();
    if (ec) continue;
    snapshot[relative] = FileStamp{uint64_t(info.st_size), int64_t(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec};
  }
  return snapshot;
}

ChangedFiles collectChangedFiles(const std::string& dir, const DirSnapshot& before, const FileLimits& limits) {
  ChangedFiles changed;
  uint64_t total = 0;
  for (const auto& [path, stamp] : snapshotDir(dir)) {
    auto old = before.find(path);
    if (old != before.end() && old->second == stamp) continue;
    if (changed.files.size() >= limits.max_count) {
      changed.truncated = true;
      break;
    }
    OutputFile file{path, stamp.size, std::nullopt};
    if (stamp.size <= limits.max_file_bytes && total + stamp.size <= limits.max_total_bytes) {
      auto content = readFile(dir, path, limits.max_file_bytes);
      if (content && *content) {
        total += (*content)->size();
        file.size = (*content)->size();
        file.content = std::move(**content);
      }
    }
    if (!file.content) changed.truncated = true;
    changed.files.push_back(std::move(file));
  }
  return changed;
}

}  // namespace warden::service
