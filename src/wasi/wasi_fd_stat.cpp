// fd_fdstat_get/set_flags/set_rights, fd_filestat_get/set_size/set_times,
// fd_prestat_get, fd_prestat_dir_name, fd_readdir.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "wasi/errno_map.h"
#include "wasi/file_info.h"
#include "wasi/wasi_host.h"

namespace warden::wasi {

namespace {

constexpr size_t kMaxDirEntries = 1u << 20;  // a directory listing larger than this is cut

uint16_t hostFdflags(int host_flags) {
  uint16_t out = 0;
  if (host_flags & O_APPEND) out |= fdflags::Append;
  if (host_flags & O_NONBLOCK) out |= fdflags::Nonblock;
  if ((host_flags & O_SYNC) == O_SYNC) out |= fdflags::Sync | fdflags::Rsync;
  else if (host_flags & O_DSYNC) out |= fdflags::Dsync;
  return out;
}

Expect<Errno> fdFdstatGet(WasiCall& call) {
  WASI_TRY(entry, call.fd(call.u32(0), 0));
  uint16_t flags = entry->fdflags;
  if (entry->owned.valid()) {
    int host = fcntl(entry->owned.get(), F_GETFL);
    if (host >= 0) flags = hostFdflags(host);
  }
  uint32_t ptr = call.u32(1);
  auto out = call.mem.bytes(ptr, layout::kFdstatSize);
  if (!out) return Errno::Fault;
  std::fill(out->begin(), out->end(), 0);
  call.mem.store<uint8_t>(ptr, uint8_t(entry->filetype));
  call.mem.store<uint16_t>(ptr + 2, flags);
  call.mem.store<uint64_t>(ptr + 8, entry->rights_base);
  call.mem.store<uint64_t>(ptr + 16, entry->rights_inheriting);
  return ok();
}

Expect<Errno> fdFdstatSetFlags(WasiCall& call) {
  WASI_TRY(entry, call.fd(call.u32(0), rights::FdFdstatSetFlags));
  uint32_t flags = call.u32(1);
  if (flags & ~uint32_t(fdflags::Append | fdflags::Nonblock)) return Errno::NotSup;
  if ((flags & fdflags::Append) && entry->read_only) return Errno::Rofs;
  // Only Warden's own fds are changed on the host; an inherited stdio fd is
  // shared with the parent, so its flags are only recorded.
  if (entry->owned.valid()) {
    int host = fcntl(entry->owned.get(), F_GETFL);
    if (host < 0) return fromHostErrno(errno);
    host &= ~(O_APPEND | O_NONBLOCK);
    if (flags & fdflags::Append) host |= O_APPEND;
    if (flags & fdflags::Nonblock) host |= O_NONBLOCK;
    if (fcntl(entry->owned.get(), F_SETFL, host) != 0) return fromHostErrno(errno);
  }
  entry->fdflags = uint16_t(flags);
  return ok();
}

Expect<Errno> fdFdstatSetRights(WasiCall& call) {
  WASI_TRY(entry, call.fd(call.u32(0), 0));
  uint64_t base = call.u64(1), inheriting = call.u64(2);
  // Rights can only be dropped, never gained.
  if ((base & ~entry->rights_base) || (inheriting & ~entry->rights_inheriting)) return Errno::NotCapable;
  entry->rights_base = base;
  entry->rights_inheriting = inheriting;
  return ok();
}

Expect<Errno> fdFilestatGet(WasiCall& call) {
  WASI_TRY(entry, call.fd(call.u32(0), rights::FdFilestatGet));
  struct stat info {};
  if (entry->hostFd() >= 0) {
    if (fstat(entry->hostFd(), &info) != 0) return fromHostErrno(errno);
  } else {
    info.st_mode = S_IFIFO;  // an in-memory stream: no host file behind it
    info.st_nlink = 1;
  }
  return storeFilestat(call.mem, call.u32(1), info) ? Errno::Success : Errno::Fault;
}

Expect<Errno> fdFilestatSetSize(WasiCall& call) {
  WASI_TRY(entry, call.fd(call.u32(0), rights::FdFilestatSetSize));
  if (entry->read_only) return Errno::Rofs;
  if (call.u64(1) > uint64_t(INT64_MAX)) return Errno::Fbig;
  if (ftruncate(entry->hostFd(), off_t(call.u64(1))) != 0) return fromHostErrno(errno);
  return ok();
}

Expect<Errno> fdFilestatSetTimes(WasiCall& call) {
  WASI_TRY(entry, call.fd(call.u32(0), rights::FdFilestatSetTimes));
  if (entry->read_only) return Errno::Rofs;
  WASI_TRY(times, timesFromFlags(call.u64(1), call.u64(2), call.u32(3)));
  if (futimens(entry->hostFd(), times.data()) != 0) return fromHostErrno(errno);
  return ok();
}

Expect<Errno> fdPrestatGet(WasiCall& call) {
  FdEntry* entry = call.ctx.fds().get(call.u32(0));
  if (!entry || !entry->is_preopen) return Errno::Badf;
  uint32_t ptr = call.u32(1);
  if (!call.mem.store<uint32_t>(ptr, 0) || !call.mem.store<uint8_t>(ptr, kPreopenTypeDir) ||
      !call.mem.store<uint32_t>(ptr + 4, uint32_t(entry->preopen_guest_path.size())))
    return Errno::Fault;
  return ok();
}

Expect<Errno> fdPrestatDirName(WasiCall& call) {
  FdEntry* entry = call.ctx.fds().get(call.u32(0));
  if (!entry || !entry->is_preopen) return Errno::Badf;
  const std::string& name = entry->preopen_guest_path;
  if (call.u32(2) < name.size()) return Errno::NameTooLong;
  auto out = call.mem.bytes(call.u32(1), uint32_t(name.size()));
  if (!out) return Errno::Fault;
  std::copy(name.begin(), name.end(), out->begin());
  return ok();
}

// Lists the directory afresh (from its start, whatever the fd's position).
Errno snapshotDirectory(FdEntry& entry) {
  int fd = openat(entry.hostFd(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fromHostErrno(errno);
  DIR* dir = fdopendir(fd);
  if (!dir) {
    close(fd);
    return fromHostErrno(errno);
  }
  entry.dir_snapshot.clear();
  while (dirent* d = readdir(dir)) {
    if (entry.dir_snapshot.size() >= kMaxDirEntries) break;
    Filetype type = filetypeOfDirent(d->d_type);
    if (d->d_type == DT_UNKNOWN) {
      struct stat info {};
      if (fstatat(fd, d->d_name, &info, AT_SYMLINK_NOFOLLOW) == 0) type = filetypeOf(info.st_mode);
    }
    entry.dir_snapshot.push_back({d->d_name, uint64_t(d->d_ino), type});
  }
  closedir(dir);
  return Errno::Success;
}

Expect<Errno> fdReaddir(WasiCall& call) {
  WASI_TRY(entry, call.fd(call.u32(0), rights::FdReaddir));
  if (entry->kind != FdEntry::Kind::Directory) return Errno::NotDir;
  uint32_t buf = call.u32(1), buf_len = call.u32(2);
  uint64_t cookie = call.u64(3);
  auto out = call.mem.bytes(buf, buf_len);
  if (!out) return Errno::Fault;
  if (cookie == 0 || entry->dir_snapshot.empty()) {
    if (Errno e = snapshotDirectory(*entry); e != Errno::Success) return e;
  }
  // Each entry is a 24-byte header then the name; the last one may be cut,
  // which tells wasi-libc to call again with a larger buffer.
  uint32_t used = 0;
  for (uint64_t i = cookie; i < entry->dir_snapshot.size() && used < buf_len; ++i) {
    const DirEntryInfo& d = entry->dir_snapshot[i];
    uint8_t header[layout::kDirentSize] = {};
    uint64_t next = i + 1, ino = d.ino;
    uint32_t namlen = uint32_t(d.name.size());
    std::memcpy(header + 0, &next, 8);
    std::memcpy(header + 8, &ino, 8);
    std::memcpy(header + 16, &namlen, 4);
    header[20] = uint8_t(d.type);
    uint32_t n = std::min<uint32_t>(layout::kDirentSize, buf_len - used);
    std::memcpy(out->data() + used, header, n);
    used += n;
    n = std::min<uint32_t>(namlen, buf_len - used);
    std::memcpy(out->data() + used, d.name.data(), n);
    used += n;
  }
  if (!call.mem.store<uint32_t>(call.u32(4), used)) return Errno::Fault;
  return ok();
}

constexpr WasiFunction kFunctions[] = {
    {"fd_fdstat_get", "ii", true, fdFdstatGet},
    {"fd_fdstat_set_flags", "ii", true, fdFdstatSetFlags},
    {"fd_fdstat_set_rights", "iII", true, fdFdstatSetRights},
    {"fd_filestat_get", "ii", true, fdFilestatGet},
    {"fd_filestat_set_size", "iI", true, fdFilestatSetSize},
    {"fd_filestat_set_times", "iIIi", true, fdFilestatSetTimes},
    {"fd_prestat_get", "ii", true, fdPrestatGet},
    {"fd_prestat_dir_name", "iii", true, fdPrestatDirName},
    {"fd_readdir", "iiiIi", true, fdReaddir},
};

}  // namespace

std::span<const WasiFunction> fdStatFunctions() { return kFunctions; }

}  // namespace warden::wasi
