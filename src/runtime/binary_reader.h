// A bounds-checked cursor over a Wasm binary: LEB128 integers, bytes, names.
// Every read either succeeds or returns a Decode error that names the byte
// offset; nothing reads past the end. Shared by the module decoder and the
// function-body compiler.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "runtime/error.h"

namespace warden {

class BinaryReader {
 public:
  // `base_offset` is the offset of data[0] within the whole module, so
  // errors can name absolute byte offsets.
  BinaryReader(std::span<const uint8_t> data, uint32_t base_offset = 0)
      : data_(data), base_(base_offset) {}

  size_t pos() const { return pos_; }
  uint32_t offset() const { return base_ + uint32_t(pos_); }  // absolute
  size_t remaining() const { return data_.size() - pos_; }
  bool atEnd() const { return pos_ >= data_.size(); }
  std::span<const uint8_t> data() const { return data_; }

  // A Decode error at the current offset.
  std::unexpected<Error> error(ErrorCode code, std::string_view what = {}) const {
    return fail(code, what.empty() ? fmt::format("at byte 0x{:x}", offset())
                                   : fmt::format("at byte 0x{:x}: {}", offset(), what));
  }

  Expect<uint8_t> u8() {
    if (pos_ >= data_.size()) return error(ErrorCode::UnexpectedEnd);
    return data_[pos_++];
  }
  Expect<uint8_t> peekU8() const {
    if (pos_ >= data_.size()) return error(ErrorCode::UnexpectedEnd);
    return data_[pos_];
  }
  Expect<uint32_t> fixedU32() {
    if (remaining() < 4) return error(ErrorCode::UnexpectedEnd);
    uint32_t v;
    std::memcpy(&v, data_.data() + pos_, 4);
    pos_ += 4;
    return v;
  }
  Expect<uint64_t> fixedU64() {
    if (remaining() < 8) return error(ErrorCode::UnexpectedEnd);
    uint64_t v;
    std::memcpy(&v, data_.data() + pos_, 8);
    pos_ += 8;
    return v;
  }
  Expect<std::span<const uint8_t>> bytes(size_t n) {
    if (remaining() < n) return error(ErrorCode::UnexpectedEnd);
    auto s = data_.subspan(pos_, n);
    pos_ += n;
    return s;
  }

  Expect<uint32_t> u32() { return unsignedLeb<uint32_t>(32); }
  Expect<uint64_t> u64() { return unsignedLeb<uint64_t>(64); }
  Expect<int32_t> s32() { return signedLeb<int32_t>(32); }
  Expect<int64_t> s64() { return signedLeb<int64_t>(64); }
  // The 33-bit signed block type index.
  Expect<int64_t> s33() { return signedLeb<int64_t>(33); }

 private:
  // Unsigned LEB128 of at most ceil(bits/7) bytes; unused bits of the last
  // byte must be zero ("integer too large"), a longer encoding is "integer
  // representation too long".
  template <typename T>
  Expect<T> unsignedLeb(unsigned bits) {
    T result = 0;
    unsigned shift = 0;
    const unsigned max_bytes = (bits + 6) / 7;
    for (unsigned i = 0;; ++i) {
      if (pos_ >= data_.size()) return error(ErrorCode::UnexpectedEnd);
      uint8_t b = data_[pos_++];
      if (i == max_bytes - 1) {
        if (b & 0x80) return error(ErrorCode::IntegerTooLong);
        unsigned used = bits - shift;  // bits still meaningful in this byte
        if (used < 7 && (b >> used) != 0) return error(ErrorCode::IntegerTooLarge);
        result |= T(b & 0x7F) << shift;
        return result;
      }
      result |= T(b & 0x7F) << shift;
      shift += 7;
      if (!(b & 0x80)) return result;
    }
  }

  // Signed LEB128: the unused bits of the last byte must all equal the sign bit.
  template <typename T>
  Expect<T> signedLeb(unsigned bits) {
    using U = std::make_unsigned_t<T>;
    U result = 0;
    unsigned shift = 0;
    const unsigned max_bytes = (bits + 6) / 7;
    for (unsigned i = 0;; ++i) {
      if (pos_ >= data_.size()) return error(ErrorCode::UnexpectedEnd);
      uint8_t b = data_[pos_++];
      if (i == max_bytes - 1) {
        if (b & 0x80) return error(ErrorCode::IntegerTooLong);
        unsigned used = bits - shift;  // meaningful bits in this byte, sign included
        if (used < 7) {
          // Bits [used-1, 7) must be all zeros or all ones.
          uint8_t mask = uint8_t((0x7F >> (used - 1)) << (used - 1)) & 0x7F;
          uint8_t rest = b & mask;
          if (rest != 0 && rest != mask) return error(ErrorCode::IntegerTooLarge);
        }
        result |= U(b & 0x7F) << shift;
        shift += 7;
        if (shift < sizeof(T) * 8 && (b & 0x40)) result |= ~U(0) << shift;
        return T(result);
      }
      result |= U(b & 0x7F) << shift;
      shift += 7;
      if (!(b & 0x80)) {
        if (shift < sizeof(T) * 8 && (b & 0x40)) result |= ~U(0) << shift;
        return T(result);
      }
    }
  }

  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  uint32_t base_ = 0;
};

}  // namespace warden
