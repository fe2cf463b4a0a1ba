#include "cli/value_format.h"

#include <bit>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

namespace warden::cli {

namespace {

Error badArgument(ValType type, std::string_view text, std::string_view why) {
  return Error(ErrorCode::InvalidArgument, fmt::format("'{}' is not a valid {} ({})", text, valTypeName(type), why));
}

// Parses an integer that fits `bits` bits either as signed or as unsigned;
// returns its two's-complement pattern.
Expect<uint64_t> parseInteger(ValType type, std::string_view text, unsigned bits) {
  std::string_view digits = text;
  bool negative = !digits.empty() && digits.front() == '-';
  if (negative || (!digits.empty() && digits.front() == '+')) digits.remove_prefix(1);
  int base = 10;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    base = 16;
    digits.remove_prefix(2);
  }
  uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (digits.empty() || ec == std::errc::invalid_argument || end != digits.data() + digits.size())
    return std::unexpected(badArgument(type, text, "malformed integer"));
  uint64_t unsigned_max = bits == 64 ? std::numeric_limits<uint64_t>::max() : (uint64_t(1) << bits) - 1;
  uint64_t negative_max = uint64_t(1) << (bits - 1);  // |INT_MIN|
  if (ec == std::errc::result_out_of_range || (negative ? magnitude > negative_max : magnitude > unsigned_max))
    return std::unexpected(badArgument(type, text, "out of range"));
  return (negative ? 0 - magnitude : magnitude) & unsigned_max;
}

// strtod/strtof accept decimal, hex floats, "nan" and "inf" (any case).
Expect<double> parseDouble(ValType type, std::string_view text) {
  std::string owned(text);
  errno = 0;
  char* end = nullptr;
  double d = std::strtod(owned.c_str(), &end);
  if (owned.empty() || end != owned.c_str() + owned.size()) return std::unexpected(badArgument(type, text, "malformed float"));
  return d;
}

Expect<float> parseFloat(ValType type, std::string_view text) {
  std::string owned(text);
  char* end = nullptr;
  float f = std::strtof(owned.c_str(), &end);
  if (owned.empty() || end != owned.c_str() + owned.size()) return std::unexpected(badArgument(type, text, "malformed float"));
  return f;
}

// "i32x4:1 2 3 4" → 16 bytes.
Expect<std::pair<uint64_t, uint64_t>> parseV128(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::unexpected(badArgument(ValType::V128, text, "expected SHAPE:LANES, e.g. i32x4:1 2 3 4"));
  std::string_view shape = text.substr(0, colon);
  struct Shape { std::string_view name; unsigned bits; ValType lane; };
  static constexpr Shape kShapes[] = {{"i8x16", 8, ValType::I32},  {"i16x8", 16, ValType::I32}, {"i32x4", 32, ValType::I32},
                                      {"i64x2", 64, ValType::I64}, {"f32x4", 32, ValType::F32}, {"f64x2", 64, ValType::F64}};
  const Shape* found = nullptr;
  for (const Shape& s : kShapes)
    if (s.name == shape) found = &s;
  if (!found) return std::unexpected(badArgument(ValType::V128, text, "unknown shape"));
  std::vector<std::string_view> lanes;
  std::string_view rest = text.substr(colon + 1);
  while (!rest.empty()) {
    size_t end = rest.find_first_of(" ,");
    std::string_view lane = rest.substr(0, end);
    if (!lane.empty()) lanes.push_back(lane);
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  if (lanes.size() != 128 / found->bits) return std::unexpected(badArgument(ValType::V128, text, "wrong number of lanes"));
  uint64_t words[2] = {0, 0};
  for (size_t i = 0; i < lanes.size(); ++i) {
    uint64_t bits = 0;
    if (found->lane == ValType::F32) bits = std::bit_cast<uint32_t>(WARDEN_TRY(parseFloat(ValType::F32, lanes[i])));
    else if (found->lane == ValType::F64) bits = std::bit_cast<uint64_t>(WARDEN_TRY(parseDouble(ValType::F64, lanes[i])));
    else bits = WARDEN_TRY(parseInteger(ValType::V128, lanes[i], found->bits));
    size_t at = i * found->bits;
    words[at / 64] |= bits << (at % 64);
  }
  return std::pair{words[0], words[1]};
}

}  // namespace

Expect<void> appendArgument(ValType type, std::string_view text, std::vector<Value>& out) {
  if (type != ValType::V128) {
    out.push_back(WARDEN_TRY(parseArgument(type, text)));
    return {};
  }
  auto [lo, hi] = WARDEN_TRY(parseV128(text));
  out.push_back(Value::fromI64(lo));
  out.push_back(Value::fromI64(hi));
  return {};
}

std::string formatV128(Value lo, Value hi) {
  return fmt::format("i32x4:0x{:08x} 0x{:08x} 0x{:08x} 0x{:08x}", lo.i64 & 0xffffffffu, lo.i64 >> 32,
                     hi.i64 & 0xffffffffu, hi.i64 >> 32);
}

std::vector<std::string> formatResults(const std::vector<ValType>& types, const std::vector<Value>& values) {
  std::vector<std::string> lines;
  size_t at = 0;
  for (ValType type : types) {
    if (at + slotWidth(type) > values.size()) break;
    lines.push_back(type == ValType::V128 ? formatV128(values[at], values[at + 1]) : formatResult(type, values[at]));
    at += slotWidth(type);
  }
  return lines;
}

Expect<Value> parseArgument(ValType type, std::string_view text) {
  switch (type) {
    case ValType::I32: return Value::fromI32(uint32_t(WARDEN_TRY(parseInteger(type, text, 32))));
    case ValType::I64: return Value::fromI64(WARDEN_TRY(parseInteger(type, text, 64)));
    case ValType::F32: return Value::fromF32(WARDEN_TRY(parseFloat(type, text)));
    case ValType::F64: return Value::fromF64(WARDEN_TRY(parseDouble(type, text)));
    case ValType::FuncRef:
    case ValType::ExternRef:
      if (text == "null") return Value::fromRef(kNullRef);
      return std::unexpected(badArgument(type, text, "only null references can be given on the command line"));
    case ValType::V128: break;
  }
  return std::unexpected(badArgument(type, text, "a v128 takes two slots: use appendArgument"));
}

std::string formatResult(ValType type, Value value) {
  switch (type) {
    case ValType::I32: return fmt::format("{}", int32_t(value.i32));
    case ValType::I64: return fmt::format("{}", int64_t(value.i64));
    case ValType::F32: return fmt::format("{}", value.f32);
    case ValType::F64: return fmt::format("{}", value.f64);
    case ValType::FuncRef:
    case ValType::ExternRef: return value.ref == kNullRef ? "null" : "ref";
    case ValType::V128: break;
  }
  return "?";
}

}  // namespace warden::cli
