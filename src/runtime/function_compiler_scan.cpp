#include "runtime/function_compiler_scan.h"

#include "runtime/atomic_table.h"
#include "runtime/binary_reader.h"
#include "runtime/function_compiler_simd.h"

namespace warden {

namespace {

bool isValTypeByte(uint8_t b) {
  return b == 0x7F || b == 0x7E || b == 0x7D || b == 0x7C || b == 0x7B || b == 0x70 || b == 0x6F;
}

class BodyScanner {
 public:
  BodyScanner(const Module& module, std::span<const uint8_t> body, uint32_t base_offset,
              const DecodeLimits& limits)
      : module_(module), limits_(limits), reader_(body, base_offset) {}

  Expect<void> run() {
    // Depth counts open blocks; the function body itself is depth 1.
    for (uint32_t depth = 1; depth > 0;) {
      if (reader_.atEnd()) return reader_.error(ErrorCode::UnexpectedEnd, "body ends inside a block");
      uint8_t opcode = WARDEN_TRY(reader_.u8());
      if (opcode == 0x0B) {
        --depth;
      } else if (opcode >= 0x02 && opcode <= 0x04) {
        WARDEN_TRY(blockType());
        ++depth;
      } else {
        WARDEN_TRY(immediates(opcode));
      }
    }
    if (!reader_.atEnd()) return reader_.error(ErrorCode::SectionSizeMismatch, "bytes after the body's final end");
    return {};
  }

 private:
  Expect<void> blockType() {
    uint8_t first = WARDEN_TRY(reader_.peekU8());
    if (first == 0x40 || isValTypeByte(first)) return skip(1);
    int64_t index = WARDEN_TRY(reader_.s33());
    if (index < 0) return reader_.error(ErrorCode::MalformedValType, "malformed block type");
    return {};
  }

  Expect<void> u32s(uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) WARDEN_TRY(reader_.u32());
    return {};
  }

  Expect<void> skip(size_t n) {
    WARDEN_TRY(reader_.bytes(n));
    return {};
  }

  Expect<void> zeroByte() {
    uint8_t b = WARDEN_TRY(reader_.u8());
    if (b != 0) return reader_.error(ErrorCode::ZeroByteExpected, "reserved byte must be zero");
    return {};
  }

  Expect<void> dataCount() {
    if (!module_.data_count && !module_.datas.empty())
      return reader_.error(ErrorCode::DataCountRequired, "bulk memory needs the data count section");
    return {};
  }

  Expect<void> brTable() {
    uint32_t count = WARDEN_TRY(reader_.u32());
    if (count > limits_.max_br_table || count > reader_.remaining())
      return reader_.error(ErrorCode::ImplementationLimit, "br_table too large");
    return u32s(count + 1);
  }

  Expect<void> selectTypes() {
    uint32_t count = WARDEN_TRY(reader_.u32());
    if (count > reader_.remaining()) return reader_.error(ErrorCode::UnexpectedEnd);
    for (uint32_t i = 0; i < count; ++i) {
      uint8_t b = WARDEN_TRY(reader_.u8());
      if (!isValTypeByte(b)) return reader_.error(ErrorCode::MalformedValType);
    }
    return {};
  }

  Expect<void> immediates(uint8_t opcode) {
    if (opcode >= 0x45 && opcode <= 0xC4) return {};  // numeric: none
    if (opcode >= 0x28 && opcode <= 0x3E) return u32s(2);  // memarg
    switch (opcode) {
      case 0x00: case 0x01: case 0x05: case 0x0F: case 0x1A: case 0x1B: case 0xD1: return {};
      case 0x0C: case 0x0D: case 0x10: case 0x20: case 0x21: case 0x22: case 0x23: case 0x24:
      case 0x25: case 0x26: case 0xD2: return u32s(1);
      case 0x0E: return brTable();
      case 0x11: return u32s(2);
      case 0x1C: return selectTypes();
      case 0x3F: case 0x40: return zeroByte();
      case 0x41: WARDEN_TRY(reader_.s32()); return {};
      case 0x42: WARDEN_TRY(reader_.s64()); return {};
      case 0x43: return skip(4);
      case 0x44: return skip(8);
      case 0xD0: {
        uint8_t b = WARDEN_TRY(reader_.u8());
        if (b != 0x70 && b != 0x6F) return reader_.error(ErrorCode::MalformedRefType);
        return {};
      }
      case 0xFC: return prefixed();
      case 0xFD: return simd();
      case 0xFE: return atomic();
      default: return reader_.error(ErrorCode::IllegalOpcode);
    }
  }

  Expect<void> prefixed() {
    uint32_t sub = WARDEN_TRY(reader_.u32());
    if (sub <= 7) return {};  // saturating truncations
    switch (sub) {
      case 8:
        WARDEN_TRY(reader_.u32());
        WARDEN_TRY(zeroByte());
        return dataCount();
      case 9:
        WARDEN_TRY(reader_.u32());
        return dataCount();
      case 10:
        WARDEN_TRY(zeroByte());
        return zeroByte();
      case 11: return zeroByte();
      case 12: case 14: return u32s(2);
      case 13: case 15: case 16: case 17: return u32s(1);
      default: return reader_.error(ErrorCode::IllegalOpcode);
    }
  }

  // A memarg, or atomic.fence's reserved byte.
  Expect<void> atomic() {
    uint32_t sub = WARDEN_TRY(reader_.u32());
    if (!limits_.threads || sub >= kAtomicTable.size() || !kAtomicTable[sub].valid)
      return reader_.error(ErrorCode::IllegalOpcode);
    if (kAtomicTable[sub].kind == AtomicKind::Fence) return zeroByte();
    return u32s(2);
  }

  // Immediates by shape (simd_ops.def): memarg, lane byte, 16 bytes.
  Expect<void> simd() {
    uint32_t sub = WARDEN_TRY(reader_.u32());
    if (sub >= kSimdTable.size() || !kSimdTable[sub].valid) return reader_.error(ErrorCode::IllegalOpcode);
    switch (kSimdTable[sub].shape) {
      case SimdShape::Load: case SimdShape::Store: return u32s(2);
      case SimdShape::LoadLane: case SimdShape::StoreLane: WARDEN_TRY(u32s(2)); return skip(1);
      case SimdShape::Extract: case SimdShape::Replace: return skip(1);
      case SimdShape::Const: case SimdShape::Shuffle: return skip(16);
      default: return {};
    }
  }

  const Module& module_;
  const DecodeLimits& limits_;
  BinaryReader reader_;
};

}  // namespace

Expect<void> scanFunctionBody(const Module& module, std::span<const uint8_t> body, uint32_t base_offset,
                              const DecodeLimits& limits) {
  return BodyScanner(module, body, base_offset, limits).run();
}

}  // namespace warden
