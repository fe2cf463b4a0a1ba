#include "runtime/objects.h"

#include <sys/mman.h>

#include <fmt/format.h>

namespace warden {

Expect<std::unique_ptr<MemoryInstance>> MemoryInstance::create(MemoryType type, uint64_t limit_pages) {
  if (type.limits.min > limit_pages || type.limits.min > kMaxPages) {
    return fail(ErrorCode::HostError,
                fmt::format("memory of {} pages exceeds the limit of {} pages", type.limits.min, limit_pages));
  }
  void* p = mmap(nullptr, kMemoryReservation, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return fail(ErrorCode::HostError, "cannot reserve address space for a linear memory");
  auto mem = std::make_unique<MemoryInstance>();
  mem->type = type;
  mem->base = static_cast<uint8_t*>(p);
  mem->reserved = kMemoryReservation;
  mem->limit_pages = limit_pages;
  if (type.limits.min > 0 && mem->grow(type.limits.min) < 0) {
    return fail(ErrorCode::HostError, "cannot commit the initial pages of a linear memory");
  }
  return mem;
}

Expect<std::unique_ptr<MemoryInstance>> MemoryInstance::createMapped(MemoryType type, uint64_t limit_pages, int fd,
                                                                    uint64_t offset, uint64_t bytes) {
  uint64_t pages = bytes / kPageSize;
  if (bytes % kPageSize != 0 || pages < type.limits.min || pages > type.limits.max.value_or(kMaxPages))
    return fail(ErrorCode::HostError, fmt::format("a memory image of {} bytes does not fit the memory's type", bytes));
  if (pages > limit_pages)
    return fail(ErrorCode::HostError, fmt::format("memory of {} pages exceeds the limit of {} pages", pages, limit_pages));
  MemoryType empty = type;
  empty.limits.min = 0;
  auto mem = WARDEN_TRY(create(empty, limit_pages));
  mem->type = type;
  if (bytes > 0) {
    void* p = mmap(mem->base, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, off_t(offset));
    if (p == MAP_FAILED) return fail(ErrorCode::HostError, "cannot map a memory image");
    mem->size = bytes;
  }
  return mem;
}

MemoryInstance::~MemoryInstance() {
  if (base) munmap(base, reserved);
}

int64_t MemoryInstance::grow(uint64_t delta) {
  std::lock_guard lock(grow_mutex_);  // uncontended unless the memory is shared
  uint64_t old_pages = pages();
  uint64_t max_pages = type.limits.max.value_or(kMaxPages);
  if (delta > kMaxPages || old_pages + delta > max_pages) return -1;
  if (old_pages + delta > limit_pages) {
    grow_denied_by_limit = true;  // lets the embedder report "memory limit"
    return -1;
  }
  if (delta == 0) return int64_t(old_pages);
  uint64_t new_size = (old_pages + delta) * kPageSize;
  if (mprotect(base + size, new_size - size, PROT_READ | PROT_WRITE) != 0) return -1;
  std::atomic_ref<uint64_t>(size).store(new_size, std::memory_order_release);
  return int64_t(old_pages);
}

int64_t TableInstance::grow(uint64_t delta, Ref init) {
  uint64_t old_size = elems.size();
  uint64_t max = type.limits.max.value_or(0xFFFFFFFFull);
  if (delta > max || old_size + delta > max || old_size + delta > limit) return -1;
  elems.resize(old_size + delta, init);
  return int64_t(old_size);
}

MemoryInstance* HostCall::memory() const {
  if (!caller || caller->memories.empty()) return nullptr;
  return caller->memories[0];
}

}  // namespace warden
