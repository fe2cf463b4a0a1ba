#include "wasi/wasi_context.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "wasi/file_info.h"

namespace warden::wasi {

namespace {

Error hostError(std::string detail) { return Error(ErrorCode::HostError, std::move(detail)); }

}  // namespace

uint64_t WasiContext::outputAllowance(uint64_t wanted) const {
  const auto& cap = config_.limits().max_output_bytes;
  if (!cap) return wanted;
  return std::min(wanted, *cap > output_bytes_ ? *cap - output_bytes_ : 0);
}

uint64_t WasiContext::writeAllowance(uint64_t wanted) const {
  const auto& cap = config_.limits().max_write_bytes;
  if (!cap) return wanted;
  return std::min(wanted, *cap > written_bytes_ ? *cap - written_bytes_ : 0);
}

Expect<std::unique_ptr<WasiContext>> WasiContext::create(WasiConfig config) {
  std::unique_ptr<WasiContext> ctx(new WasiContext(std::move(config)));
  for (int fd = 0; fd < 3; ++fd) {
    std::unique_ptr<FdEntry> entry = WARDEN_TRY(ctx->makeStdio(fd));
    if (!ctx->fds_.insert(std::move(entry))) return std::unexpected(hostError("--max-fds is too small for stdin, stdout and stderr"));
  }
  WARDEN_TRY(ctx->openPreopens());
  return ctx;
}

Expect<void> WasiContext::beginRun(const StdioSpec (&stdio)[3], const WasiLimits& limits) {
  config_.stdinFrom(stdio[0]).stdoutTo(stdio[1]).stderrTo(stdio[2]);
  WasiLimits kept = limits;
  kept.max_fds = config_.limits().max_fds;
  config_.limits(kept);
  for (int fd = 0; fd < 3; ++fd) fds_.place(fd, WARDEN_TRY(makeStdio(fd)));
  exit_code_.reset();
  output_bytes_ = 0;
  written_bytes_ = 0;
  return {};
}

Expect<void> WasiContext::openPreopen(const Preopen& pre) {
  int host = ::open(pre.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (host < 0)
    return std::unexpected(hostError(fmt::format("cannot open directory {}: {}", pre.host_path, std::strerror(errno))));
  auto entry = std::make_unique<FdEntry>();
  entry->kind = FdEntry::Kind::Directory;
  entry->filetype = Filetype::Directory;
  entry->owned = OwnedFd(host);
  entry->is_preopen = true;
  entry->preopen_guest_path = pre.guest_path;
  entry->read_only = pre.read_only;
  // A read-only preopen still lists the write rights as inheritable, so that
  // wasi-libc asks for them and path_open can answer EROFS instead of
  // granting a descriptor that fails later.
  entry->rights_base = pre.read_only ? rights::Directory & ~rights::Mutating : rights::Directory;
  entry->rights_inheriting = rights::RegularFile | rights::Directory;
  WasiResult<uint32_t> placed = fds_.insert(std::move(entry));
  if (!placed) return std::unexpected(hostError("--max-fds is too small for the preopened directories"));
  return {};
}

Expect<void> WasiContext::assign(std::vector<std::string> args, std::vector<std::pair<std::string, std::string>> env,
                                 const std::vector<Preopen>& preopens) {
  config_.clearArgs().clearEnv();
  for (std::string& a : args) config_.arg(std::move(a));
  for (auto& [key, value] : env) config_.env(std::move(key), std::move(value));
  for (const Preopen& pre : preopens) {
    config_.preopenDir(pre.host_path, pre.guest_path, pre.read_only);
    WARDEN_TRY(openPreopen(pre));
  }
  return {};
}

std::vector<std::string> WasiContext::preopenGuestPaths() {
  std::vector<std::string> paths;
  for (uint32_t fd = 3;; ++fd) {
    FdEntry* entry = fds_.get(fd);
    if (!entry || !entry->is_preopen) break;
    paths.push_back(entry->preopen_guest_path);
  }
  return paths;
}

bool WasiContext::onlyStdioAndPreopens() {
  uint32_t open = 0;
  for (uint32_t fd = 0; fd < 3; ++fd) open += fds_.get(fd) != nullptr;
  return fds_.openCount() == open + preopenGuestPaths().size();
}

Expect<std::unique_ptr<FdEntry>> WasiContext::makeStdio(int fd) {
  const StdioSpec& spec = config_.stdio(fd);
  auto entry = std::make_unique<FdEntry>();
  entry->kind = FdEntry::Kind::Stream;
  entry->is_output = fd != 0;
  entry->rights_base = rights::Stream & ~(fd == 0 ? rights::FdWrite : rights::FdRead);
  switch (spec.kind) {
    case StdioSpec::Kind::Null:  // reads see end of file; writes are discarded
    case StdioSpec::Kind::Buffer:
      // Not a tty (so guests do not go interactive) and not seekable.
      entry->filetype = Filetype::Unknown;
      entry->buffer = spec.buffer;
      break;
    case StdioSpec::Kind::Sink:
      if (fd == 0) return std::unexpected(hostError("stdin cannot be an output sink"));
      entry->filetype = Filetype::Unknown;
      entry->sink = spec.sink;
      break;
    case StdioSpec::Kind::Inherit: {
      entry->borrowed_fd = fd;
      struct stat info {};
      entry->filetype = fstat(fd, &info) == 0 ? filetypeOf(info.st_mode) : Filetype::Unknown;
      break;
    }
    case StdioSpec::Kind::File: {
      int flags = fd == 0 ? O_RDONLY : (O_WRONLY | O_CREAT | O_TRUNC);
      int host = ::open(spec.path.c_str(), flags | O_CLOEXEC | O_NOCTTY, 0644);
      if (host < 0) return std::unexpected(hostError(fmt::format("cannot open {}: {}", spec.path, std::strerror(errno))));
      entry->owned = OwnedFd(host);
      entry->filetype = Filetype::RegularFile;
      break;
    }
  }
  return entry;
}

Expect<void> WasiContext::openPreopens() {
  for (const Preopen& pre : config_.preopens()) WARDEN_TRY(openPreopen(pre));
  for (int host_fd : config_.sockets()) {
    int copy = fcntl(host_fd, F_DUPFD_CLOEXEC, 3);
    if (copy < 0) return std::unexpected(hostError(fmt::format("cannot duplicate socket fd {}: {}", host_fd, std::strerror(errno))));
    auto entry = std::make_unique<FdEntry>();
    entry->kind = FdEntry::Kind::Socket;
    entry->filetype = Filetype::SocketStream;
    entry->owned = OwnedFd(copy);
    entry->rights_base = rights::Socket;
    if (!fds_.insert(std::move(entry))) return std::unexpected(hostError("--max-fds is too small for the sockets"));
  }
  return {};
}

}  // namespace warden::wasi
