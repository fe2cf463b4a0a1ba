#include "cli/wast_values.h"

#include <charconv>
#include <cstring>
#include <limits>

#include <fmt/format.h>

namespace warden::cli {

namespace {

constexpr uint32_t kF32ExponentAndQuiet = 0x7fc00000u;  // canonical NaN magnitude
constexpr uint64_t kF64ExponentAndQuiet = 0x7ff8000000000000ull;

Expect<ValType> parseTypeName(std::string_view type) {
  if (type == "i32") return ValType::I32;
  if (type == "i64") return ValType::I64;
  if (type == "f32") return ValType::F32;
  if (type == "f64") return ValType::F64;
  if (type == "v128") return ValType::V128;
  if (type == "funcref") return ValType::FuncRef;
  if (type == "externref") return ValType::ExternRef;
  return fail(ErrorCode::InvalidArgument, fmt::format("unknown value type '{}'", type));
}

// Unsigned decimal as wast2json writes it; a leading '-' is also accepted
// (two's complement) so hand-written scripts are forgiving.
Expect<uint64_t> parseDecimal(std::string_view text, uint64_t max) {
  bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), magnitude);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    return fail(ErrorCode::InvalidArgument, fmt::format("malformed number '{}'", text));
  uint64_t value = negative ? (0 - magnitude) & max : magnitude;
  if (!negative && magnitude > max) return fail(ErrorCode::InvalidArgument, fmt::format("number '{}' out of range", text));
  return value;
}

uint64_t maxBitsOf(ValType type) {
  return (type == ValType::I32 || type == ValType::F32) ? std::numeric_limits<uint32_t>::max()
                                                        : std::numeric_limits<uint64_t>::max();
}

float f32FromBits(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

double f64FromBits(uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

Expect<WastValue> parseRef(ValType type, std::string_view value) {
  if (value == "null") return WastValue{type, WastValueKind::NullRef, 0};
  if (type == ValType::FuncRef) return WastValue{type, WastValueKind::AnyNonNullRef, 0};
  uint64_t number = WARDEN_TRY(parseDecimal(value, std::numeric_limits<uint64_t>::max() - 1));
  return WastValue{type, WastValueKind::Exact, number};
}

Expect<WastValue> parseFloat(ValType type, std::string_view value) {
  if (value == "nan:canonical") return WastValue{type, WastValueKind::CanonicalNan, 0};
  if (value == "nan:arithmetic") return WastValue{type, WastValueKind::ArithmeticNan, 0};
  uint64_t bits = WARDEN_TRY(parseDecimal(value, maxBitsOf(type)));
  return WastValue{type, WastValueKind::Exact, bits};
}

bool matchesFloat32(WastValueKind kind, uint32_t expected, uint32_t actual) {
  switch (kind) {
    case WastValueKind::CanonicalNan: return (actual & 0x7fffffffu) == kF32ExponentAndQuiet;
    case WastValueKind::ArithmeticNan: return (actual & kF32ExponentAndQuiet) == kF32ExponentAndQuiet;
    default: return actual == expected;
  }
}

bool matchesFloat64(WastValueKind kind, uint64_t expected, uint64_t actual) {
  switch (kind) {
    case WastValueKind::CanonicalNan: return (actual & 0x7fffffffffffffffull) == kF64ExponentAndQuiet;
    case WastValueKind::ArithmeticNan: return (actual & kF64ExponentAndQuiet) == kF64ExponentAndQuiet;
    default: return actual == expected;
  }
}

bool matchesRef(const WastValue& expected, Ref actual) {
  switch (expected.kind) {
    case WastValueKind::NullRef: return actual == kNullRef;
    case WastValueKind::AnyNonNullRef: return actual != kNullRef;
    default: return actual == externTokenOf(expected.bits);
  }
}

// Lane `i` of `bits` bits out of the 128-bit value lo|hi.
uint64_t laneOf(uint64_t lo, uint64_t hi, unsigned lane_bits, unsigned i) {
  unsigned at = i * lane_bits;
  uint64_t word = at < 64 ? lo : hi;
  uint64_t v = word >> (at % 64);
  return lane_bits == 64 ? v : v & ((uint64_t(1) << lane_bits) - 1);
}

std::string laneShapeName(const WastValue& v) {
  char kind = (v.lane_type == ValType::F32 || v.lane_type == ValType::F64) ? 'f' : 'i';
  return fmt::format("{}{}x{}", kind, v.lane_bits, 128 / v.lane_bits);
}

}  // namespace

Expect<WastValue> parseWastVector(std::string_view lane_type, const std::vector<std::string>& lanes) {
  WastValue v{ValType::V128, WastValueKind::Vector, 0};
  if (lane_type == "i8") v.lane_bits = 8;
  else if (lane_type == "i16") v.lane_bits = 16;
  else if (lane_type == "i32" || lane_type == "f32") v.lane_bits = 32;
  else if (lane_type == "i64" || lane_type == "f64") v.lane_bits = 64;
  else return fail(ErrorCode::InvalidArgument, fmt::format("unknown lane type '{}'", lane_type));
  v.lane_type = lane_type == "f32" ? ValType::F32 : lane_type == "f64" ? ValType::F64
              : lane_type == "i64" ? ValType::I64 : ValType::I32;
  unsigned count = 128 / v.lane_bits;
  if (lanes.size() != count)
    return fail(ErrorCode::InvalidArgument, fmt::format("v128 with {} lanes of {}", lanes.size(), lane_type));
  uint64_t max = v.lane_bits == 64 ? std::numeric_limits<uint64_t>::max() : (uint64_t(1) << v.lane_bits) - 1;
  bool is_float = v.lane_type == ValType::F32 || v.lane_type == ValType::F64;
  for (unsigned i = 0; i < count; ++i) {
    uint64_t lane = 0;
    if (is_float && lanes[i] == "nan:canonical") {
      v.lane_kinds[i] = WastValueKind::CanonicalNan;
    } else if (is_float && lanes[i] == "nan:arithmetic") {
      v.lane_kinds[i] = WastValueKind::ArithmeticNan;
    } else {
      lane = WARDEN_TRY(parseDecimal(lanes[i], max));
    }
    unsigned at = i * v.lane_bits;
    (at < 64 ? v.bits : v.bits_hi) |= lane << (at % 64);
  }
  return v;
}

Expect<WastValue> parseWastValue(std::string_view type_name, std::string_view value) {
  ValType type = WARDEN_TRY(parseTypeName(type_name));
  switch (type) {
    case ValType::V128: return WastValue{type, WastValueKind::Vector, 0};
    case ValType::FuncRef:
    case ValType::ExternRef: return parseRef(type, value);
    case ValType::F32:
    case ValType::F64: return parseFloat(type, value);
    default: break;
  }
  uint64_t bits = WARDEN_TRY(parseDecimal(value, maxBitsOf(type)));
  return WastValue{type, WastValueKind::Exact, bits};
}

// Token 0 is the null reference, so numbers are shifted by one.
Ref externTokenOf(uint64_t number) { return Ref(number + 1); }
uint64_t externNumberOf(Ref token) { return uint64_t(token) - 1; }

Expect<void> appendArgument(const WastValue& v, std::vector<Value>& out) {
  if (v.type == ValType::V128) {
    if (v.lane_kinds != std::array<WastValueKind, 4>{})
      return fail(ErrorCode::InvalidArgument, fmt::format("{} cannot be passed as an argument", formatExpected(v)));
    out.push_back(Value::fromI64(v.bits));
    out.push_back(Value::fromI64(v.bits_hi));
    return {};
  }
  out.push_back(WARDEN_TRY(toArgument(v)));
  return {};
}

Expect<Value> toArgument(const WastValue& v) {
  if (v.kind == WastValueKind::NullRef) return Value::fromRef(kNullRef);
  if (v.kind != WastValueKind::Exact)
    return fail(ErrorCode::InvalidArgument, fmt::format("{} cannot be passed as an argument", formatExpected(v)));
  switch (v.type) {
    case ValType::I32:
    case ValType::F32: return Value::fromI32(uint32_t(v.bits));
    case ValType::I64:
    case ValType::F64: return Value::fromI64(v.bits);
    case ValType::ExternRef: return Value::fromRef(externTokenOf(v.bits));
    default: break;
  }
  return fail(ErrorCode::InvalidArgument, fmt::format("{} cannot be passed as an argument", formatExpected(v)));
}

bool matchesExpectedVector(const WastValue& expected, Value lo, Value hi) {
  if (expected.type != ValType::V128) return false;
  unsigned count = 128 / expected.lane_bits;
  for (unsigned i = 0; i < count; ++i) {
    uint64_t want = laneOf(expected.bits, expected.bits_hi, expected.lane_bits, i);
    uint64_t got = laneOf(lo.bits, hi.bits, expected.lane_bits, i);
    WastValueKind kind = count <= 4 ? expected.lane_kinds[i] : WastValueKind::Exact;
    bool ok = expected.lane_type == ValType::F32   ? matchesFloat32(kind, uint32_t(want), uint32_t(got))
              : expected.lane_type == ValType::F64 ? matchesFloat64(kind, want, got)
                                                   : want == got;
    if (!ok) return false;
  }
  return true;
}

bool resultsMatch(const std::vector<WastValue>& expected, std::span<const Value> actual) {
  size_t at = 0;
  for (const WastValue& e : expected) {
    size_t width = slotWidth(e.type);
    if (at + width > actual.size()) return false;
    bool ok = e.type == ValType::V128 ? matchesExpectedVector(e, actual[at], actual[at + 1])
                                      : matchesExpected(e, actual[at]);
    if (!ok) return false;
    at += width;
  }
  return at == actual.size();
}

bool matchesExpected(const WastValue& expected, Value actual) {
  switch (expected.type) {
    case ValType::I32: return actual.i32 == uint32_t(expected.bits);
    case ValType::I64: return actual.i64 == expected.bits;
    case ValType::F32: return matchesFloat32(expected.kind, uint32_t(expected.bits), actual.i32);
    case ValType::F64: return matchesFloat64(expected.kind, expected.bits, actual.i64);
    case ValType::FuncRef:
    case ValType::ExternRef: return matchesRef(expected, actual.ref);
    case ValType::V128: return false;
  }
  return false;
}

std::string formatExpected(const WastValue& v) {
  std::string_view type = valTypeName(v.type);
  switch (v.kind) {
    case WastValueKind::CanonicalNan: return fmt::format("{}:nan:canonical", type);
    case WastValueKind::ArithmeticNan: return fmt::format("{}:nan:arithmetic", type);
    case WastValueKind::NullRef: return fmt::format("{}:null", type);
    case WastValueKind::AnyNonNullRef: return fmt::format("{}:non-null", type);
    case WastValueKind::Vector: {
      std::string out = fmt::format("v128:{}:", laneShapeName(v));
      unsigned count = 128 / v.lane_bits;
      for (unsigned i = 0; i < count; ++i) {
        WastValueKind kind = count <= 4 ? v.lane_kinds[i] : WastValueKind::Exact;
        if (i) out += ' ';
        if (kind == WastValueKind::CanonicalNan) out += "nan:canonical";
        else if (kind == WastValueKind::ArithmeticNan) out += "nan:arithmetic";
        else out += fmt::format("0x{:x}", laneOf(v.bits, v.bits_hi, v.lane_bits, i));
      }
      return out;
    }
    case WastValueKind::Exact: break;
  }
  switch (v.type) {
    case ValType::F32: return formatActual(v.type, Value::fromI32(uint32_t(v.bits)));
    case ValType::F64: return formatActual(v.type, Value::fromI64(v.bits));
    default: return fmt::format("{}:{}", type, v.bits);
  }
}

std::string formatActual(ValType type, Value v) {
  switch (type) {
    case ValType::I32: return fmt::format("i32:{}", v.i32);
    case ValType::I64: return fmt::format("i64:{}", v.i64);
    case ValType::F32: return fmt::format("f32:{} (0x{:08x})", f32FromBits(v.i32), v.i32);
    case ValType::F64: return fmt::format("f64:{} (0x{:016x})", f64FromBits(v.i64), v.i64);
    case ValType::FuncRef: return v.ref == kNullRef ? "funcref:null" : "funcref:non-null";
    case ValType::ExternRef:
      return v.ref == kNullRef ? std::string("externref:null") : fmt::format("externref:{}", externNumberOf(v.ref));
    case ValType::V128: return fmt::format("v128:0x{:016x}", v.bits);  // low half; see formatActualList
  }
  return "?";
}

std::string formatExpectedList(const std::vector<WastValue>& values) {
  std::string out = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ' ';
    out += formatExpected(values[i]);
  }
  return out + ')';
}

std::string formatActualList(const std::vector<ValType>& types, const std::vector<Value>& values) {
  std::string out = "(";
  size_t at = 0;
  for (size_t i = 0; i < types.size() && at < values.size(); ++i) {
    if (i) out += ' ';
    if (types[i] == ValType::V128 && at + 1 < values.size()) {
      out += fmt::format("v128:i32x4:0x{:x} 0x{:x} 0x{:x} 0x{:x}", values[at].i64 & 0xffffffffu, values[at].i64 >> 32,
                         values[at + 1].i64 & 0xffffffffu, values[at + 1].i64 >> 32);
      at += 2;
    } else {
      out += formatActual(types[i], values[at++]);
    }
  }
  for (; at < values.size(); ++at) out += fmt::format(" ?:0x{:x}", values[at].bits);
  return out + ')';
}

}  // namespace warden::cli
