// A sandbox's guest threads (wasi-threads): each is a new instance of the
// sandbox's module in a Store of its own, sharing the imported shared memory
// and the WASI context, entered at `wasi_thread_start(tid, start_arg)` on a
// host thread of its own (docs/POSIX.md: scheduling). The group holds the
// limits of the whole family: the thread cap, one fuel budget (the main
// Store's), interruption of every thread, and the first trap or proc_exit
// in any thread ending the sandbox.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "runtime/api.h"

namespace warden::posix {

// Guest threads a sandbox may have running at once besides its main thread;
// thread-spawn beyond it fails with EAGAIN.
constexpr uint32_t kDefaultMaxThreads = 64;

class ThreadGroup {
 public:
  // `main` runs the sandbox's main thread and owns the shared memory; it
  // must outlive the group. `linker` resolves the module's imports for every
  // new thread (the same WASI functions, the same memory); it is copied.
  ThreadGroup(Store& main, std::shared_ptr<const Module> module, uint32_t max_threads);
  ~ThreadGroup();  // stop()s
  ThreadGroup(const ThreadGroup&) = delete;
  ThreadGroup& operator=(const ThreadGroup&) = delete;

  // The Linker threads are instantiated with; call once every import is defined.
  void setLinker(const Linker& linker) { linker_ = linker; }

  // thread-spawn: a new thread entered at wasi_thread_start(tid, start_arg).
  // Returns its id (1 .. 2^29-1), or a negative WASI errno: -EAGAIN beyond
  // the cap or when the host cannot make one, -ENOTSUP for a module that
  // cannot have threads (no imported shared memory, no wasi_thread_start).
  int32_t spawn(uint32_t start_arg);

  // Ends the family: interrupts every thread (waking any parked in
  // memory.atomic.wait or blocked in a WASI call) and joins them. Returns
  // how a thread ended the sandbox (a trap, proc_exit's Exit, a limit), if
  // one did before; call after the main thread's invocation returned. The
  // group is then ready for the sandbox's next run (a kept sandbox).
  std::optional<Error> stop();

  // The cap for the next spawns (a kept sandbox's next run).
  void setMaxThreads(uint32_t max_threads);
  uint32_t maxThreads() const;
  // Threads running now, started so far, and the most that ran at once.
  uint32_t running() const;
  uint32_t spawned() const;
  uint32_t peak() const;

 private:
  struct Thread {
    uint32_t tid = 0;
    std::unique_ptr<Store> store;
    Instance* instance = nullptr;
    std::thread host;
    bool done = false;  // guarded by mutex_
  };

  void run(Thread& thread, uint32_t start_arg);
  void endSandbox(const Error& error);
  void interruptThreads();
  void reapFinished();  // joins and frees threads that ended (mutex_ held)

  Store& main_;
  std::shared_ptr<const Module> module_;
  uint32_t max_threads_;
  Linker linker_;
  mutable std::mutex mutex_;
  std::condition_variable thread_done_;
  std::list<Thread> threads_;
  uint32_t running_ = 0;
  uint32_t next_tid_ = 1;
  uint32_t spawned_ = 0;
  uint32_t peak_ = 0;
  std::optional<Error> ended_;  // the first error that ended the sandbox
  bool stopping_ = false;       // stop() began: no new threads
};

// The end of a sandbox's run with threads: stops the family and returns the
// main thread's result, unless a thread ended the sandbox first (the main
// thread was then interrupted by it, or returned meanwhile): then that end.
Expect<std::vector<Value>> settleRun(ThreadGroup* threads, Expect<std::vector<Value>> main_result);

// Defines the wasi-threads import, `wasi` `thread-spawn` (and its older name
// `thread_spawn`): (i32 start_arg) -> i32 tid, bound to `group`.
void defineThreadSpawn(Linker& linker, Store& store, ThreadGroup& group);

// Whether `module` imports thread-spawn (under either name).
bool importsThreadSpawn(const Module& module);

// Gives every memory `module` imports and `linker` does not define yet a
// new memory of the import's type in `store` (shared if it says so), as a
// wasi-threads program linked with --import-memory expects its host to.
Expect<void> defineImportedMemories(Linker& linker, Store& store, const Module& module);

}  // namespace warden::posix
