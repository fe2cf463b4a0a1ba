// Bounds-checked access to the caller's linear memory. Every guest pointer
// and length goes through here; an access outside memory yields nullopt or
// false, which the WASI functions turn into errno FAULT (never a host crash).
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>

#include "runtime/objects.h"

namespace warden::wasi {

class GuestMemory {
 public:
  explicit GuestMemory(MemoryInstance* memory)
      : base_(memory ? memory->base : nullptr), size_(memory ? memory->currentSize() : 0) {}
  GuestMemory(uint8_t* base, uint64_t size) : base_(base), size_(size) {}

  bool inBounds(uint64_t ptr, uint64_t len) const { return ptr <= size_ && len <= size_ - ptr; }

  std::optional<std::span<uint8_t>> bytes(uint32_t ptr, uint32_t len) const {
    if (!inBounds(ptr, len)) return std::nullopt;
    return std::span<uint8_t>(base_ + ptr, len);
  }
  std::optional<std::string_view> string(uint32_t ptr, uint32_t len) const {
    if (!inBounds(ptr, len)) return std::nullopt;
    return std::string_view(reinterpret_cast<const char*>(base_ + ptr), len);
  }

  // Little-endian scalars (the host is little-endian x86-64/aarch64).
  template <typename T>
  std::optional<T> load(uint32_t ptr) const {
    if (!inBounds(ptr, sizeof(T))) return std::nullopt;
    T value;
    std::memcpy(&value, base_ + ptr, sizeof(T));
    return value;
  }
  template <typename T>
  bool store(uint32_t ptr, T value) const {
    if (!inBounds(ptr, sizeof(T))) return false;
    std::memcpy(base_ + ptr, &value, sizeof(T));
    return true;
  }

 private:
  uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace warden::wasi
