#include "sandbox/python_runtime.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "runtime/code_cache.h"
#include "runtime/lazy_bodies.h"
#include "sandbox/module_digest.h"
#include "sandbox/python_home.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandbox_pool.h"
#include "sandbox/snapshot.h"
#include "support/host_io.h"

namespace warden::sandbox {

namespace fs = std::filesystem;

namespace {

Error hostError(std::string detail) { return Error(ErrorCode::HostError, std::move(detail)); }

// The descriptors every Python sandbox has, in this order (the snapshot
// records the order; a request's work directory comes after them).
wasi::WasiConfig baseConfig(const PythonRuntimeOptions& options) {
  wasi::WasiConfig config;
  config.preopenDir((fs::path(options.home) / "lib").string(), std::string(kPythonLibGuestPath), true);
  config.preopenDir((fs::path(options.home) / "share" / "zoneinfo").string(), std::string(kZoneinfoGuestPath), true);
  config.arg("python");
  return config;
}

// The driver's control variable for the working directory (removed from
// the environment the program sees; python/warden_driver.c).
constexpr const char* kCwdVariable = "WARDEN_CWD";
// The same for a script's sys.argv[0].
constexpr const char* kArgv0Variable = "WARDEN_ARGV0";

// Copies `text` into the guest (warden_alloc) and returns its address; the
// driver frees it.
Expect<uint32_t> placeText(Sandbox& box, std::string_view text) {
  std::optional<Extern> alloc = getExport(box.instance(), "warden_alloc");
  if (!alloc || alloc->kind != ExternKind::Func) return std::unexpected(hostError("python-driver.wasm has no warden_alloc"));
  box.store().setFuel(std::nullopt);
  std::vector<Value> args = {Value::fromI32(uint32_t(text.size()))};
  std::vector<Value> ptr = WARDEN_TRY(invoke(box.store(), *alloc->func, args));
  MemoryInstance* memory = box.memory();
  uint32_t address = ptr[0].i32;
  if (address == 0 || !memory || !memory->inBounds(address, text.size()))
    return std::unexpected(hostError("the sandbox has no memory left for the program text"));
  std::memcpy(memory->base + address, text.data(), text.size());
  return address;
}

// The driver's flag for a sandbox's last run: atexit functions run after it.
constexpr uint32_t kLastRun = 0x100;

// Runs `text` through the driver's warden_run in `box`; `last` for a
// one-shot sandbox. `returned` says whether the call came back (rather
// than being stopped).
Result runInDriver(Sandbox& box, PythonEntry entry, std::string_view text, const Request& request, uint64_t memory_cap,
                   bool last, bool* returned = nullptr) {
  Expect<uint32_t> address = placeText(box, text);
  if (!address) return internalError(fmt::format("error: {}", address.error().message()));
  Limits limits = request.limits;
  limits.memory_bytes = memory_cap;
  uint32_t kind = uint32_t(entry) | (last ? kLastRun : 0);
  std::vector<Value> args = {Value::fromI32(kind), Value::fromI32(*address), Value::fromI32(uint32_t(text.size()))};
  std::vector<Value> results;
  Result result =
      box.run("warden_run", args, request.stdin_data, request.on_output, limits, &results, true, request.inherit_stdio);
  if (returned) *returned = !results.empty();
  return result;
}

// A file's identity as make judges it: device, inode, size and
// modification time (ns). Empty when it cannot be read.
std::string fileIdentity(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return {};
  return fmt::format("{}:{}:{}:{}.{:09}", info.st_dev, info.st_ino, info.st_size, info.st_mtim.tv_sec, info.st_mtim.tv_nsec);
}

}  // namespace

PythonRuntime::PythonRuntime(Engine& engine, PythonRuntimeOptions options) : engine_(engine), options_(std::move(options)) {}
PythonRuntime::~PythonRuntime() = default;
PythonSession::~PythonSession() = default;

uint64_t PythonRuntime::memoryCap(const Request& request) const {
  return request.limits.memory_bytes.value_or(options_.default_memory_bytes);
}

Expect<std::unique_ptr<PythonRuntime>> PythonRuntime::createCached(Engine& engine, PythonRuntimeOptions options) {
  PythonRuntimeOptions from_file = options;
  from_file.snapshot_file = std::exchange(from_file.cache_file, {});
  auto usable = [&]() -> Expect<std::unique_ptr<PythonRuntime>> {
    auto loaded = create(engine, from_file);
    // Made from another preload list (the caller's key should prevent it).
    if (loaded && (*loaded)->snapshot_->metadata().value("preload", std::vector<std::string>{}) != options.preload)
      return std::unexpected(hostError("the cached snapshot preloads other modules"));
    return loaded;
  };
  std::error_code ec;
  std::string why = "not made yet";
  if (fs::exists(from_file.snapshot_file, ec)) {
    auto loaded = usable();
    if (loaded) return loaded;
    why = loaded.error().detail().empty() ? loaded.error().message() : loaded.error().detail();
  }

  // Missing or stale (another CPython build): make it, one process at a
  // time; a process that waited finds it made.
  fs::create_directories(fs::path(from_file.snapshot_file).parent_path(), ec);
  int lock = ::open((from_file.snapshot_file + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock >= 0) flock(lock, LOCK_EX);
  auto unlock = [lock] {
    if (lock >= 0) ::close(lock);
  };
  if (fs::exists(from_file.snapshot_file, ec))
    if (auto loaded = usable()) {
      unlock();
      return loaded;
    }
  if (options.on_making_cache) options.on_making_cache(why);
  PythonRuntimeOptions made = options;
  made.cache_file.clear();
  auto runtime = create(engine, std::move(made));
  if (runtime) {
    if (auto saved = (*runtime)->saveSnapshot(from_file.snapshot_file); !saved) (*runtime)->cache_error_ = saved.error().detail();
  }
  unlock();
  return runtime;
}

Expect<std::unique_ptr<PythonRuntime>> PythonRuntime::create(Engine& engine, PythonRuntimeOptions options) {
  if (!options.cache_file.empty()) return createCached(engine, std::move(options));
  std::shared_ptr<const Snapshot> loaded;
  if (!options.snapshot_file.empty()) {
    loaded = WARDEN_TRY(Snapshot::load(options.snapshot_file));
    // A snapshot remembers the CPython build it was made with.
    if (options.home.empty()) options.home = loaded->metadata().value("python_home", std::string());
  }
  if (!isPythonHome(options.home))
    return std::unexpected(hostError(fmt::format("no CPython for WASI in \"{}\" (build it with python/build.sh)", options.home)));
  std::string driver = (fs::path(options.home) / "python-driver.wasm").string();
  if (!fs::is_regular_file(driver))
    return std::unexpected(hostError(fmt::format("{} is missing: rebuild with python/build.sh", driver)));
  std::unique_ptr<PythonRuntime> runtime(new PythonRuntime(engine, std::move(options)));
  ModuleBytes bytes = WARDEN_TRY(ModuleBytes::mapFile(driver));
  std::string identity = fileIdentity(driver);

  if (!runtime->options_.snapshot_file.empty()) {
    runtime->snapshot_ = std::move(loaded);
    // The file the snapshot was made from, untouched since (same inode,
    // size and modification time, as make decides): its digest is known.
    // Otherwise the bytes are hashed (a 8 MB module: ~3 ms and every page).
    bool same_file = !identity.empty() && runtime->snapshot_->metadata().value("module_file", std::string()) == identity;
    if (!same_file && runtime->snapshot_->moduleDigest() != moduleDigest(bytes))
      return std::unexpected(hostError(fmt::format("{} was made from another CPython build (its module digest differs); "
                                                   "make it again with `warden snapshot create`",
                                                   runtime->options_.snapshot_file)));
    // The bytes are the ones validated in full when the snapshot was made.
    runtime->module_ = WARDEN_TRY(compileModuleLazily(engine, std::move(bytes)));
    WARDEN_TRY(runtime->warmUp());
    runtime->hot_pages_ = runtime->snapshot_->hotPages();
  } else {
    std::string digest = moduleDigest(bytes);
    runtime->module_ = WARDEN_TRY(compileModule(engine, std::move(bytes)));
    WARDEN_TRY(runtime->makeSnapshot(digest, identity));
    // A pool restores in the background: worth knowing what to fault in there.
    if (runtime->options_.pool_size > 0) runtime->hot_pages_ = WARDEN_TRY(runtime->profileWarmRun()).hot_pages;
  }
  if (runtime->options_.pool_size > 0) {
    PythonRuntime* self = runtime.get();
    runtime->pool_ = std::make_unique<SandboxPool>([self] { return self->restore(); }, runtime->options_.pool_size);
  }
  return runtime;
}

Expect<void> PythonRuntime::makeSnapshot(const std::string& digest, const std::string& module_file) {
  auto started = std::chrono::steady_clock::now();
  wasi::WasiConfig config = baseConfig(options_);
  if (!options_.preload.empty()) config.env("WARDEN_PRELOAD", fmt::format("{}", fmt::join(options_.preload, ",")));
  std::unique_ptr<Sandbox> box = WARDEN_TRY(Sandbox::create(engine_, module_, std::move(config), std::nullopt));
  Limits limits;
  for (const char* entry : {"_initialize", "warden_init"}) {
    Result started_python = box->run(entry, {}, "", nullptr, limits, nullptr, true);
    if (started_python.status != Status::Ok) {
      std::string why = started_python.message.empty() ? started_python.stderr_data : started_python.message;
      return std::unexpected(hostError(fmt::format("CPython did not start ({}): {}", entry, why)));
    }
  }
  init_duration_ = std::chrono::steady_clock::now() - started;
  // The environment the snapshot saw goes with it: a restore replaces it.
  snapshot_ = WARDEN_TRY(Snapshot::capture(*box, digest, {{"preload", options_.preload}, {"python_home", options_.home}, {"module_file", module_file}}));
  return {};
}

Expect<PythonRuntime::WarmProfile> PythonRuntime::profileWarmRun() const {
  std::shared_ptr<const Module> lazy = WARDEN_TRY(compileModuleLazily(engine_, module_->bytes));
  std::unique_ptr<Sandbox> box = WARDEN_TRY(snapshot_->restore(engine_, lazy, baseConfig(options_), std::nullopt));
  Request request;
  Result warm = runInDriver(*box, PythonEntry::Source, "print('warm', len(__name__))", request,
                            options_.default_memory_bytes, true);
  if (warm.status != Status::Ok) return std::unexpected(hostError(fmt::format("warm-up run failed: {} {}", warm.message, warm.stderr_data)));
  WarmProfile profile;
  profile.functions = lazy->lazy->compiledIndices();
  if (MemoryInstance* memory = box->memory()) {
    // Only the image's pages: what the run grew is new memory in every restore.
    uint64_t image = std::min<uint64_t>(memory->size, snapshot_->memoryBytes());
    profile.hot_pages = WARDEN_TRY(recordHotPages(memory->base, image));
  }
  return profile;
}

Expect<void> PythonRuntime::warmUp() {
  if (!module_->lazy) return {};
  // Compiled code from an earlier start of this binary with this module.
  std::string key = codeLayoutKey().empty() ? std::string() : fmt::format("{} {}", codeLayoutKey(), snapshot_->moduleDigest());
  std::string digest = shortDigest(snapshot_->moduleDigest());
  fs::path code_file = fs::path(options_.code_cache_dir) / fmt::format("{}-{}.code", digest, codeLayoutKey().substr(0, 16));
  bool cached = !options_.code_cache_dir.empty() && !key.empty() && loadCompiledBodies(code_file.string(), *module_, key).has_value();
  uint32_t before = module_->lazy->compiledCount();
  for (uint32_t i : snapshot_->warmFunctions())
    if (i < module_->functions.size()) WARDEN_TRY(module_->lazy->compile(*module_, i));
  if (options_.code_cache_dir.empty() || key.empty() || (cached && module_->lazy->compiledCount() == before)) return {};
  // Saved for the next start (best effort); files of other builds of
  // Warden for this module are removed, so rebuilding does not pile them up.
  std::error_code ec;
  fs::create_directories(options_.code_cache_dir, ec);
  fs::permissions(options_.code_cache_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (saveCompiledBodies(code_file.string(), *module_, key))
    for (const fs::directory_entry& entry : fs::directory_iterator(options_.code_cache_dir, ec))
      if (entry.path().filename().string().starts_with(digest + "-") && entry.path() != code_file) fs::remove(entry.path(), ec);
  return {};
}

Expect<std::unique_ptr<Sandbox>> PythonRuntime::restore() const {
  return snapshot_->restore(engine_, module_, baseConfig(options_), std::nullopt, hot_pages_.empty() ? nullptr : &hot_pages_);
}

Expect<std::unique_ptr<Sandbox>> PythonRuntime::acquire(const Request& request) {
  std::unique_ptr<Sandbox> box = pool_ ? WARDEN_TRY(pool_->acquire()) : WARDEN_TRY(restore());
  std::vector<std::string> args = {"python"};
  args.insert(args.end(), request.args.begin(), request.args.end());
  std::vector<std::pair<std::string, std::string>> env = request.env;
  std::vector<wasi::Preopen> preopens;
  if (!request.work_dir.empty()) preopens.push_back({request.work_dir, std::string(kWorkDir), false});
  if (!request.cwd.empty()) env.emplace_back(kCwdVariable, request.cwd);
  else if (!request.work_dir.empty()) env.emplace_back(kCwdVariable, std::string(kWorkDir));
  if (!request.argv0.empty()) env.emplace_back(kArgv0Variable, request.argv0);
  for (const Mount& mount : request.mounts) preopens.push_back({mount.host_path, mount.guest_path, mount.read_only});
  WARDEN_TRY(box->wasi().assign(std::move(args), std::move(env), preopens));
  return box;
}

Result PythonRuntime::run(PythonEntry entry, std::string_view text, const Request& request) {
  Expect<std::unique_ptr<Sandbox>> box = acquire(request);
  if (!box) return internalError(fmt::format("error: {}", box.error().message()));
  return runInDriver(**box, entry, text, request, memoryCap(request), true);
}

Expect<std::unique_ptr<PythonSession>> PythonRuntime::openSession(const Request& request) {
  std::unique_ptr<PythonSession> session(new PythonSession());
  session->runtime_ = this;
  session->sandbox_ = WARDEN_TRY(acquire(request));
  return session;
}

Result PythonSession::run(std::string_view code, const Request& request) {
  if (!alive_) return internalError("error: the session has ended (an earlier run was stopped or exited)");
  bool returned = false;
  Result result = runInDriver(*sandbox_, PythonEntry::Source, code, request, runtime_->memoryCap(request), false, &returned);
  if (!returned) alive_ = false;
  return result;
}

size_t PythonRuntime::pooledReady() const { return pool_ ? pool_->ready() : 0; }
void PythonRuntime::waitForPool() const {
  if (pool_) pool_->waitFull();
}

// A snapshot file's module is compiled lazily, and compiling inside a run
// would count against its timeout: the file lists the bodies a warm-up run
// needs, and loading compiles them first (warmUp).
Expect<void> PythonRuntime::saveSnapshot(const std::string& path) {
  WarmProfile profile = WARDEN_TRY(profileWarmRun());
  hot_pages_ = profile.hot_pages;
  return snapshot_->save(path, std::move(profile.functions), profile.hot_pages);
}

}  // namespace warden::sandbox
