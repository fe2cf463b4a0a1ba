// poll_oneoff: a relative clock timeout waits at least its duration, an
// absolute one fires, and stdin (a pipe with data) is reported readable.
// warden-test: stdin=ready\n
#include <poll.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

#include "wasi_test.h"

static __wasi_timestamp_t now_ns(void) {
  __wasi_timestamp_t t = 0;
  if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t)) return 0;
  return t;
}

static void clock_wait(const char* label, __wasi_timestamp_t timeout, int absolute, __wasi_timestamp_t min_ns) {
  __wasi_subscription_t sub = {0};
  sub.userdata = 42;
  sub.u.tag = __WASI_EVENTTYPE_CLOCK;
  sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  sub.u.u.clock.timeout = timeout;
  sub.u.u.clock.flags = absolute ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
  __wasi_event_t ev = {0};
  __wasi_size_t n = 0;
  __wasi_timestamp_t start = now_ns();
  __wasi_errno_t err = __wasi_poll_oneoff(&sub, &ev, 1, &n);
  __wasi_timestamp_t elapsed = now_ns() - start;
  printf("%s: err %d, events %u, userdata %llu, type clock %s, waited long enough %s\n", label, err,
         (unsigned)n, (unsigned long long)ev.userdata, ev.type == __WASI_EVENTTYPE_CLOCK ? "yes" : "no",
         elapsed >= min_ns ? "yes" : "no");
}

int main(void) {
  clock_wait("relative 50ms", 50000000ull, 0, 50000000ull);
  clock_wait("absolute now+30ms", now_ns() + 30000000ull, 1, 25000000ull);
  clock_wait("zero timeout", 0, 0, 0);

  // stdin readiness raced against a 5 s timeout: the data is already there.
  __wasi_subscription_t subs[2] = {0};
  subs[0].userdata = 1;
  subs[0].u.tag = __WASI_EVENTTYPE_FD_READ;
  subs[0].u.u.fd_read.file_descriptor = 0;
  subs[1].userdata = 2;
  subs[1].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[1].u.u.clock.timeout = 5000000000ull;
  __wasi_event_t evs[2] = {0};
  __wasi_size_t n = 0;
  __wasi_timestamp_t start = now_ns();
  __wasi_errno_t err = __wasi_poll_oneoff(subs, evs, 2, &n);
  int stdin_ready = 0;
  for (__wasi_size_t i = 0; i < n; i++)
    if (evs[i].userdata == 1 && evs[i].type == __WASI_EVENTTYPE_FD_READ && evs[i].error == 0) stdin_ready = 1;
  printf("stdin poll: err %d, stdin ready %s, before timeout %s\n", err, stdin_ready ? "yes" : "no",
         now_ns() - start < 4000000000ull ? "yes" : "no");

  char buf[16] = {0};
  ssize_t got = read(0, buf, sizeof buf - 1);
  printf("read after poll: %zd [%.5s]\n", got, buf);

  struct pollfd p = {.fd = 0, .events = POLLRDNORM};
  printf("libc poll on stdin at EOF: %d\n", poll(&p, 1, 1000));
  return 0;
}
