// sock_accept, sock_recv, sock_send, sock_shutdown on sockets the host
// handed to the guest (WasiConfig::socket); there are none by default.
#include <sys/socket.h>

#include <cerrno>

#include "wasi/errno_map.h"
#include "wasi/wasi_host.h"

namespace warden::wasi {

namespace {

// BADF for no descriptor, NOTSOCK for a non-socket, then the rights check.
WasiResult<FdEntry*> socketFd(const WasiCall& call, uint32_t number, uint64_t needed) {
  FdEntry* entry = call.ctx.fds().get(number);
  if (!entry) return std::unexpected(Errno::Badf);
  if (entry->kind != FdEntry::Kind::Socket) return std::unexpected(Errno::NotSock);
  if (!entry->has(needed)) return std::unexpected(Errno::NotCapable);
  return entry;
}

Expect<Errno> sockAccept(WasiCall& call) {
  WASI_TRY(entry, socketFd(call, call.u32(0), rights::SockAccept));
  if (call.u32(1) & ~uint32_t(fdflags::Nonblock)) return Errno::Inval;
  if (!call.mem.inBounds(call.u32(2), 4)) return Errno::Fault;
  int flags = SOCK_CLOEXEC | ((call.u32(1) & fdflags::Nonblock) ? SOCK_NONBLOCK : 0);
  int fd = accept4(entry->hostFd(), nullptr, nullptr, flags);
  if (fd < 0) return fromHostErrno(errno);
  auto accepted = std::make_unique<FdEntry>();
  accepted->kind = FdEntry::Kind::Socket;
  accepted->filetype = Filetype::SocketStream;
  accepted->owned = OwnedFd(fd);
  accepted->rights_base = rights::Socket & ~rights::SockAccept;
  accepted->fdflags = uint16_t(call.u32(1));
  WASI_TRY(number, call.ctx.fds().insert(std::move(accepted)));
  call.mem.store<uint32_t>(call.u32(2), number);
  return ok();
}

Expect<Errno> sockRecv(WasiCall& call) {
  WASI_TRY(entry, socketFd(call, call.u32(0), rights::FdRead));
  WASI_TRY(iovs, loadIovecs(call, call.u32(1), call.u32(2)));
  uint32_t riflags = call.u32(3);
  if (riflags & ~uint32_t(riflags::RecvPeek | riflags::RecvWaitall)) return Errno::Inval;
  msghdr msg{};
  msg.msg_iov = iovs.data();
  msg.msg_iovlen = iovs.size();
  int flags = ((riflags & riflags::RecvPeek) ? MSG_PEEK : 0) | ((riflags & riflags::RecvWaitall) ? MSG_WAITALL : 0);
  ssize_t n = recvmsg(entry->hostFd(), &msg, flags);
  if (n < 0) return fromHostErrno(errno);
  if (!call.mem.store<uint32_t>(call.u32(4), uint32_t(n)) ||
      !call.mem.store<uint16_t>(call.u32(5), (msg.msg_flags & MSG_TRUNC) ? 1 : 0))
    return Errno::Fault;
  return ok();
}

Expect<Errno> sockSend(WasiCall& call) {
  WASI_TRY(entry, socketFd(call, call.u32(0), rights::FdWrite));
  WASI_TRY(iovs, loadIovecs(call, call.u32(1), call.u32(2)));
  msghdr msg{};
  msg.msg_iov = iovs.data();
  msg.msg_iovlen = iovs.size();
  ssize_t n = sendmsg(entry->hostFd(), &msg, MSG_NOSIGNAL);
  if (n < 0) return fromHostErrno(errno);
  if (!call.mem.store<uint32_t>(call.u32(4), uint32_t(n))) return Errno::Fault;
  return ok();
}

Expect<Errno> sockShutdown(WasiCall& call) {
  WASI_TRY(entry, socketFd(call, call.u32(0), rights::SockShutdown));
  int how;
  switch (call.u32(1)) {
    case sdflags::Rd: how = SHUT_RD; break;
    case sdflags::Wr: how = SHUT_WR; break;
    case sdflags::Rd | sdflags::Wr: how = SHUT_RDWR; break;
    default: return Errno::Inval;
  }
  if (shutdown(entry->hostFd(), how) != 0) return fromHostErrno(errno);
  return ok();
}

constexpr WasiFunction kFunctions[] = {
    {"sock_accept", "iii", true, sockAccept},
    {"sock_recv", "iiiiii", true, sockRecv},
    {"sock_send", "iiiii", true, sockSend},
    {"sock_shutdown", "ii", true, sockShutdown},
};

}  // namespace

std::span<const WasiFunction> sockFunctions() { return kFunctions; }

}  // namespace warden::wasi
