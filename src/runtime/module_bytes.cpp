#include "runtime/module_bytes.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace warden {

ModuleBytes::ModuleBytes(std::vector<uint8_t>&& owned) {
  auto vector = std::make_shared<const std::vector<uint8_t>>(std::move(owned));
  data_ = vector->data();
  size_ = vector->size();
  owner_ = std::move(vector);
}

Expect<ModuleBytes> ModuleBytes::mapFile(const std::string& path, uint64_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(ErrorCode::HostError, fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  struct stat info {};
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return fail(ErrorCode::HostError, fmt::format("cannot read {}: not a regular file", path));
  }
  uint64_t size = uint64_t(info.st_size);
  if (size > max_bytes) {
    ::close(fd);
    return fail(ErrorCode::HostError, fmt::format("{} is larger than {} bytes", path, max_bytes));
  }
  ModuleBytes bytes;
  if (size == 0) {
    ::close(fd);
    return bytes;
  }
  void* mapped = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  int error = errno;
  ::close(fd);
  if (mapped == MAP_FAILED) return fail(ErrorCode::HostError, fmt::format("cannot map {}: {}", path, std::strerror(error)));
  bytes.data_ = static_cast<const uint8_t*>(mapped);
  bytes.size_ = size;
  bytes.owner_ = std::shared_ptr<const void>(mapped, [size](const void* p) { munmap(const_cast<void*>(p), size); });
  return bytes;
}

}  // namespace warden
