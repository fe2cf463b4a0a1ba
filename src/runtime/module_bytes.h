// A module's binary, shared read-only by the Module decoded from it: bytes
// moved in from a vector, or a file mapped read-only. Mapping costs no
// copy and no fresh memory: pages come from the page cache as they are
// first read (a few hundred faults for python.wasm's 8 MB instead of two
// thousand for reading it into the heap), and every process shares them.
// A mapped file must not be changed while mapped (truncating it would make
// reads fault): it is the operator's, trusted like the binary.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "runtime/error.h"

namespace warden {

class ModuleBytes {
 public:
  ModuleBytes() = default;
  ModuleBytes(std::vector<uint8_t>&& owned);
  // The whole file, mapped; refuses files larger than `max_bytes`.
  static Expect<ModuleBytes> mapFile(const std::string& path, uint64_t max_bytes = uint64_t(1) << 30);

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  uint8_t operator[](size_t i) const { return data_[i]; }
  const uint8_t* begin() const { return data_; }
  const uint8_t* end() const { return data_ + size_; }
  std::span<const uint8_t> span() const { return {data_, size_}; }
  operator std::span<const uint8_t>() const { return span(); }

 private:
  std::shared_ptr<const void> owner_;  // the vector or the mapping; copies share it
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace warden
