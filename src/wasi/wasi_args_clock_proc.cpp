// args_*, environ_*, clock_*, random_get, sched_yield, proc_exit, proc_raise.
#include <sched.h>
#include <sys/random.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <thread>
#include <vector>

#include "wasi/errno_map.h"
#include "wasi/wasi_host.h"

namespace warden::wasi {

namespace {

// Writes a list of NUL-terminated strings: pointers at `ptrs`, bytes at `buf`.
Expect<Errno> storeStringList(WasiCall& call, const std::vector<std::string>& items, uint32_t ptrs, uint32_t buf) {
  uint64_t offset = buf;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!call.mem.store<uint32_t>(ptrs + uint32_t(i * 4), uint32_t(offset))) return Errno::Fault;
    if (offset > 0xFFFFFFFFull) return Errno::Fault;
    auto out = call.mem.bytes(uint32_t(offset), uint32_t(items[i].size() + 1));
    if (!out) return Errno::Fault;
    std::copy(items[i].begin(), items[i].end(), out->begin());
    (*out)[items[i].size()] = 0;
    offset += items[i].size() + 1;
  }
  return Errno::Success;
}

Expect<Errno> storeSizes(WasiCall& call, const std::vector<std::string>& items) {
  uint64_t bytes = 0;
  for (const std::string& s : items) bytes += s.size() + 1;
  if (!call.mem.store<uint32_t>(call.u32(0), uint32_t(items.size()))) return Errno::Fault;
  if (!call.mem.store<uint32_t>(call.u32(1), uint32_t(bytes))) return Errno::Fault;
  return Errno::Success;
}

std::vector<std::string> envStrings(const WasiConfig& config) {
  std::vector<std::string> out;
  for (const auto& [key, value] : config.envVars()) out.push_back(key + "=" + value);
  return out;
}

Expect<Errno> argsGet(WasiCall& call) { return storeStringList(call, call.ctx.config().args(), call.u32(0), call.u32(1)); }
Expect<Errno> argsSizesGet(WasiCall& call) { return storeSizes(call, call.ctx.config().args()); }
Expect<Errno> environGet(WasiCall& call) { return storeStringList(call, envStrings(call.ctx.config()), call.u32(0), call.u32(1)); }
Expect<Errno> environSizesGet(WasiCall& call) { return storeSizes(call, envStrings(call.ctx.config())); }

WasiResult<clockid_t> hostClock(uint32_t id) {
  switch (ClockId(id)) {
    case ClockId::Realtime: return CLOCK_REALTIME;
    case ClockId::Monotonic: return CLOCK_MONOTONIC;
    case ClockId::ProcessCputime: return CLOCK_PROCESS_CPUTIME_ID;
    case ClockId::ThreadCputime: return CLOCK_THREAD_CPUTIME_ID;
  }
  return std::unexpected(Errno::Inval);
}

uint64_t toNanos(const timespec& t) { return uint64_t(t.tv_sec) * 1'000'000'000ull + uint64_t(t.tv_nsec); }

Expect<Errno> clockResGet(WasiCall& call) {
  WASI_TRY(clock, hostClock(call.u32(0)));
  timespec res{};
  if (clock_getres(clock, &res) != 0) return fromHostErrno(errno);
  if (!call.mem.store<uint64_t>(call.u32(1), toNanos(res))) return Errno::Fault;
  return ok();
}

Expect<Errno> clockTimeGet(WasiCall& call) {
  WASI_TRY(clock, hostClock(call.u32(0)));
  timespec now{};
  if (clock_gettime(clock, &now) != 0) return fromHostErrno(errno);
  if (!call.mem.store<uint64_t>(call.u32(2), toNanos(now))) return Errno::Fault;
  return ok();
}

Expect<Errno> randomGet(WasiCall& call) {
  auto out = call.mem.bytes(call.u32(0), call.u32(1));
  if (!out) return Errno::Fault;
  size_t done = 0;
  while (done < out->size()) {
    ssize_t n = getrandom(out->data() + done, out->size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fromHostErrno(errno);
    }
    done += size_t(n);
  }
  return ok();
}

Expect<Errno> schedYield(WasiCall& call) {
  UnlockedWhileWaiting unlocked(call);  // a yield to the sandbox's other threads, too
  sched_yield();
  return ok();
}

Expect<Errno> procExit(WasiCall& call) {
  call.ctx.setExitCode(call.u32(0));
  return std::unexpected(Error(ErrorCode::Exit, std::to_string(call.u32(0))));
}

// Signals are not delivered to guests.
Expect<Errno> procRaise(WasiCall&) { return Errno::NoSys; }

constexpr WasiFunction kFunctions[] = {
    {"args_get", "ii", true, argsGet},
    {"args_sizes_get", "ii", true, argsSizesGet},
    {"environ_get", "ii", true, environGet},
    {"environ_sizes_get", "ii", true, environSizesGet},
    {"clock_res_get", "ii", true, clockResGet},
    {"clock_time_get", "iIi", true, clockTimeGet},
    {"random_get", "ii", true, randomGet},
    {"sched_yield", "", true, schedYield},
    {"proc_exit", "i", false, procExit},
    {"proc_raise", "i", true, procRaise},
};

}  // namespace

std::span<const WasiFunction> argsClockProcFunctions() { return kFunctions; }

uint64_t monotonicNanos() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return toNanos(now);
}

Expect<void> sleepUntil(WasiCall& call, uint64_t deadline_ns) {
  constexpr uint64_t kSliceNs = 5'000'000;  // how soon an interruption is noticed
  for (;;) {
    if (call.takeInterrupt()) return fail(ErrorCode::Interrupted, "while sleeping");
    uint64_t now = monotonicNanos();
    if (now >= deadline_ns) return {};
    uint64_t step = std::min(deadline_ns - now, kSliceNs);
    timespec ts{time_t(step / 1'000'000'000ull), long(step % 1'000'000'000ull)};
    UnlockedWhileWaiting unlocked(call);
    nanosleep(&ts, nullptr);
  }
}

}  // namespace warden::wasi
