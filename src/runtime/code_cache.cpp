#include "runtime/code_cache.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "runtime/interpreter.h"
#include "runtime/lazy_bodies.h"
#include "runtime/module.h"
#include "runtime/threaded_code.h"

namespace warden {

namespace {

constexpr char kMagic[8] = {'W', 'D', 'N', 'C', 'O', 'D', 'E', '2'};
constexpr uint32_t kFieldsPerBody = 8;

Error cacheError(std::string detail) { return Error(ErrorCode::HostError, std::move(detail)); }

// The main program's NT_GNU_BUILD_ID note, as hex.
int findBuildId(dl_phdr_info* info, size_t, void* out) {
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const char* p = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
    const char* end = p + ph.p_memsz;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      const auto* note = reinterpret_cast<const ElfW(Nhdr)*>(p);
      const char* name = p + sizeof(ElfW(Nhdr));
      const char* desc = name + ((note->n_namesz + 3) & ~3u);
      if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0) {
        std::string hex;
        for (uint32_t k = 0; k < note->n_descsz; ++k) hex += fmt::format("{:02x}", uint8_t(desc[k]));
        *static_cast<std::string*>(out) = hex;
        return 1;
      }
      p = desc + ((note->n_descsz + 3) & ~3u);
    }
  }
  return 1;  // only the first object: the program itself
}

// Owned by this user and writable by no one else.
bool privatelyOwned(const struct stat& info) { return info.st_uid == geteuid() && (info.st_mode & (S_IWGRP | S_IWOTH)) == 0; }

void put(std::vector<uint32_t>& out, uint32_t word) { out.push_back(word); }

}  // namespace

const std::string& codeLayoutKey() {
  static const std::string key = [] {
    std::string id;
    dl_iterate_phdr(findBuildId, &id);
    return id;
  }();
  return key;
}

Expect<void> saveCompiledBodies(const std::string& path, const Module& module, std::string_view key) {
  if (!module.lazy) return std::unexpected(cacheError("the module is not compiled lazily"));
  std::vector<uint32_t> words;
  put(words, uint32_t(key.size()));
  std::string padded(key);
  padded.resize((key.size() + 3) & ~size_t(3), '\0');
  words.resize(words.size() + padded.size() / 4);
  std::memcpy(words.data() + 1, padded.data(), padded.size());
  std::vector<const CompiledFunction*> bodies = module.lazy->compiledFunctions();
  put(words, uint32_t(bodies.size()));
  for (const CompiledFunction* fn : bodies) {
    std::vector<uint32_t> code = fn->code;
    std::vector<uint32_t> handler_words = unrelocateCode(code, interpreterHandlers());
    for (uint32_t field : {fn->defined_index, fn->type_index, fn->num_params, fn->num_results, fn->num_locals, fn->frame_size,
                           uint32_t(code.size()), uint32_t(handler_words.size())})
      put(words, field);
    words.insert(words.end(), code.begin(), code.end());
    words.insert(words.end(), handler_words.begin(), handler_words.end());
  }

  std::string temp = path + ".XXXXXX";
  int fd = mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return std::unexpected(cacheError(fmt::format("cannot create {}: {}", temp, std::strerror(errno))));
  fchmod(fd, 0600);
  bool ok = ::write(fd, kMagic, sizeof kMagic) == ssize_t(sizeof kMagic);
  const char* p = reinterpret_cast<const char*>(words.data());
  for (size_t left = words.size() * 4; ok && left > 0;) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) p += n, left -= size_t(n);
  }
  ok = ::close(fd) == 0 && ok;
  if (!ok || rename(temp.c_str(), path.c_str()) != 0) {
    unlink(temp.c_str());
    return std::unexpected(cacheError(fmt::format("cannot write {}", path)));
  }
  return {};
}

Expect<size_t> loadCompiledBodies(const std::string& path, const Module& module, std::string_view key) {
  if (!module.lazy) return std::unexpected(cacheError("the module is not compiled lazily"));
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return std::unexpected(cacheError(fmt::format("cannot open {}: {}", path, std::strerror(errno))));
  struct stat info {}, dir {};
  std::string parent = std::filesystem::path(path).parent_path().string();
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) || !privatelyOwned(info) ||
      ::stat(parent.empty() ? "." : parent.c_str(), &dir) != 0 || !privatelyOwned(dir)) {
    ::close(fd);
    return std::unexpected(cacheError(fmt::format("{} (or its directory) is not this user's alone: not trusted", path)));
  }
  size_t size = size_t(info.st_size);
  void* mapped = size >= sizeof kMagic + 8 ? mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
  ::close(fd);
  if (mapped == MAP_FAILED) return std::unexpected(cacheError(fmt::format("{} is not a code cache", path)));
  struct Unmap {
    void* p;
    size_t n;
    ~Unmap() { munmap(p, n); }
  } unmap{mapped, size};

  const auto* bytes = static_cast<const uint8_t*>(mapped);
  auto refuse = [&path](const char* why) { return std::unexpected(cacheError(fmt::format("{}: {}", path, why))); };
  if (std::memcmp(bytes, kMagic, sizeof kMagic) != 0 || (size - sizeof kMagic) % 4 != 0) return refuse("not a code cache");
  const uint32_t* w = reinterpret_cast<const uint32_t*>(bytes + sizeof kMagic);
  const uint32_t* end = w + (size - sizeof kMagic) / 4;
  uint32_t key_size = *w++;
  if (key_size != key.size() || uint64_t(end - w) * 4 < ((key_size + 3) & ~3u) + 4 ||
      std::memcmp(w, key.data(), key.size()) != 0)
    return refuse("made for another build or module");
  w += ((key_size + 3) & ~3u) / 4;
  uint32_t count = *w++;

  // Checked whole before anything is installed.
  std::vector<CompiledFunction> bodies;
  bodies.reserve(std::min<uint64_t>(count, module.functions.size()));
  for (uint32_t b = 0; b < count; ++b) {
    if (end - w < kFieldsPerBody) return refuse("truncated");
    CompiledFunction fn;
    fn.defined_index = w[0];
    fn.type_index = w[1];
    fn.num_params = w[2];
    fn.num_results = w[3];
    fn.num_locals = w[4];
    fn.frame_size = w[5];
    uint32_t words = w[6], handler_words = w[7];
    w += kFieldsPerBody;
    if (fn.defined_index >= module.functions.size() || fn.type_index != module.functions[fn.defined_index])
      return refuse("a body that does not fit the module");
    const FuncType& type = module.types[fn.type_index];
    if (fn.num_params != slotCount(type.params) || fn.num_results != slotCount(type.results) ||
        fn.num_locals < fn.num_params || fn.frame_size < fn.num_locals || words == 0 ||
        uint64_t(end - w) < uint64_t(words) + handler_words)
      return refuse("a body that does not fit the module");
    fn.code.assign(w, w + words);
    w += words;
    if (!relocateCode(fn.code, {w, handler_words}, interpreterHandlers())) return refuse("malformed code");
    w += handler_words;
    fn.threaded = true;
    bodies.push_back(std::move(fn));
  }
  if (w != end) return refuse("trailing bytes");
  for (CompiledFunction& fn : bodies) module.lazy->install(fn.defined_index, std::move(fn));
  return bodies.size();
}

}  // namespace warden
