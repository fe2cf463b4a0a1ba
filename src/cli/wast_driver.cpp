// Runs many spec scripts in parallel and prints their reports in order.
// By default each script runs in a child process (warden itself, started
// again) supervised by a worker thread: an engine crash or hang in one
// script then becomes a failure line instead of the end of the whole run.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <exception>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "support/host_io.h"
#include "cli/wast_runner.h"

namespace warden::cli {

namespace {

// The descriptor a child writes its records to.
constexpr int kChildReportFd = 3;

struct ScriptReport {
  std::vector<std::string> lines;
  ScriptCounts counts;
};

class CollectingObserver final : public ScriptObserver {
 public:
  explicit CollectingObserver(ScriptReport& report) : report_(report) {}
  void failure(std::string_view line) override { report_.lines.emplace_back(line); }
  void progress(uint32_t, const ScriptCounts&) override {}

 private:
  ScriptReport& report_;
};

// `work_dir` empty: the script makes its own temporary directory.
ScriptCounts runScriptGuarded(const std::string& path, const std::string& work_dir, const WastOptions& options,
                              ScriptObserver& observer) {
  // Last-resort guard (e.g. std::bad_alloc from a library): the runner must
  // report, not die.
  try {
    return work_dir.empty() ? runScript(path, options, observer) : runScriptIn(path, work_dir, options, observer);
  } catch (const std::exception& e) {
    observer.failure(fmt::format("{}:0: script: expected completion, got exception: {}", scriptDisplayName(path), e.what()));
    return ScriptCounts{0, 1, 0};
  }
}

ScriptReport runInProcess(const std::string& path, const WastOptions& options) {
  ScriptReport report;
  CollectingObserver observer(report);
  report.counts = runScriptGuarded(path, {}, options, observer);
  return report;
}

// --- Isolated mode: a child streams records, one per line -----------------------
//   F <failure line>            a failing command
//   P <line> <pass> <fail> <skip>  about to run the command at <line>
//   D <pass> <fail> <skip>      the script finished

void writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the parent is gone; nothing useful left to do
    data.remove_prefix(size_t(n));
  }
}

class PipeObserver final : public ScriptObserver {
 public:
  explicit PipeObserver(int fd) : fd_(fd) {}
  void failure(std::string_view line) override { writeAll(fd_, fmt::format("F {}\n", line)); }
  void progress(uint32_t line, const ScriptCounts& c) override {
    writeAll(fd_, fmt::format("P {} {} {} {}\n", line, c.passed, c.failed, c.skipped));
  }

 private:
  int fd_;
};

// The child re-executes warden (`warden wast --report-fd N --work-dir DIR
// SCRIPT`, runWastChild below) rather than running the script in the forked
// copy: after a fork in a process with threads only exec-safe calls are
// safe (another thread may have held the allocator's lock at the fork, and
// a sanitizer's allocator has no fork handler), so the child calls nothing
// but dup2, close_range and execv.
[[noreturn]] void execChild(int fd, const std::vector<char*>& argv) {
  if (fd != kChildReportFd) {
    dup2(fd, kChildReportFd);  // not O_CLOEXEC: survives the exec
  } else {
    fcntl(fd, F_SETFD, 0);
  }
  close_range(kChildReportFd + 1, ~0u, 0);  // other children's pipes: their parents must see EOF
  execv("/proc/self/exe", argv.data());
  _exit(127);
}

std::vector<std::string> childArguments(const std::string& path, const std::string& work_dir, const WastOptions& options) {
  std::vector<std::string> args = {"warden", "wast", "--report-fd", std::to_string(kChildReportFd), "--work-dir", work_dir};
  if (options.lazy) args.push_back("--lazy");
  if (options.threads) args.push_back("--enable-threads");
  if (options.include_simd) args.push_back("--include-simd");
  args.push_back(path);
  return args;
}

// Reassembles a child's records.
class RecordReader {
 public:
  void feed(std::string_view bytes) {
    pending_.append(bytes);
    size_t start = 0;
    for (size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1)
      onRecord(std::string_view(pending_).substr(start, nl - start));
    pending_.erase(0, start);
  }

  ScriptReport report;
  bool done = false;
  uint32_t last_line = 0;

 private:
  void onRecord(std::string_view record) {
    if (record.size() < 2) return;
    std::string_view body = record.substr(2);
    std::istringstream fields{std::string(body)};
    ScriptCounts& c = report.counts;
    switch (record[0]) {
      case 'F': report.lines.emplace_back(body); break;
      case 'P': fields >> last_line >> c.passed >> c.failed >> c.skipped; break;
      case 'D': fields >> c.passed >> c.failed >> c.skipped; done = true; break;
      default: break;
    }
  }
  std::string pending_;
};

std::string describeExit(int status) {
  if (WIFSIGNALED(status)) return fmt::format("signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
  return fmt::format("exit status {}", WEXITSTATUS(status));
}

// Reads the child's records until EOF or the deadline; true on EOF.
bool readUntilEof(int fd, RecordReader& reader, std::chrono::steady_clock::time_point deadline) {
  char buffer[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, int(std::min<int64_t>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) return true;
    if (ready <= 0) continue;
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    reader.feed(std::string_view(buffer, size_t(n)));
  }
}

ScriptReport runIsolated(const std::string& path, const WastOptions& options) {
  // Made (and removed) here, so a crashing child leaves nothing behind.
  Expect<TempDir> work_dir = TempDir::create("warden-wast-");
  if (!work_dir) return runInProcess(path, options);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return runInProcess(path, options);
  // Everything the child needs is made before the fork.
  std::vector<std::string> args = childArguments(path, work_dir->path(), options);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return runInProcess(path, options);
  }
  if (pid == 0) execChild(fds[1], argv);
  ::close(fds[1]);
  RecordReader reader;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.timeout_seconds);
  bool finished = readUntilEof(fds[0], reader, deadline);
  ::close(fds[0]);
  if (!finished) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!reader.done) {
    std::string got = finished ? describeExit(status) : fmt::format("no end after {} s (killed)", options.timeout_seconds);
    reader.report.lines.push_back(fmt::format("{}:{}: crash: expected the script to finish, got {}",
                                              scriptDisplayName(path), reader.last_line, got));
    ++reader.report.counts.failed;
  }
  return std::move(reader.report);
}

void printReport(const std::string& path, const ScriptReport& report) {
  for (const std::string& line : report.lines) std::fputs((line + '\n').c_str(), stdout);
  const ScriptCounts& c = report.counts;
  std::fputs(fmt::format("{}: {} passed, {} failed, {} skipped\n", scriptDisplayName(path), c.passed, c.failed, c.skipped).c_str(), stdout);
  std::fflush(stdout);
}

}  // namespace

int runWastChild(int report_fd, const std::string& path, const std::string& work_dir, const WastOptions& options) {
  PipeObserver observer(report_fd);
  ScriptCounts counts = runScriptGuarded(path, work_dir, options, observer);
  writeAll(report_fd, fmt::format("D {} {} {}\n", counts.passed, counts.failed, counts.skipped));
  return 0;
}

int runWastScripts(const std::vector<std::string>& paths, const WastOptions& options) {
  auto start = std::chrono::steady_clock::now();
  unsigned jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = unsigned(std::min<size_t>(jobs, std::max<size_t>(paths.size(), 1)));

  std::vector<std::optional<ScriptReport>> reports(paths.size());
  std::mutex mutex;
  std::condition_variable ready;
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < paths.size();) {
      ScriptReport report = options.isolate ? runIsolated(paths[i], options) : runInProcess(paths[i], options);
      std::lock_guard lock(mutex);
      reports[i] = std::move(report);
      ready.notify_all();
    }
  };
  std::vector<std::jthread> workers;
  for (unsigned t = 0; t < jobs; ++t) workers.emplace_back(worker);

  ScriptCounts total;
  for (size_t i = 0; i < paths.size(); ++i) {
    std::unique_lock lock(mutex);
    ready.wait(lock, [&] { return reports[i].has_value(); });
    ScriptReport report = std::move(*reports[i]);
    lock.unlock();
    printReport(paths[i], report);
    total.passed += report.counts.passed;
    total.failed += report.counts.failed;
    total.skipped += report.counts.skipped;
  }
  workers.clear();

  std::fputs(fmt::format("{} passed, {} failed, {} skipped\n", total.passed, total.failed, total.skipped).c_str(), stdout);
  std::fflush(stdout);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fputs(fmt::format("warden wast: {} scripts in {:.2f} s wall time ({} jobs)\n", paths.size(), seconds, jobs).c_str(), stderr);
  return total.failed ? 1 : 0;
}

}  // namespace warden::cli
