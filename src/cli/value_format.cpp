#include "cli/value_format.h"

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

}  // namespace

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
  return std::unexpected(badArgument(type, text, "type not supported on the command line"));
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
