// The WebAssembly type vocabulary shared by every part of the engine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warden {

// Binary encodings of the value types, so decoding is a range check.
enum class ValType : uint8_t {
  I32 = 0x7F,
  I64 = 0x7E,
  F32 = 0x7D,
  F64 = 0x7C,
  V128 = 0x7B,
  FuncRef = 0x70,
  ExternRef = 0x6F,
};

inline bool isRefType(ValType t) { return t == ValType::FuncRef || t == ValType::ExternRef; }
inline bool isNumType(ValType t) {
  return t == ValType::I32 || t == ValType::I64 || t == ValType::F32 || t == ValType::F64;
}
std::string_view valTypeName(ValType t);  // "i32", "funcref", ...

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType&) const = default;
};
std::string funcTypeString(const FuncType& type);  // "(i32 i64) -> (f32)"

struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
  bool shared = false;  // memories only (threads proposal); a shared memory needs a maximum
  bool operator==(const Limits&) const = default;
};

struct TableType {
  ValType elem = ValType::FuncRef;
  Limits limits;
};

struct MemoryType {
  Limits limits;  // in 64 KiB pages
};

struct GlobalType {
  ValType type = ValType::I32;
  bool mutable_ = false;
};

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3 };
std::string_view externKindName(ExternKind k);

constexpr uint64_t kPageSize = 65536;
constexpr uint64_t kMaxPages = 65536;  // memory32: 4 GiB

// A reference value: 0 is null. A funcref points at a FunctionInstance; an
// externref is whatever pointer-sized token the embedder chose.
using Ref = uintptr_t;
constexpr Ref kNullRef = 0;

// One value stack slot. Every Wasm value except v128 fits one slot; an i32
// occupies the low 32 bits (readers must not look at the upper half).
union Value {
  uint32_t i32;
  uint64_t i64;
  float f32;
  double f64;
  Ref ref;
  uint64_t bits;

  static Value fromI32(uint32_t v) { Value x; x.bits = 0; x.i32 = v; return x; }
  static Value fromI64(uint64_t v) { Value x; x.i64 = v; return x; }
  static Value fromF32(float v) { Value x; x.bits = 0; x.f32 = v; return x; }
  static Value fromF64(double v) { Value x; x.f64 = v; return x; }
  static Value fromRef(Ref v) { Value x; x.bits = 0; x.ref = v; return x; }
  static Value zero() { Value x; x.bits = 0; return x; }
};
static_assert(sizeof(Value) == 8);

// How many Value slots a value of type `t` occupies on the value stack, in
// frames and at the embedding API: 2 for v128 (low 64 bits first), else 1.
inline uint32_t slotWidth(ValType t) { return t == ValType::V128 ? 2 : 1; }
inline uint32_t slotCount(const std::vector<ValType>& types) {
  uint32_t n = 0;
  for (ValType t : types) n += slotWidth(t);
  return n;
}

// A value with its type, as it crosses the embedding API.
struct TypedValue {
  ValType type = ValType::I32;
  Value value = Value::zero();
};

}  // namespace warden
