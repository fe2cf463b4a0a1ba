#include "sandbox/snapshot.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace warden::sandbox {

namespace {

using nlohmann::json;

constexpr char kMagic[8] = {'W', 'D', 'N', 'S', 'N', 'A', 'P', '1'};
constexpr uint64_t kImageAlignment = 64 * 1024;  // a Wasm page: also a multiple of any host page
constexpr size_t kHostPage = 4096;

Error hostError(std::string detail) { return Error(ErrorCode::HostError, std::move(detail)); }
Error ioError(const std::string& what) { return hostError(fmt::format("{}: {}", what, std::strerror(errno))); }

uint64_t alignUp(uint64_t n, uint64_t a) { return (n + a - 1) / a * a; }

Expect<void> writeAllAt(int fd, const void* data, size_t size, uint64_t offset, const char* what) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = pwrite(fd, p, size, off_t(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::unexpected(ioError(what));
    p += n;
    size -= size_t(n);
    offset += uint64_t(n);
  }
  return {};
}

Expect<void> readAllAt(int fd, void* data, size_t size, uint64_t offset, const char* what) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    ssize_t n = pread(fd, p, size, off_t(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::unexpected(hostError(fmt::format("{}: {}", what, n == 0 ? "file is truncated" : std::strerror(errno))));
    p += n;
    size -= size_t(n);
    offset += uint64_t(n);
  }
  return {};
}

bool allZero(const uint8_t* p, size_t n) {
  static const uint8_t kZeros[kHostPage] = {};
  return std::memcmp(p, kZeros, n) == 0;
}

// Copies `bytes` of memory to `fd` at `offset`, leaving zero pages as holes.
Expect<void> writeSparse(int fd, const uint8_t* memory, uint64_t bytes, uint64_t offset) {
  for (uint64_t at = 0; at < bytes;) {
    if (allZero(memory + at, kHostPage)) {
      at += kHostPage;
      continue;
    }
    uint64_t run = at;
    while (run < bytes && !allZero(memory + run, kHostPage)) run += kHostPage;
    WARDEN_TRY(writeAllAt(fd, memory + at, run - at, offset + at, "cannot write the snapshot's memory"));
    at = run;
  }
  if (ftruncate(fd, off_t(offset + bytes)) != 0) return std::unexpected(ioError("cannot size the snapshot"));
  return {};
}

// Writes the magic, the header's length and `header` (with its
// memory_offset set to the first 64 KiB boundary after it) at the start of
// `fd`; returns that offset.
Expect<uint64_t> writeHeader(int fd, json header) {
  header["memory_offset"] = 0;
  // The offset's own digits can lengthen the header; 64 bytes of slack cover them.
  uint64_t offset = alignUp(sizeof kMagic + 8 + header.dump().size() + 64, kImageAlignment);
  header["memory_offset"] = offset;
  std::string text = header.dump();
  uint64_t length = text.size();
  WARDEN_TRY(writeAllAt(fd, kMagic, sizeof kMagic, 0, "cannot write the snapshot"));
  WARDEN_TRY(writeAllAt(fd, &length, 8, sizeof kMagic, "cannot write the snapshot"));
  WARDEN_TRY(writeAllAt(fd, text.data(), text.size(), sizeof kMagic + 8, "cannot write the snapshot"));
  return offset;
}

json imageToJson(const InstanceImage& image) {
  json globals = json::array();
  for (const InstanceImage::Global& g : image.globals) globals.push_back({g.value.i64, g.value_hi.i64, g.func});
  return {{"globals", globals},
          {"tables", image.tables},
          {"elem_dropped", image.elem_dropped},
          {"data_dropped", image.data_dropped},
          {"memory_bytes", image.memory_bytes},
          {"imported_memory_bytes", image.imported_memory_bytes ? json(*image.imported_memory_bytes) : json()}};
}

InstanceImage imageFromJson(const json& j) {
  InstanceImage image;
  for (const json& g : j.at("globals"))
    image.globals.push_back({Value::fromI64(g.at(0).get<uint64_t>()), Value::fromI64(g.at(1).get<uint64_t>()), g.at(2).get<int64_t>()});
  image.tables = j.at("tables").get<std::vector<std::vector<int64_t>>>();
  image.elem_dropped = j.at("elem_dropped").get<std::vector<bool>>();
  image.data_dropped = j.at("data_dropped").get<std::vector<bool>>();
  image.memory_bytes = j.at("memory_bytes").get<std::vector<uint64_t>>();
  if (auto it = j.find("imported_memory_bytes"); it != j.end() && !it->is_null())
    image.imported_memory_bytes = it->get<uint64_t>();
  return image;
}

}  // namespace

Snapshot::~Snapshot() {
  if (fd_ >= 0) close(fd_);
}

json Snapshot::header() const {
  return {{"format", "warden-snapshot"},
          {"version", 1},
          {"module_digest", module_digest_},
          {"memory_offset", memory_offset_},
          {"preopens", preopens_},
          {"instance", imageToJson(image_)},
          {"metadata", metadata_},
          {"warm_functions", warm_functions_}};
}

Expect<std::shared_ptr<const Snapshot>> Snapshot::capture(Sandbox& sandbox, std::string module_digest, json metadata) {
  if (!sandbox.wasi().onlyStdioAndPreopens())
    return std::unexpected(hostError("cannot snapshot: the guest holds open files or sockets"));
  Instance& instance = sandbox.instance();
  if (instance.memories.size() > 1) return std::unexpected(hostError("cannot snapshot: more than one memory"));
  // Snapshots are made single-threaded (docs/POSIX.md); a sandbox's threads
  // end with each run, so only a capture during one could see any.
  if (sandbox.threads() && sandbox.threads()->running() > 0)
    return std::unexpected(hostError("cannot snapshot: guest threads are running"));

  std::shared_ptr<Snapshot> snap(new Snapshot());
  snap->image_ = WARDEN_TRY(captureInstance(instance));
  snap->preopens_ = sandbox.wasi().preopenGuestPaths();
  snap->module_digest_ = std::move(module_digest);
  snap->metadata_ = std::move(metadata);

  snap->fd_ = memfd_create("warden-snapshot", MFD_CLOEXEC);
  if (snap->fd_ < 0) return std::unexpected(ioError("cannot create the snapshot's memory file"));
  snap->memory_offset_ = WARDEN_TRY(writeHeader(snap->fd_, snap->header()));
  if (!instance.memories.empty()) {
    const MemoryInstance& memory = *instance.memories[0];
    WARDEN_TRY(writeSparse(snap->fd_, memory.base, memory.size, snap->memory_offset_));
  } else if (ftruncate(snap->fd_, off_t(snap->memory_offset_)) != 0) {
    return std::unexpected(ioError("cannot size the snapshot"));
  }
  return std::shared_ptr<const Snapshot>(std::move(snap));
}

Expect<void> Snapshot::save(const std::string& path, std::vector<uint32_t> warm_functions, const HotPages& hot_pages) const {
  // A name of its own, so that processes saving the same path at once
  // never write into one file; the rename publishes one of them whole.
  std::string temp = path + ".XXXXXX";
  int out = mkostemp(temp.data(), O_CLOEXEC);
  if (out < 0) return std::unexpected(ioError(fmt::format("cannot create {}", temp)));
  fchmod(out, 0644);
  json header = this->header();
  if (!warm_functions.empty()) header["warm_functions"] = std::move(warm_functions);
  if (!hot_pages.empty()) header["hot_pages"] = hotPagesToJson(hot_pages);
  Expect<uint64_t> written = writeHeader(out, std::move(header));
  Expect<void> copied = written ? Expect<void>{} : Expect<void>(std::unexpected(written.error()));
  // The memory image: data extents only, so the file stays as sparse as the
  // image (the header may have moved it to another offset).
  uint64_t bytes = memoryBytes();
  std::vector<uint8_t> buffer(1 << 20);
  for (off_t at = off_t(memory_offset_), end = off_t(memory_offset_ + bytes); copied && at < end;) {
    off_t data = lseek(fd_, at, SEEK_DATA);
    if (data < 0 || data >= end) break;  // only a hole is left
    off_t hole = std::min(lseek(fd_, data, SEEK_HOLE), end);
    if (hole < 0) hole = end;
    for (off_t pos = data; copied && pos < hole;) {
      size_t n = size_t(std::min<off_t>(hole - pos, off_t(buffer.size())));
      copied = readAllAt(fd_, buffer.data(), n, uint64_t(pos), "cannot read the snapshot");
      if (copied) copied = writeAllAt(out, buffer.data(), n, *written + uint64_t(pos) - memory_offset_, "cannot write the snapshot file");
      pos += off_t(n);
    }
    at = hole;
  }
  if (copied && ftruncate(out, off_t(*written + bytes)) != 0) copied = std::unexpected(ioError("cannot size the snapshot file"));
  if (copied && fsync(out) != 0) copied = std::unexpected(ioError("cannot flush the snapshot file"));
  close(out);
  if (copied && rename(temp.c_str(), path.c_str()) != 0) copied = std::unexpected(ioError(fmt::format("cannot rename to {}", path)));
  if (!copied) unlink(temp.c_str());
  return copied;
}

Expect<std::shared_ptr<Snapshot>> Snapshot::fromHeader(const json& header, int fd) {
  std::shared_ptr<Snapshot> snap(new Snapshot());
  snap->fd_ = fd;
  try {
    if (header.at("format") != "warden-snapshot" || header.at("version") != 1)
      return std::unexpected(hostError("not a warden snapshot of version 1"));
    snap->module_digest_ = header.at("module_digest").get<std::string>();
    snap->memory_offset_ = header.at("memory_offset").get<uint64_t>();
    snap->preopens_ = header.at("preopens").get<std::vector<std::string>>();
    snap->image_ = imageFromJson(header.at("instance"));
    snap->metadata_ = header.value("metadata", json::object());
    snap->warm_functions_ = header.value("warm_functions", std::vector<uint32_t>{});
    snap->hot_pages_ = hotPagesFromJson(header.value("hot_pages", json()));
  } catch (const json::exception& e) {
    snap->fd_ = -1;  // the caller closes it
    return std::unexpected(hostError(fmt::format("malformed snapshot header: {}", e.what())));
  }
  if (snap->memory_offset_ % kImageAlignment != 0) {
    snap->fd_ = -1;
    return std::unexpected(hostError("malformed snapshot header: unaligned memory image"));
  }
  return snap;
}

Expect<std::shared_ptr<const Snapshot>> Snapshot::load(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::unexpected(ioError(fmt::format("cannot open snapshot {}", path)));
  auto fail = [fd, &path](std::string why) {
    close(fd);
    return std::unexpected(hostError(fmt::format("{}: {}", path, why)));
  };
  char magic[sizeof kMagic];
  uint64_t length = 0;
  if (!readAllAt(fd, magic, sizeof magic, 0, "header") || std::memcmp(magic, kMagic, sizeof kMagic) != 0)
    return fail("not a warden snapshot");
  if (!readAllAt(fd, &length, 8, sizeof kMagic, "header") || length > (64u << 20)) return fail("malformed snapshot header");
  std::string text(length, '\0');
  if (!readAllAt(fd, text.data(), length, sizeof kMagic + 8, "header")) return fail("the snapshot is truncated");
  json header = json::parse(text, nullptr, false);
  if (header.is_discarded()) return fail("malformed snapshot header (not JSON)");
  Expect<std::shared_ptr<Snapshot>> snap = fromHeader(header, fd);
  if (!snap) return fail(snap.error().detail());
  struct stat info {};
  uint64_t needed = (*snap)->memory_offset_ + (*snap)->memoryBytes();
  if (fstat(fd, &info) != 0 || uint64_t(info.st_size) < needed) return fail("the snapshot is truncated");
  return std::shared_ptr<const Snapshot>(std::move(*snap));
}

Expect<std::unique_ptr<Sandbox>> Snapshot::restore(Engine& engine, std::shared_ptr<const Module> module,
                                                   wasi::WasiConfig config, std::optional<uint64_t> memory_cap_bytes,
                                                   const HotPages* prefault) const {
  const std::vector<wasi::Preopen>& given = config.preopens();
  bool same_layout = given.size() >= preopens_.size() &&
                     std::equal(preopens_.begin(), preopens_.end(), given.begin(),
                                [](const std::string& path, const wasi::Preopen& pre) { return path == pre.guest_path; });
  if (!same_layout)
    return std::unexpected(hostError(fmt::format("the sandbox must preopen the snapshot's directories first, in order: {}",
                                                 fmt::join(preopens_, ", "))));
  std::vector<MemoryImageSource> memories;
  if (!image_.memory_bytes.empty()) memories.push_back({fd_, memory_offset_});
  auto instantiate = [&](Linker& linker, Store& store) -> Expect<Instance*> {
    if (image_.imported_memory_bytes) {
      // Memory 0 is imported (a module that can have threads): the import
      // gets the image's memory, mapped copy-on-write like a defined one.
      const Import* imported = nullptr;
      for (const Import& imp : module->imports)
        if (imp.kind == ExternKind::Memory) {
          imported = &imp;
          break;
        }
      if (!imported) return std::unexpected(hostError("the snapshot's memory is imported, the module imports none"));
      MemoryInstance* memory = WARDEN_TRY(
          store.createMappedMemory(imported->memory, {fd_, memory_offset_}, *image_.imported_memory_bytes));
      linker.define(imported->module, imported->name, Extern::of(memory));
    }
    return linker.instantiateImage(store, module, image_, memories);
  };
  std::unique_ptr<Sandbox> box = WARDEN_TRY(Sandbox::create(engine, std::move(config), memory_cap_bytes, module, instantiate));
  if (MemoryInstance* memory = box->memory(); prefault && memory) prefaultHotPages(memory->base, memory->size, *prefault);
  return box;
}

}  // namespace warden::sandbox
