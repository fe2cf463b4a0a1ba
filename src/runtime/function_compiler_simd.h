// The SIMD instruction table for the function compiler and the decode-only
// scan, generated from simd_ops.def and indexed by the 0xFD sub-opcode.
#pragma once

#include <array>
#include <cstdint>

#include "runtime/internal_code.h"
#include "runtime/types.h"

namespace warden {

enum class SimdShape : uint8_t {
  Load, Store, LoadLane, StoreLane, Const, Shuffle, Extract, Replace, Splat, Unary, Binary, Ternary, Test, Shift
};

struct SimdSig {
  bool valid = false;
  InternalOp op = InternalOp::Count_;
  SimdShape shape = SimdShape::Unary;
  ValType scalar = ValType::I32;  // Extract/Replace/Splat
  uint8_t align = 0;              // memory shapes: log2 of the access width
  uint8_t lanes = 0;              // lane shapes: lane count
};

// Every SIMD sub-opcode of Wasm 2.0 is below 256.
constexpr std::array<SimdSig, 256> makeSimdTable() {
  std::array<SimdSig, 256> table{};
#define WARDEN_SIMD_SCALAR_None ValType::I32
#define WARDEN_SIMD_SCALAR_I32 ValType::I32
#define WARDEN_SIMD_SCALAR_I64 ValType::I64
#define WARDEN_SIMD_SCALAR_F32 ValType::F32
#define WARDEN_SIMD_SCALAR_F64 ValType::F64
#define SIMD(name, code, text, shape, scalar, align, lanes) \
  table[(code)] = SimdSig{true, InternalOp::name, SimdShape::shape, WARDEN_SIMD_SCALAR_##scalar, (align), (lanes)};
#include "runtime/simd_ops.def"
#undef SIMD
#undef WARDEN_SIMD_SCALAR_None
#undef WARDEN_SIMD_SCALAR_I32
#undef WARDEN_SIMD_SCALAR_I64
#undef WARDEN_SIMD_SCALAR_F32
#undef WARDEN_SIMD_SCALAR_F64
  return table;
}

inline constexpr std::array<SimdSig, 256> kSimdTable = makeSimdTable();

}  // namespace warden
