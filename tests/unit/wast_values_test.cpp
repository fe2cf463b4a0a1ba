// The spec runner's value parsing and matching, and `warden run`'s argument
// parsing and result formatting.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "cli/value_format.h"
#include "cli/wast_values.h"

namespace warden::cli {
namespace {

WastValue parsed(std::string_view type, std::string_view value) {
  Expect<WastValue> v = parseWastValue(type, value);
  EXPECT_TRUE(v.has_value()) << type << " " << value;
  return v.value_or(WastValue{});
}

Value f32Bits(uint32_t bits) { return Value::fromI32(bits); }
Value f64Bits(uint64_t bits) { return Value::fromI64(bits); }

TEST(WastValues, ParsesIntegersAsUnsignedDecimal) {
  WastValue v = parsed("i32", "4294967295");
  EXPECT_EQ(v.type, ValType::I32);
  EXPECT_EQ(v.kind, WastValueKind::Exact);
  EXPECT_EQ(v.bits, 0xffffffffu);
  EXPECT_EQ(parsed("i64", "18446744073709551615").bits, ~uint64_t(0));
}

TEST(WastValues, RejectsOutOfRangeAndMalformedNumbers) {
  EXPECT_FALSE(parseWastValue("i32", "4294967296").has_value());
  EXPECT_FALSE(parseWastValue("i64", "18446744073709551616").has_value());
  EXPECT_FALSE(parseWastValue("i32", "12x").has_value());
  EXPECT_FALSE(parseWastValue("i32", "").has_value());
  EXPECT_FALSE(parseWastValue("f128", "1").has_value());
}

TEST(WastValues, IntegersCompareExactly) {
  WastValue v = parsed("i32", "42");
  EXPECT_TRUE(matchesExpected(v, Value::fromI32(42)));
  EXPECT_FALSE(matchesExpected(v, Value::fromI32(43)));
  // Only the low half of an i32 slot is meaningful.
  Value dirty = Value::fromI64(0xdeadbeef0000002aull);
  EXPECT_TRUE(matchesExpected(v, dirty));
}

TEST(WastValues, FloatsCompareByExactBits) {
  WastValue zero = parsed("f32", "0");
  EXPECT_TRUE(matchesExpected(zero, f32Bits(0)));
  EXPECT_FALSE(matchesExpected(zero, f32Bits(0x80000000u)));  // -0 is not +0
  WastValue nan_payload = parsed("f64", std::to_string(0x7ff0000000000001ull));
  EXPECT_TRUE(matchesExpected(nan_payload, f64Bits(0x7ff0000000000001ull)));
  EXPECT_FALSE(matchesExpected(nan_payload, f64Bits(0x7ff8000000000000ull)));
}

TEST(WastValues, CanonicalNanAcceptsEitherSignOnly) {
  WastValue f32 = parsed("f32", "nan:canonical");
  EXPECT_EQ(f32.kind, WastValueKind::CanonicalNan);
  EXPECT_TRUE(matchesExpected(f32, f32Bits(0x7fc00000u)));
  EXPECT_TRUE(matchesExpected(f32, f32Bits(0xffc00000u)));
  EXPECT_FALSE(matchesExpected(f32, f32Bits(0x7fc00001u)));
  EXPECT_FALSE(matchesExpected(f32, f32Bits(0x7f800000u)));  // infinity
  WastValue f64 = parsed("f64", "nan:canonical");
  EXPECT_TRUE(matchesExpected(f64, f64Bits(0xfff8000000000000ull)));
  EXPECT_FALSE(matchesExpected(f64, f64Bits(0x7ff8000000000001ull)));
}

TEST(WastValues, ArithmeticNanNeedsTheQuietBit) {
  WastValue f32 = parsed("f32", "nan:arithmetic");
  EXPECT_TRUE(matchesExpected(f32, f32Bits(0x7fc00000u)));
  EXPECT_TRUE(matchesExpected(f32, f32Bits(0xffc12345u)));
  EXPECT_FALSE(matchesExpected(f32, f32Bits(0x7f800001u)));  // signalling
  EXPECT_FALSE(matchesExpected(f32, f32Bits(0x3f800000u)));
  WastValue f64 = parsed("f64", "nan:arithmetic");
  EXPECT_TRUE(matchesExpected(f64, f64Bits(0x7ff8000000000123ull)));
  EXPECT_FALSE(matchesExpected(f64, f64Bits(0x7ff0000000000123ull)));
}

TEST(WastValues, ExternrefsRoundTripThroughTokens) {
  WastValue one = parsed("externref", "1");
  Expect<Value> arg = toArgument(one);
  ASSERT_TRUE(arg.has_value());
  EXPECT_NE(arg->ref, kNullRef);
  EXPECT_TRUE(matchesExpected(one, *arg));
  EXPECT_FALSE(matchesExpected(parsed("externref", "2"), *arg));
  WastValue zero = parsed("externref", "0");
  EXPECT_NE(toArgument(zero)->ref, kNullRef);  // extern 0 is not null
  EXPECT_EQ(externNumberOf(externTokenOf(7)), 7u);
}

TEST(WastValues, NullAndNonNullReferences) {
  WastValue null_func = parsed("funcref", "null");
  EXPECT_EQ(null_func.kind, WastValueKind::NullRef);
  EXPECT_TRUE(matchesExpected(null_func, Value::fromRef(kNullRef)));
  EXPECT_FALSE(matchesExpected(null_func, Value::fromRef(0x1000)));
  EXPECT_EQ(toArgument(null_func)->ref, kNullRef);
  WastValue any_func = parsed("funcref", "0");
  EXPECT_TRUE(matchesExpected(any_func, Value::fromRef(0x1000)));
  EXPECT_FALSE(matchesExpected(any_func, Value::fromRef(kNullRef)));
  EXPECT_FALSE(toArgument(any_func).has_value());
  EXPECT_FALSE(matchesExpected(parsed("externref", "null"), toArgument(parsed("externref", "3")).value()));
}

TEST(WastValues, VectorsAreMarkedForSkipping) {
  EXPECT_EQ(parsed("v128", "").kind, WastValueKind::Vector);
  EXPECT_FALSE(toArgument(parsed("v128", "")).has_value());
}

TEST(WastValues, ArgumentsKeepTheirBitPatterns) {
  EXPECT_EQ(toArgument(parsed("i32", "4294967295"))->i32, 0xffffffffu);
  EXPECT_EQ(toArgument(parsed("f32", "2143289344"))->i32, 0x7fc00000u);
  EXPECT_EQ(toArgument(parsed("f64", "9221120237041090560"))->i64, 0x7ff8000000000000ull);
  EXPECT_FALSE(toArgument(parsed("f32", "nan:canonical")).has_value());
}

TEST(WastValues, FormatsForFailureMessages) {
  EXPECT_EQ(formatExpected(parsed("i32", "42")), "i32:42");
  EXPECT_EQ(formatExpected(parsed("f32", "nan:canonical")), "f32:nan:canonical");
  EXPECT_EQ(formatExpected(parsed("f32", "1069547520")), "f32:1.5 (0x3fc00000)");
  EXPECT_EQ(formatExpected(parsed("externref", "null")), "externref:null");
  EXPECT_EQ(formatActual(ValType::ExternRef, Value::fromRef(externTokenOf(5))), "externref:5");
  EXPECT_EQ(formatActual(ValType::F64, Value::fromF64(-0.5)), "f64:-0.5 (0xbfe0000000000000)");
  EXPECT_EQ(formatExpectedList({parsed("i32", "1"), parsed("i64", "2")}), "(i32:1 i64:2)");
  EXPECT_EQ(formatActualList({}, {}), "()");
}

TEST(RunArguments, ParsesSignedUnsignedAndHexIntegers) {
  EXPECT_EQ(parseArgument(ValType::I32, "-1")->i32, 0xffffffffu);
  EXPECT_EQ(parseArgument(ValType::I32, "4294967295")->i32, 0xffffffffu);
  EXPECT_EQ(parseArgument(ValType::I32, "0x10")->i32, 16u);
  EXPECT_EQ(parseArgument(ValType::I32, "-2147483648")->i32, 0x80000000u);
  EXPECT_EQ(parseArgument(ValType::I64, "-0x1")->i64, ~uint64_t(0));
  EXPECT_EQ(parseArgument(ValType::I64, "18446744073709551615")->i64, ~uint64_t(0));
}

TEST(RunArguments, RejectsBadIntegers) {
  EXPECT_FALSE(parseArgument(ValType::I32, "4294967296").has_value());
  EXPECT_FALSE(parseArgument(ValType::I32, "-2147483649").has_value());
  EXPECT_FALSE(parseArgument(ValType::I64, "18446744073709551616").has_value());
  EXPECT_FALSE(parseArgument(ValType::I32, "12abc").has_value());
  EXPECT_FALSE(parseArgument(ValType::I32, "").has_value());
  EXPECT_FALSE(parseArgument(ValType::I32, "0x").has_value());
}

TEST(RunArguments, ParsesFloatsIncludingNanAndInfinity) {
  EXPECT_EQ(parseArgument(ValType::F32, "1.5")->f32, 1.5f);
  EXPECT_EQ(parseArgument(ValType::F64, "-2.25")->f64, -2.25);
  EXPECT_TRUE(std::isnan(parseArgument(ValType::F64, "nan")->f64));
  EXPECT_TRUE(std::isinf(parseArgument(ValType::F32, "-inf")->f32));
  EXPECT_FALSE(parseArgument(ValType::F64, "1.5x").has_value());
  EXPECT_EQ(parseArgument(ValType::ExternRef, "null")->ref, kNullRef);
  EXPECT_FALSE(parseArgument(ValType::FuncRef, "1").has_value());
}

TEST(RunResults, FormatLikeWasmtime) {
  EXPECT_EQ(formatResult(ValType::I32, Value::fromI32(0xffffffffu)), "-1");
  EXPECT_EQ(formatResult(ValType::I64, Value::fromI64(uint64_t(1) << 63)), "-9223372036854775808");
  EXPECT_EQ(formatResult(ValType::F32, Value::fromF32(0.1f)), "0.1");
  EXPECT_EQ(formatResult(ValType::F64, Value::fromF64(1e100)), "1e+100");
  EXPECT_EQ(formatResult(ValType::F64, Value::fromF64(INFINITY)), "inf");
  EXPECT_EQ(formatResult(ValType::FuncRef, Value::fromRef(kNullRef)), "null");
  EXPECT_EQ(formatResult(ValType::ExternRef, Value::fromRef(8)), "ref");
}

}  // namespace
}  // namespace warden::cli
