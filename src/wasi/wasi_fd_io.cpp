// fd_read, fd_write, fd_pread, fd_pwrite, fd_seek, fd_tell, fd_close,
// fd_renumber, fd_sync, fd_datasync, fd_advise, fd_allocate.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "wasi/errno_map.h"
#include "wasi/wasi_host.h"

namespace warden::wasi {

namespace {

uint64_t totalLength(const std::vector<iovec>& iovs) {
  uint64_t n = 0;
  for (const iovec& v : iovs) n += v.iov_len;
  return n;
}

// Shortens the list to its first `limit` bytes.
void truncateIovecs(std::vector<iovec>& iovs, uint64_t limit) {
  uint64_t seen = 0;
  for (size_t i = 0; i < iovs.size(); ++i) {
    if (seen + iovs[i].iov_len >= limit) {
      iovs[i].iov_len = size_t(limit - seen);
      iovs.resize(limit == seen ? i : i + 1);
      return;
    }
    seen += iovs[i].iov_len;
  }
}

// Writes everything (stdout/stderr of the process may take it in parts).
WasiResult<uint64_t> writeAll(int fd, std::vector<iovec> iovs) {
  uint64_t done = 0;
  size_t first = 0;
  while (first < iovs.size()) {
    ssize_t n = writev(fd, iovs.data() + first, int(iovs.size() - first));
    if (n < 0) {
      if (errno == EINTR) continue;
      if (done > 0) return done;
      return std::unexpected(fromHostErrno(errno));
    }
    done += uint64_t(n);
    size_t left = size_t(n);
    while (first < iovs.size() && left >= iovs[first].iov_len) left -= iovs[first++].iov_len;
    if (first < iovs.size()) {
      iovs[first].iov_base = static_cast<char*>(iovs[first].iov_base) + left;
      iovs[first].iov_len -= left;
    }
  }
  return done;
}

// Waits until a stream fd is readable, in slices, so a timeout can end the wait.
Expect<void> waitReadable(WasiCall& call, int fd) {
  for (;;) {
    if (call.takeInterrupt()) return fail(ErrorCode::Interrupted, "while reading");
    pollfd p{fd, POLLIN, 0};
    int n;
    {
      UnlockedWhileWaiting unlocked(call);
      n = poll(&p, 1, 5);
    }
    if (n > 0 || (n < 0 && errno != EINTR)) return {};
  }
}

// Output to stdout/stderr, counted against --max-output: the write that
// crosses the limit is cut at the limit and then the guest is stopped.
Expect<Errno> writeOutput(WasiCall& call, FdEntry& entry, std::vector<iovec> iovs, uint32_t nwritten_ptr) {
  uint64_t wanted = totalLength(iovs);
  uint64_t allowed = call.ctx.outputAllowance(wanted);
  truncateIovecs(iovs, allowed);
  uint64_t written = 0;
  if (entry.sink) {
    for (const iovec& v : iovs)
      if (v.iov_len) entry.sink(std::string_view(static_cast<const char*>(v.iov_base), v.iov_len));
    written = allowed;
  } else if (entry.buffer) {
    for (const iovec& v : iovs) entry.buffer->append(static_cast<const char*>(v.iov_base), v.iov_len);
    written = allowed;
  } else if (entry.hostFd() >= 0) {
    WASI_TRY(n, writeAll(entry.hostFd(), iovs));
    written = n;
  } else {
    written = allowed;  // null output: discarded
  }
  call.ctx.countOutput(written);
  if (allowed < wanted) return fail(ErrorCode::OutputLimit);
  if (!call.mem.store<uint32_t>(nwritten_ptr, uint32_t(written))) return Errno::Fault;
  return ok();
}

// Writes to files, counted against --max-write the same way.
Expect<Errno> writeFile(WasiCall& call, FdEntry& entry, std::vector<iovec> iovs, std::optional<uint64_t> offset,
                        uint32_t nwritten_ptr) {
  uint64_t wanted = totalLength(iovs);
  uint64_t allowed = call.ctx.writeAllowance(wanted);
  truncateIovecs(iovs, allowed);
  ssize_t n = 0;
  if (!iovs.empty()) {
    n = offset ? pwritev(entry.hostFd(), iovs.data(), int(iovs.size()), off_t(*offset))
               : writev(entry.hostFd(), iovs.data(), int(iovs.size()));
    if (n < 0) return fromHostErrno(errno);
  }
  call.ctx.countWrite(uint64_t(n));
  if (allowed < wanted) return fail(ErrorCode::WriteLimit);
  if (!call.mem.store<uint32_t>(nwritten_ptr, uint32_t(n))) return Errno::Fault;
  return ok();
}

Expect<Errno> fdWrite(WasiCall& call) {
  WASI_TRY(entry, call.fd(call.u32(0), rights::FdWrite));
  WASI_TRY(iovs, loadIovecs(call, call.u32(1), call.u32(2)));
  if (entry->is_output) return writeOutput(call, *entry, std::move(iovs), call.u32(3));
  if (entry->kind == FdEntry::Kind::Socket) {
    ssize_t n = writev(entry->hostFd(), iovs.data(), int(iovs.size()));
    if (n < 0) return fromHostErrno(errno);
    return call.mem.store<uint32_t>(call.u32(3), uint32_t(n)) ? Errno::Success : Errno::Fault;
  }
  return writeFile(call, *entry, std::move(iovs), std::nullopt, call.u32(3));
}

Expect<Errno> fdPwrite(WasiCall& call) {
  WASI_TRY(entry, call.fd(call.u32(0), rights::FdWrite | rights::FdSeek));
  WASI_TRY(iovs, loadIovecs(call, call.u32(1), call.u32(2)));
  if (entry->kind != FdEntry::Kind::File) return Errno::Spipe;
  // With APPEND the data is appended, as Linux's pwrite does (POSIX would
  // write at the offset; either is allowed). The descriptor's offset stays.
  return writeFile(call, *entry, std::move(iovs), call.u64(3), call.u32(4));
}

Expect<Errno> fdRead(WasiCall& call) {
  WASI_TRY(entry, call.fd(call.u32(0), rights::FdRead));
  WASI_TRY(iovs, loadIovecs(call, call.u32(1), call.u32(2)));
  uint64_t got = 0;
  if (entry->kind == FdEntry::Kind::Stream && entry->borrowed_fd < 0 && !entry->owned.valid()) {
    // In-memory (or null) stdin.
    const std::string* data = entry->buffer.get();
    for (const iovec& v : iovs) {
      if (!data || entry->buffer_pos >= data->size()) break;
      size_t n = std::min(v.iov_len, data->size() - entry->buffer_pos);
      std::memcpy(v.iov_base, data->data() + entry->buffer_pos, n);
      entry->buffer_pos += n;
      got += n;
    }
  } else {
    if (entry->borrowed_fd >= 0 && !(entry->fdflags & fdflags::Nonblock)) WARDEN_TRY(waitReadable(call, entry->hostFd()));
    ssize_t n = iovs.empty() ? 0 : readv(entry->hostFd(), iovs.data(), int(iovs.size()));
    if (n < 0) return fromHostErrno(errno);
    got = uint64_t(n);
  }
  if (!call.mem.store<uint32_t>(call.u32(3), uint32_t(got))) return Errno::Fault;
  return ok();
}

Expect<Errno> fdPread(WasiCall& call) {
  WASI_TRY(entry, call.fd(call.u32(0), rights::FdRead | rights::FdSeek));
  WASI_TRY(iovs, loadIovecs(call, call.u32(1), call.u32(2)));
  if (entry->kind != FdEntry::Kind::File) return Errno::Spipe;
  if (call.u64(3) > uint64_t(INT64_MAX)) return Errno::Inval;
  ssize_t n = iovs.empty() ? 0 : preadv(entry->hostFd(), iovs.data(), int(iovs.size()), off_t(call.u64(3)));
  if (n < 0) return fromHostErrno(errno);
  if (!call.mem.store<uint32_t>(call.u32(4), uint32_t(n))) return Errno::Fault;
  return ok();
}

Expect<Errno> fdSeek(WasiCall& call) {
  int64_t offset = int64_t(call.u64(1));
  uint32_t whence = call.u32(2);
  // A pure "where am I" (offset 0 from the current position) needs only FD_TELL.
  uint64_t needed = (offset == 0 && whence == uint32_t(Whence::Cur)) ? rights::FdTell : rights::FdSeek;
  WASI_TRY(entry, call.fd(call.u32(0), needed));
  int host_whence;
  switch (Whence(whence)) {
    case Whence::Set: host_whence = SEEK_SET; break;
    case Whence::Cur: host_whence = SEEK_CUR; break;
    case Whence::End: host_whence = SEEK_END; break;
    default: return Errno::Inval;
  }
  if (whence > 2) return Errno::Inval;
  if (entry->kind == FdEntry::Kind::Directory) return Errno::IsDir;
  off_t pos = lseek(entry->hostFd(), off_t(offset), host_whence);
  if (pos < 0) return fromHostErrno(errno);
  if (!call.mem.store<uint64_t>(call.u32(3), uint64_t(pos))) return Errno::Fault;
  return ok();
}

Expect<Errno> fdTell(WasiCall& call) {
  WASI_TRY(entry, call.fd(call.u32(0), rights::FdTell));
  off_t pos = lseek(entry->hostFd(), 0, SEEK_CUR);
  if (pos < 0) return fromHostErrno(errno);
  if (!call.mem.store<uint64_t>(call.u32(1), uint64_t(pos))) return Errno::Fault;
  return ok();
}

Expect<Errno> fdClose(WasiCall& call) { return call.ctx.fds().close(call.u32(0)); }
Expect<Errno> fdRenumber(WasiCall& call) { return call.ctx.fds().renumber(call.u32(0), call.u32(1)); }

Expect<Errno> fdSync(WasiCall& call) {
  WASI_TRY(entry, call.fd(call.u32(0), rights::FdSync));
  if (entry->hostFd() >= 0 && fsync(entry->hostFd()) != 0 && errno != EINVAL) return fromHostErrno(errno);
  return ok();
}

Expect<Errno> fdDatasync(WasiCall& call) {
  WASI_TRY(entry, call.fd(call.u32(0), rights::FdDatasync));
  if (entry->hostFd() >= 0 && fdatasync(entry->hostFd()) != 0 && errno != EINVAL) return fromHostErrno(errno);
  return ok();
}

Expect<Errno> fdAdvise(WasiCall& call) {
  WASI_TRY(entry, call.fd(call.u32(0), rights::FdAdvise));
  static constexpr int kAdvice[] = {POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                    POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
  uint32_t advice = call.u32(3);
  if (advice >= std::size(kAdvice)) return Errno::Inval;
  if (entry->kind != FdEntry::Kind::File) return Errno::Badf;
  int rc = posix_fadvise(entry->hostFd(), off_t(call.u64(1)), off_t(call.u64(2)), kAdvice[advice]);
  return rc == 0 ? Errno::Success : fromHostErrno(rc);
}

Expect<Errno> fdAllocate(WasiCall& call) {
  WASI_TRY(entry, call.fd(call.u32(0), rights::FdAllocate));
  if (entry->read_only) return Errno::Rofs;
  if (entry->kind != FdEntry::Kind::File) return Errno::Badf;
  uint64_t offset = call.u64(1), len = call.u64(2);
  if (offset > uint64_t(INT64_MAX) || len > uint64_t(INT64_MAX) - offset) return Errno::Fbig;
  struct stat info {};
  if (fstat(entry->hostFd(), &info) != 0) return fromHostErrno(errno);
  uint64_t end = offset + len;
  uint64_t growth = end > uint64_t(info.st_size) ? end - uint64_t(info.st_size) : 0;
  // Reserving disk counts against --max-write; beyond it the guest is refused.
  if (call.ctx.writeAllowance(growth) < growth) return Errno::Fbig;
  int rc = posix_fallocate(entry->hostFd(), off_t(offset), off_t(len));
  if (rc != 0) return fromHostErrno(rc);
  call.ctx.countWrite(growth);
  return ok();
}

constexpr WasiFunction kFunctions[] = {
    {"fd_read", "iiii", true, fdRead},
    {"fd_write", "iiii", true, fdWrite},
    {"fd_pread", "iiiIi", true, fdPread},
    {"fd_pwrite", "iiiIi", true, fdPwrite},
    {"fd_seek", "iIii", true, fdSeek},
    {"fd_tell", "ii", true, fdTell},
    {"fd_close", "i", true, fdClose},
    {"fd_renumber", "ii", true, fdRenumber},
    {"fd_sync", "i", true, fdSync},
    {"fd_datasync", "i", true, fdDatasync},
    {"fd_advise", "iIIi", true, fdAdvise},
    {"fd_allocate", "iII", true, fdAllocate},
};

}  // namespace

std::span<const WasiFunction> fdIoFunctions() { return kFunctions; }

constexpr uint32_t kMaxIovecs = 1024;  // IOV_MAX

WasiResult<std::vector<iovec>> loadIovecs(const WasiCall& call, uint32_t ptr, uint32_t count) {
  if (count > kMaxIovecs) return std::unexpected(Errno::Inval);
  std::vector<iovec> out;
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    auto buf = call.mem.load<uint32_t>(ptr + i * layout::kIovecSize);
    auto len = call.mem.load<uint32_t>(ptr + i * layout::kIovecSize + 4);
    if (!buf || !len || uint64_t(ptr) + uint64_t(i + 1) * layout::kIovecSize > 0xFFFFFFFFull)
      return std::unexpected(Errno::Fault);
    auto bytes = call.mem.bytes(*buf, *len);
    if (!bytes) return std::unexpected(Errno::Fault);
    if (*len > 0) out.push_back({bytes->data(), bytes->size()});
  }
  return out;
}


}  // namespace warden::wasi
