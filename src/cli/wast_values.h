// Values as wast2json spells them, and how the spec runner compares them.
//
// wast2json writes every number as an unsigned decimal string: i32/i64 as
// their value, f32/f64 as their bit pattern. Expected float results may
// instead be "nan:canonical" or "nan:arithmetic". References are "null" or a
// decimal host token (externref) / any non-null function (funcref).
// A v128 is {"type":"v128","lane_type":"f32","value":["nan:canonical","1065353216",...]}:
// one unsigned decimal per lane, float lanes possibly a NaN pattern.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/error.h"
#include "runtime/types.h"

namespace warden::cli {

enum class WastValueKind : uint8_t {
  Exact,          // `bits` holds the value (or the extern token number)
  CanonicalNan,   // float with exactly the canonical NaN payload, either sign
  ArithmeticNan,  // float NaN with the quiet bit set, any payload
  NullRef,        // ref.null
  AnyNonNullRef,  // funcref result that only has to be non-null
  Vector,         // v128: bits/bits_hi, compared lane by lane (lane_kinds)
};

struct WastValue {
  ValType type = ValType::I32;
  WastValueKind kind = WastValueKind::Exact;
  uint64_t bits = 0;          // the value; the low 64 bits of a v128
  // v128 only:
  uint64_t bits_hi = 0;       // the high 64 bits
  ValType lane_type = ValType::I32;  // I32/I64/F32/F64; with lane_bits 8/16 for i8/i16
  uint8_t lane_bits = 32;
  std::array<WastValueKind, 4> lane_kinds{};  // f32/f64 lanes: Exact or a NaN pattern
};

// Parses a (type, value) pair of a wast2json "args" or "expected" entry.
// `value` is ignored for "v128" (arrays of lanes are not parsed yet).
Expect<WastValue> parseWastValue(std::string_view type, std::string_view value);

// Parses a v128 entry: its "lane_type" (i8, i16, i32, i64, f32, f64) and
// the lanes of its "value" array.
Expect<WastValue> parseWastVector(std::string_view lane_type, const std::vector<std::string>& lanes);

// Externref values from the script become opaque host tokens and back, so
// that a reference passed in and returned compares equal.
Ref externTokenOf(uint64_t number);
uint64_t externNumberOf(Ref token);

// The engine-side argument for a script value (only Exact and NullRef make
// sense as arguments).
Expect<Value> toArgument(const WastValue& v);
// Appends the argument in the engine's slot layout (a v128 takes two Values).
Expect<void> appendArgument(const WastValue& v, std::vector<Value>& out);

// Does an actual result of the engine satisfy the expectation?
bool matchesExpected(const WastValue& expected, Value actual);
// The same for a v128 result (two slots).
bool matchesExpectedVector(const WastValue& expected, Value lo, Value hi);
// Results in slot layout against the expected values, one per result.
bool resultsMatch(const std::vector<WastValue>& expected, std::span<const Value> actual_slots);

// "i32:42", "f32:nan:canonical", "externref:null", "f64:1.5 (0x3ff8000000000000)"
std::string formatExpected(const WastValue& v);
std::string formatActual(ValType type, Value v);
// "(i32:1 i32:2)" for lists; "()" when empty.
std::string formatExpectedList(const std::vector<WastValue>& values);
// `values` in slot layout (a v128 takes two).
std::string formatActualList(const std::vector<ValType>& types, const std::vector<Value>& values);

}  // namespace warden::cli
