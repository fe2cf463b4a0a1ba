// The atomic instructions (atomic_ops.def) indexed by their 0xFE sub-opcode,
// for the lowering and the decode-only scan.
#pragma once

#include <array>
#include <cstdint>

#include "runtime/internal_code.h"
#include "runtime/types.h"

namespace warden {

enum class AtomicKind : uint8_t {
  Notify, Wait, Fence, Load, Store, RmwAdd, RmwSub, RmwAnd, RmwOr, RmwXor, RmwXchg, Cmpxchg
};

struct AtomicSig {
  bool valid = false;
  InternalOp op{};
  AtomicKind kind{};
  ValType type = ValType::I32;  // of the value read or written (the result of Notify and Wait is i32)
  uint8_t width_log2 = 0;       // the access width, which the memarg's alignment must equal
};

constexpr uint32_t kAtomicSubopCount = 0x4F;

constexpr std::array<AtomicSig, kAtomicSubopCount> kAtomicTable = [] {
  std::array<AtomicSig, kAtomicSubopCount> table{};
#define ATOMIC(name, code, text, kind, type, width) \
  table[code] = AtomicSig{true, InternalOp::name, AtomicKind::kind, ValType::type, width};
#include "runtime/atomic_ops.def"
#undef ATOMIC
  return table;
}();

// add, sub, and, or, xor and xchg: [addr value] -> the old value.
constexpr bool isRmw(AtomicKind k) { return k >= AtomicKind::RmwAdd && k <= AtomicKind::RmwXchg; }

}  // namespace warden
