// Snapshot benchmark, in one process (issue 7's figures):
//   start    acquire-to-running: from asking for a sandbox to the first
//            statement of the user's code (read from the guest's monotonic
//            clock, which is the host's CLOCK_MONOTONIC), for sandboxes
//            restored from a snapshot (with and without a pool), against a
//            fresh instantiate-and-initialise; and the whole run of `pass`;
//   density  N live Python sessions that each ran a small program and keep
//            its state: private memory (USS) and PSS per sandbox.
//
//   warden_snapshot_bench [--home DIR] [--count N] [--fresh N] [--density N,N...]
// Prints one line per measurement; bench/snapshot/run.py adds the
// whole-process comparison and writes the table.
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "sandbox/python_home.h"
#include "sandbox/python_runtime.h"
#include "sandbox/sandbox.h"

namespace {

using namespace warden;
using namespace warden::sandbox;
using Clock = std::chrono::steady_clock;

// CPU time of this thread: what a measurement costs apart from waiting for
// a core on a loaded machine.
double threadCpuMs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

// Minor page faults taken by this thread so far (each ~10 us on these VMs).
long threadFaults() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_minflt;
}

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  size_t i = std::min(v.size() - 1, size_t(p / 100.0 * double(v.size())));
  return v[i];
}

void report(const char* name, const std::vector<double>& v) {
  std::printf("start %-28s n=%-5zu p50 %8.3f ms  p99 %8.3f ms\n", name, v.size(), percentile(v, 50), percentile(v, 99));
  std::fflush(stdout);
}

// Pss and USS (private clean + dirty) of this process, in KiB.
std::pair<uint64_t, uint64_t> memoryKiB() {
  std::ifstream in("/proc/self/smaps_rollup");
  std::string line;
  uint64_t pss = 0, priv = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string key;
    uint64_t value = 0;
    fields >> key >> value;
    if (key == "Pss:") pss = value;
    if (key == "Private_Clean:" || key == "Private_Dirty:") priv += value;
  }
  return {pss, priv};
}

// The user code's first statement reports when it ran.
constexpr const char* kStamp = "import time\nprint(time.monotonic_ns())";

uint64_t nowNs() { return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count()); }

bool check(const Result& r, const char* what) {
  if (r.status == Status::Ok) return true;
  std::fprintf(stderr, "%s failed: %s %s\n", what, r.message.c_str(), r.stderr_data.c_str());
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  std::string home;
  int count = 1000, fresh_count = 20;
  std::vector<int> densities = {100, 1000};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--home" && i + 1 < argc) home = argv[++i];
    else if (a == "--count" && i + 1 < argc) count = std::stoi(argv[++i]);
    else if (a == "--fresh" && i + 1 < argc) fresh_count = std::stoi(argv[++i]);
    else if (a == "--density" && i + 1 < argc) {
      densities.clear();
      std::stringstream list(argv[++i]);
      for (std::string n; std::getline(list, n, ',');) densities.push_back(std::stoi(n));
    } else {
      std::fprintf(stderr, "usage: warden_snapshot_bench [--home DIR] [--count N] [--fresh N] [--density N,N...]\n");
      return 2;
    }
  }
  if (home.empty()) home = locatePythonHome(std::nullopt);
  Engine engine;
  const std::vector<std::string> preload = {"json", "re", "math", "collections"};

  // Fresh: a new runtime makes its snapshot, i.e. instantiates and starts
  // CPython; the snapshot it takes is the only extra work.
  std::vector<double> fresh;
  for (int i = 0; i < fresh_count; ++i) {
    auto t0 = Clock::now();
    auto runtime = PythonRuntime::create(engine, {.home = home, .preload = preload});
    if (!runtime) return std::fprintf(stderr, "%s\n", runtime.error().message().c_str()), 1;
    fresh.push_back(ms((*runtime)->initDuration()));
    (void)t0;
  }
  report("fresh instantiate+init", fresh);

  auto runtime = PythonRuntime::create(engine, {.home = home, .preload = preload});
  if (!runtime) return std::fprintf(stderr, "%s\n", runtime.error().message().c_str()), 1;
  std::vector<double> restore_only, restore_running, restore_run;
  for (int i = 0; i < count; ++i) {
    auto t0 = Clock::now();
    auto box = (*runtime)->acquire({});
    if (!box) return 1;
    restore_only.push_back(ms(Clock::now() - t0));
    uint64_t asked = nowNs();
    Result stamped = (*runtime)->run(kStamp, {});
    if (!check(stamped, "stamp")) return 1;
    restore_running.push_back(double(std::stoull(stamped.stdout_data) - asked) / 1e6);
    auto t2 = Clock::now();
    Result r = (*runtime)->run("pass", {});
    restore_run.push_back(ms(Clock::now() - t2));
    if (!check(r, "run")) return 1;
  }
  report("snapshot acquire", restore_only);
  report("snapshot acquire-to-running", restore_running);
  report("snapshot acquire+run(pass)", restore_run);

  auto pooled = PythonRuntime::create(engine, {.home = home, .preload = preload, .pool_size = 8});
  if (!pooled) return 1;
  std::vector<double> pool_acquire, pool_acquire_cpu, pool_running, pool_run, pool_run_cpu, pool_run_faults;
  for (int i = 0; i < count; ++i) {
    (*pooled)->waitForPool();  // a steady state: the refiller keeps up between requests
    double cpu0 = threadCpuMs();
    auto t0 = Clock::now();
    auto box = (*pooled)->acquire({});
    pool_acquire.push_back(ms(Clock::now() - t0));
    pool_acquire_cpu.push_back(threadCpuMs() - cpu0);
    if (!box) return 1;
    (*pooled)->waitForPool();
    uint64_t asked = nowNs();
    Result stamped = (*pooled)->run(kStamp, {});
    if (!check(stamped, "pooled stamp")) return 1;
    pool_running.push_back(double(std::stoull(stamped.stdout_data) - asked) / 1e6);
    (*pooled)->waitForPool();
    long faults0 = threadFaults();
    double run_cpu0 = threadCpuMs();
    auto t2 = Clock::now();
    Result r = (*pooled)->run("pass", {});
    pool_run.push_back(ms(Clock::now() - t2));
    pool_run_cpu.push_back(threadCpuMs() - run_cpu0);
    pool_run_faults.push_back(double(threadFaults() - faults0));
    if (!check(r, "pooled run")) return 1;
  }
  report("pool acquire", pool_acquire);
  report("pool acquire (thread CPU)", pool_acquire_cpu);
  report("pool acquire-to-running", pool_running);
  report("pool acquire+run(pass)", pool_run);
  report("pool acquire+run(pass) CPU", pool_run_cpu);
  std::printf("start %-28s n=%-5zu p50 %8.0f     p99 %8.0f\n", "pool run(pass) page faults", pool_run_faults.size(),
              percentile(pool_run_faults, 50), percentile(pool_run_faults, 99));
  std::printf("ratio fresh/pool acquire-to-running p50 %.0fx\n", percentile(fresh, 50) / percentile(pool_running, 50));

  // Density: live sessions holding state.
  for (int n : densities) {
    auto [pss0, uss0] = memoryKiB();
    std::vector<std::unique_ptr<PythonSession>> sessions;
    for (int i = 0; i < n; ++i) {
      auto session = (*runtime)->openSession({});
      if (!session) return std::fprintf(stderr, "session %d: %s\n", i, session.error().message().c_str()), 1;
      Result r = (*session)->run("import json\ndata = {str(i): i * i for i in range(200)}\ntext = json.dumps(data)\n", {});
      if (!check(r, "session run")) return 1;
      sessions.push_back(std::move(*session));
    }
    auto [pss1, uss1] = memoryKiB();
    std::printf("density n=%-5d pss/sandbox %7.2f MiB  uss/sandbox %7.2f MiB  (process pss %.0f MiB)\n", n,
                double(pss1 - pss0) / 1024 / n, double(uss1 - uss0) / 1024 / n, double(pss1) / 1024);
    std::fflush(stdout);
  }
  return 0;
}
