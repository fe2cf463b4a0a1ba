// Values as wast2json spells them, and how the spec runner compares them.
//
// wast2json writes every number as an unsigned decimal string: i32/i64 as
// their value, f32/f64 as their bit pattern. Expected float results may
// instead be "nan:canonical" or "nan:arithmetic". References are "null" or a
// decimal host token (externref) / any non-null function (funcref).
#pragma once

#include <cstdint>
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
  Vector,         // v128: not supported yet, the assertion is skipped
};

struct WastValue {
  ValType type = ValType::I32;
  WastValueKind kind = WastValueKind::Exact;
  uint64_t bits = 0;
};

// Parses a (type, value) pair of a wast2json "args" or "expected" entry.
// `value` is ignored for "v128" (arrays of lanes are not parsed yet).
Expect<WastValue> parseWastValue(std::string_view type, std::string_view value);

// Externref values from the script become opaque host tokens and back, so
// that a reference passed in and returned compares equal.
Ref externTokenOf(uint64_t number);
uint64_t externNumberOf(Ref token);

// The engine-side argument for a script value (only Exact and NullRef make
// sense as arguments).
Expect<Value> toArgument(const WastValue& v);

// Does an actual result of the engine satisfy the expectation?
bool matchesExpected(const WastValue& expected, Value actual);

// "i32:42", "f32:nan:canonical", "externref:null", "f64:1.5 (0x3ff8000000000000)"
std::string formatExpected(const WastValue& v);
std::string formatActual(ValType type, Value v);
// "(i32:1 i32:2)" for lists; "()" when empty.
std::string formatExpectedList(const std::vector<WastValue>& values);
std::string formatActualList(const std::vector<ValType>& types, const std::vector<Value>& values);

}  // namespace warden::cli
