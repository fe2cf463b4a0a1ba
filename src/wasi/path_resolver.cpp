#include "wasi/path_resolver.h"

#include "support/path_parts.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <deque>
#include <vector>

#include "wasi/errno_map.h"

namespace warden::wasi {

namespace {

// Whether the kernel has openat2; learned on first use (process-wide, but
// only ever flips from "unknown/yes" to "no").
std::atomic<bool> g_openat2_missing{false};

// "a//b/" → a, "", b, "": empty parts mean "." (the trailing one forces a directory).
std::deque<std::string> splitComponents(std::string_view path) {
  std::vector<std::string_view> parts = splitSlashes(path);
  return {parts.begin(), parts.end()};
}

WasiResult<OwnedFd> viaOpenat2(int dirfd, std::string_view path, int flags, mode_t mode, bool follow_final) {
  std::string cpath(path);
  open_how how{};
  // openat2 is strict: O_PATH admits only O_DIRECTORY/O_NOFOLLOW/O_CLOEXEC.
  int extra = (flags & O_PATH) ? 0 : O_NOCTTY;
  how.flags = uint64_t(flags | O_CLOEXEC | extra | (follow_final ? 0 : O_NOFOLLOW));
  how.mode = ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) ? mode : 0;  // else openat2 says EINVAL
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0; attempt < 16; ++attempt) {
    long fd = syscall(SYS_openat2, dirfd, cpath.c_str(), &how, sizeof how);
    if (fd >= 0) return OwnedFd(int(fd));
    if (errno == EAGAIN || errno == EINTR) continue;  // a concurrent rename: the kernel asks to retry
    if (errno == EXDEV) return std::unexpected(Errno::NotCapable);  // would leave the preopen
    return std::unexpected(fromHostErrno(errno));
  }
  return std::unexpected(Errno::Again);
}

// Reads the target of symlink `name` in `dir`; nullopt-like Errno when it is not a symlink.
WasiResult<std::string> readSymlink(int dir, const std::string& name) {
  std::string target(4096, '\0');
  ssize_t n = readlinkat(dir, name.c_str(), target.data(), target.size());
  if (n < 0) return std::unexpected(fromHostErrno(errno));
  if (size_t(n) >= target.size()) return std::unexpected(Errno::NameTooLong);
  target.resize(size_t(n));
  return target;
}

// The manual walk. `stack` holds the directories entered below dirfd; `..`
// pops one and fails at the root, so no `..` ever reaches the kernel.
WasiResult<OwnedFd> viaManualWalk(int dirfd, std::string_view path, int flags, mode_t mode, bool follow_final) {
  if (!path.empty() && path[0] == '/') return std::unexpected(Errno::NotCapable);
  std::deque<std::string> pending = splitComponents(path);
  std::vector<OwnedFd> stack;
  int expansions = 0;
  auto current = [&] { return stack.empty() ? dirfd : stack.back().get(); };

  while (!pending.empty()) {
    std::string part = std::move(pending.front());
    pending.pop_front();
    bool last = pending.empty();
    if (part.empty() || part == ".") {
      if (!last) continue;
      part = ".";
    } else if (part == "..") {
      if (stack.empty()) return std::unexpected(Errno::NotCapable);
      stack.pop_back();
      if (!last) continue;
      part = ".";
    }
    if (!last) {
      int fd = openat(current(), part.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0) {
        stack.emplace_back(fd);
        continue;
      }
      int open_errno = errno;
      WasiResult<std::string> target = readSymlink(current(), part);
      if (!target) return std::unexpected(fromHostErrno(open_errno));
      if (++expansions > kMaxSymlinkExpansions) return std::unexpected(Errno::Loop);
      if (!target->empty() && (*target)[0] == '/') return std::unexpected(Errno::NotCapable);
      std::deque<std::string> expanded = splitComponents(*target);
      pending.insert(pending.begin(), expanded.begin(), expanded.end());
      continue;
    }
    int fd = openat(current(), part.c_str(), flags | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, mode);
    if (fd >= 0) {
      // O_PATH|O_NOFOLLOW opens a symlink itself; follow it when asked.
      struct stat info {};
      if (!(follow_final && (flags & O_PATH) && fstat(fd, &info) == 0 && S_ISLNK(info.st_mode)))
        return OwnedFd(fd);
      close(fd);
    } else if (!follow_final || (errno != ELOOP && errno != ENOTDIR && errno != EMLINK)) {
      return std::unexpected(fromHostErrno(errno));
    }
    int open_errno = errno;
    WasiResult<std::string> target = readSymlink(current(), part);
    if (!target) return std::unexpected(fromHostErrno(open_errno));
    if (++expansions > kMaxSymlinkExpansions) return std::unexpected(Errno::Loop);
    if (!target->empty() && (*target)[0] == '/') return std::unexpected(Errno::NotCapable);
    pending = splitComponents(*target);
  }
  return std::unexpected(Errno::NoEnt);  // unreachable: the loop always ends on a last component
}

}  // namespace

Errno checkGuestPath(std::string_view path) {
  if (path.size() > kMaxGuestPathBytes) return Errno::NameTooLong;
  if (path.find('\0') != std::string_view::npos) return Errno::Inval;
  if (path.empty()) return Errno::NoEnt;
  return Errno::Success;
}

WasiResult<OwnedFd> openBeneath(int dirfd, std::string_view path, int flags, mode_t mode, bool follow_final,
                                ResolveMode mode_choice) {
  if (Errno e = checkGuestPath(path); e != Errno::Success) return std::unexpected(e);
  if (mode_choice == ResolveMode::Auto && !g_openat2_missing.load(std::memory_order_relaxed)) {
    WasiResult<OwnedFd> result = viaOpenat2(dirfd, path, flags, mode, follow_final);
    if (result || result.error() != Errno::NoSys) return result;
    g_openat2_missing.store(true, std::memory_order_relaxed);
  }
  return viaManualWalk(dirfd, path, flags, mode, follow_final);
}

WasiResult<ParentAndName> resolveParent(int dirfd, std::string_view path, ResolveMode mode_choice) {
  if (Errno e = checkGuestPath(path); e != Errno::Success) return std::unexpected(e);
  ParentAndName out;
  while (path.size() > 1 && path.back() == '/') {
    path.remove_suffix(1);
    out.trailing_slash = true;
  }
  size_t slash = path.rfind('/');
  std::string_view dir_part = slash == std::string_view::npos ? std::string_view(".") : path.substr(0, slash);
  if (dir_part.empty()) dir_part = "/";  // "/name": absolute, refused by the resolver
  out.name = std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
  if (out.name.empty()) return std::unexpected(Errno::NotCapable);  // the path was "/"
  WasiResult<OwnedFd> dir = openBeneath(dirfd, dir_part, O_PATH | O_DIRECTORY, 0, true, mode_choice);
  if (!dir) return std::unexpected(dir.error());
  out.dir = std::move(*dir);
  if (out.name == "." || out.name == "..") {
    // Acting on "." or ".." names the directory itself or its parent: check it stays beneath, then refuse.
    WasiResult<OwnedFd> whole = openBeneath(dirfd, path, O_PATH | O_DIRECTORY, 0, true, mode_choice);
    if (!whole) return std::unexpected(whole.error());
    return std::unexpected(Errno::Inval);
  }
  return out;
}

}  // namespace warden::wasi
