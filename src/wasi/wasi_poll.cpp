// poll_oneoff: clock subscriptions (sleep) and fd read/write readiness.
// Waits in short slices so that an interruption (timeout) ends the wait.
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "wasi/errno_map.h"
#include "wasi/wasi_host.h"

namespace warden::wasi {

namespace {

constexpr uint32_t kMaxSubscriptions = 4096;
constexpr uint64_t kSliceNs = 5'000'000;

struct Event {
  uint64_t userdata = 0;
  Errno error = Errno::Success;
  EventType type = EventType::Clock;
  uint64_t nbytes = 0;
  uint16_t flags = 0;
};

struct Pending {
  uint64_t userdata;
  EventType type;
  uint64_t deadline = 0;  // clocks: CLOCK_MONOTONIC ns
  int host_fd = -1;       // fds waited on with poll()
};

uint64_t clockNow(clockid_t id) {
  timespec t{};
  clock_gettime(id, &t);
  return uint64_t(t.tv_sec) * 1'000'000'000ull + uint64_t(t.tv_nsec);
}

// A clock subscription's deadline on the monotonic clock.
WasiResult<uint64_t> deadlineOf(uint32_t clock, uint64_t timeout, uint16_t flags) {
  uint64_t now = monotonicNanos();
  if (clock > uint32_t(ClockId::ThreadCputime)) return std::unexpected(Errno::Inval);
  if (!(flags & kSubclockAbstime)) return now + std::min<uint64_t>(timeout, UINT64_MAX - now);
  if (ClockId(clock) == ClockId::Monotonic) return timeout;
  clockid_t host = ClockId(clock) == ClockId::Realtime ? CLOCK_REALTIME
                   : ClockId(clock) == ClockId::ProcessCputime ? CLOCK_PROCESS_CPUTIME_ID
                                                              : CLOCK_THREAD_CPUTIME_ID;
  uint64_t then = clockNow(host);
  return timeout <= then ? now : now + (timeout - then);
}

// Readiness that needs no waiting: files, in-memory streams.
std::optional<Event> immediate(FdEntry& entry, uint64_t userdata, EventType type) {
  Event ev{userdata, Errno::Success, type, 0, 0};
  if (entry.kind == FdEntry::Kind::File && entry.filetype == Filetype::RegularFile) {
    if (type == EventType::FdRead) {
      struct stat info {};
      off_t pos = lseek(entry.hostFd(), 0, SEEK_CUR);
      if (fstat(entry.hostFd(), &info) == 0 && pos >= 0 && info.st_size > pos) ev.nbytes = uint64_t(info.st_size - pos);
    }
    return ev;
  }
  if (entry.hostFd() < 0) {  // buffer or null stream
    if (type == EventType::FdRead && entry.buffer && entry.buffer_pos < entry.buffer->size())
      ev.nbytes = entry.buffer->size() - entry.buffer_pos;
    else if (type == EventType::FdRead)
      ev.flags = kEventFdReadwriteHangup;
    return ev;
  }
  return std::nullopt;
}

Expect<Errno> pollOneoff(WasiCall& call) {
  uint32_t in = call.u32(0), out = call.u32(1), count = call.u32(2);
  if (count == 0 || count > kMaxSubscriptions) return Errno::Inval;
  if (!call.mem.inBounds(in, uint64_t(count) * layout::kSubscriptionSize) ||
      !call.mem.inBounds(out, uint64_t(count) * layout::kEventSize) || !call.mem.inBounds(call.u32(3), 4))
    return Errno::Fault;

  std::vector<Event> ready;
  std::vector<Pending> clocks, fds;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t sub = in + i * layout::kSubscriptionSize;
    uint64_t userdata = *call.mem.load<uint64_t>(sub);
    uint8_t tag = *call.mem.load<uint8_t>(sub + 8);
    if (tag == uint8_t(EventType::Clock)) {
      auto deadline = deadlineOf(*call.mem.load<uint32_t>(sub + 16), *call.mem.load<uint64_t>(sub + 24),
                                 *call.mem.load<uint16_t>(sub + 40));
      if (!deadline) ready.push_back({userdata, deadline.error(), EventType::Clock});
      else clocks.push_back({userdata, EventType::Clock, *deadline});
    } else if (tag == uint8_t(EventType::FdRead) || tag == uint8_t(EventType::FdWrite)) {
      EventType type = EventType(tag);
      auto entry = call.fd(*call.mem.load<uint32_t>(sub + 16), rights::PollFdReadwrite);
      if (!entry) {
        ready.push_back({userdata, entry.error(), type});
        continue;
      }
      if (auto ev = immediate(**entry, userdata, type)) ready.push_back(*ev);
      else fds.push_back({userdata, type, 0, (*entry)->hostFd()});
    } else {
      return Errno::Inval;
    }
  }

  std::vector<pollfd> polls;
  for (const Pending& p : fds) polls.push_back({p.host_fd, short(p.type == EventType::FdRead ? POLLIN : POLLOUT), 0});
  for (;;) {
    uint64_t now = monotonicNanos();
    uint64_t wait_ns = ready.empty() ? kSliceNs : 0;
    for (const Pending& c : clocks) wait_ns = std::min(wait_ns, c.deadline > now ? c.deadline - now : 0);
    if (!polls.empty()) {
      int n;
      {
        UnlockedWhileWaiting unlocked(call);  // the polled entries are pinned (call.fd)
        n = poll(polls.data(), polls.size(), int((wait_ns + 999'999) / 1'000'000));
      }
      if (n < 0 && errno != EINTR) return fromHostErrno(errno);
    } else if (wait_ns > 0) {
      timespec ts{0, long(wait_ns)};
      UnlockedWhileWaiting unlocked(call);
      nanosleep(&ts, nullptr);
    }
    for (size_t i = 0; i < polls.size(); ++i) {
      if (!polls[i].revents) continue;
      Event ev{fds[i].userdata, Errno::Success, fds[i].type, 0, 0};
      if (polls[i].revents & POLLHUP) ev.flags = kEventFdReadwriteHangup;
      if (polls[i].revents & (POLLERR | POLLNVAL)) ev.error = Errno::Io;
      int available = 0;
      if (fds[i].type == EventType::FdRead && ioctl(polls[i].fd, FIONREAD, &available) == 0) ev.nbytes = uint64_t(available);
      ready.push_back(ev);
    }
    now = monotonicNanos();
    for (const Pending& c : clocks)
      if (c.deadline <= now) ready.push_back({c.userdata, Errno::Success, EventType::Clock});
    if (!ready.empty()) break;
    if (call.takeInterrupt()) return fail(ErrorCode::Interrupted, "in poll_oneoff");
  }

  uint32_t written = 0;
  for (const Event& ev : ready) {
    if (written == count) break;
    uint32_t at = out + written * layout::kEventSize;
    std::fill_n(call.mem.bytes(at, layout::kEventSize)->data(), layout::kEventSize, 0);
    call.mem.store<uint64_t>(at, ev.userdata);
    call.mem.store<uint16_t>(at + 8, uint16_t(ev.error));
    call.mem.store<uint8_t>(at + 10, uint8_t(ev.type));
    call.mem.store<uint64_t>(at + 16, ev.nbytes);
    call.mem.store<uint16_t>(at + 24, ev.flags);
    ++written;
  }
  call.mem.store<uint32_t>(call.u32(3), written);
  return ok();
}

constexpr WasiFunction kFunctions[] = {
    {"poll_oneoff", "iiii", true, pollOneoff},
};

}  // namespace

std::span<const WasiFunction> pollFunctions() { return kFunctions; }

}  // namespace warden::wasi
