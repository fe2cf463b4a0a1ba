#include "posix/thread_group.h"

#include <fmt/format.h>

#include "wasi/wasi_abi.h"

namespace warden::posix {

namespace {

constexpr uint32_t kMaxTid = (1u << 29) - 1;  // wasi-threads: ids are positive and below 2^29

int32_t negativeErrno(wasi::Errno e) { return -int32_t(e); }

// A module can have threads when its memory 0 is an imported shared memory
// (every instance then uses the same one) and it exports the entry point.
bool canHaveThreads(const Module& module) {
  bool shared_import = false;
  for (const Import& imp : module.imports)
    if (imp.kind == ExternKind::Memory) {
      shared_import = imp.memory.limits.shared;
      break;  // memory 0 is the first memory import
    }
  if (!shared_import) return false;
  for (const Export& exp : module.exports)
    if (exp.kind == ExternKind::Func && exp.name == "wasi_thread_start") return true;
  return false;
}

}  // namespace

ThreadGroup::ThreadGroup(Store& main, std::shared_ptr<const Module> module, uint32_t max_threads)
    : main_(main), module_(std::move(module)), max_threads_(max_threads) {
  main_.setInterruptHook([this] { interruptThreads(); });
}

ThreadGroup::~ThreadGroup() {
  (void)stop();
  main_.setInterruptHook(nullptr);
}

int32_t ThreadGroup::spawn(uint32_t start_arg) {
  if (!canHaveThreads(*module_)) return negativeErrno(wasi::Errno::NotSup);
  std::unique_lock lock(mutex_);
  reapFinished();
  if (ended_ || stopping_ || running_ >= max_threads_ || next_tid_ > kMaxTid) return negativeErrno(wasi::Errno::Again);
  // The instance is made here, on the spawning thread, so a failure is this
  // call's EAGAIN rather than a thread that dies at once.
  auto store = std::make_unique<Store>(main_.engine());
  store->shareFuelOf(main_);
  store->setMemoryLimitPages(main_.memoryLimitPages());
  lock.unlock();  // instantiation runs the start function: it must not hold the lock
  Expect<Instance*> instance = linker_.instantiate(*store, module_);
  lock.lock();
  if (!instance || ended_ || stopping_) return negativeErrno(wasi::Errno::Again);
  Thread& thread = threads_.emplace_back();
  thread.tid = next_tid_++;
  thread.store = std::move(store);
  thread.instance = *instance;
  try {
    thread.host = std::thread([this, &thread, start_arg] { run(thread, start_arg); });
  } catch (const std::system_error&) {  // the host is out of threads
    threads_.pop_back();
    return negativeErrno(wasi::Errno::Again);
  }
  ++running_;
  ++spawned_;
  peak_ = std::max(peak_, running_);
  return int32_t(thread.tid);
}

void ThreadGroup::run(Thread& thread, uint32_t start_arg) {
  std::optional<Extern> entry = getExport(*thread.instance, "wasi_thread_start");
  Expect<std::vector<Value>> result = std::vector<Value>{};
  if (!entry || entry->kind != ExternKind::Func || entry->func->type->params.size() != 2 ||
      !entry->func->type->results.empty()) {
    result = fail(ErrorCode::HostError, "wasi_thread_start must be a function (i32 i32) -> ()");
  } else {
    std::vector<Value> args = {Value::fromI32(thread.tid), Value::fromI32(start_arg)};
    result = invoke(*thread.store, *entry->func, args);
  }
  // An interruption is the family being stopped, never a cause of its end.
  if (!result && result.error().code() != ErrorCode::Interrupted) endSandbox(result.error());
  std::lock_guard lock(mutex_);
  thread.done = true;
  --running_;
  thread_done_.notify_all();
}

void ThreadGroup::endSandbox(const Error& error) {
  {
    std::lock_guard lock(mutex_);
    if (ended_) return;
    ended_ = error;
  }
  main_.interrupt();  // and, through its hook, every thread
}

void ThreadGroup::interruptThreads() {
  std::lock_guard lock(mutex_);
  for (Thread& t : threads_)
    if (!t.done) t.store->interrupt();
}

void ThreadGroup::reapFinished() {
  for (auto it = threads_.begin(); it != threads_.end();) {
    if (!it->done) {
      ++it;
      continue;
    }
    it->host.join();  // it has left run(): quick
    it = threads_.erase(it);
  }
}

std::optional<Error> ThreadGroup::stop() {
  std::unique_lock lock(mutex_);
  stopping_ = true;  // spawns fail from here on
  for (Thread& t : threads_)
    if (!t.done) t.store->interrupt();
  thread_done_.wait(lock, [this] { return running_ == 0; });
  reapFinished();
  std::optional<Error> ended = std::move(ended_);
  ended_.reset();
  stopping_ = false;
  return ended;
}

void ThreadGroup::setMaxThreads(uint32_t max_threads) {
  std::lock_guard lock(mutex_);
  max_threads_ = max_threads;
}

uint32_t ThreadGroup::maxThreads() const {
  std::lock_guard lock(mutex_);
  return max_threads_;
}

Expect<std::vector<Value>> settleRun(ThreadGroup* threads, Expect<std::vector<Value>> main_result) {
  if (!threads) return main_result;
  std::optional<Error> ended_by_thread = threads->stop();
  if (ended_by_thread && (main_result || main_result.error().code() == ErrorCode::Interrupted))
    return std::unexpected(*ended_by_thread);
  return main_result;
}

uint32_t ThreadGroup::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

uint32_t ThreadGroup::spawned() const {
  std::lock_guard lock(mutex_);
  return spawned_;
}

uint32_t ThreadGroup::peak() const {
  std::lock_guard lock(mutex_);
  return peak_;
}

bool importsThreadSpawn(const Module& module) {
  for (const Import& imp : module.imports)
    if (imp.kind == ExternKind::Func && imp.module == "wasi" && (imp.name == "thread-spawn" || imp.name == "thread_spawn"))
      return true;
  return false;
}

void defineThreadSpawn(Linker& linker, Store& store, ThreadGroup& group) {
  FuncType type{{ValType::I32}, {ValType::I32}};
  HostFunction spawn = [&group](HostCall&, std::span<const Value> args, std::span<Value> results) -> Expect<void> {
    results[0] = Value::fromI32(uint32_t(group.spawn(args[0].i32)));
    return {};
  };
  FunctionInstance* func = store.createHostFunction(type, std::move(spawn));
  linker.define("wasi", "thread-spawn", Extern::of(func));
  linker.define("wasi", "thread_spawn", Extern::of(func));
}

Expect<void> defineImportedMemories(Linker& linker, Store& store, const Module& module) {
  for (const Import& imp : module.imports) {
    if (imp.kind != ExternKind::Memory || linker.lookup(imp.module, imp.name)) continue;
    MemoryInstance* memory = WARDEN_TRY(store.createMemory(imp.memory));
    linker.define(imp.module, imp.name, Extern::of(memory));
  }
  return {};
}

}  // namespace warden::posix
