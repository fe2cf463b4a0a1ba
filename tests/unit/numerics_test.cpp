// Numeric semantics (runtime/numerics.h): trap boundaries, NaN bits, signed
// zeros, rounding ties and conversion edges, plus a compile-time check that
// every entry of numeric_ops.def has a function with exactly its types.
#include "runtime/numerics.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace warden {
namespace {

// ---- every numeric_ops.def entry exists with the declared types -----------

namespace signature {

struct Void {};
using I32 = uint32_t;
using I64 = uint64_t;
using F32 = float;
using F64 = double;

template <typename R, typename A0, typename A1>
struct Plain {
  using type = R (*)(A0, A1);
};
template <typename R, typename A0>
struct Plain<R, A0, Void> {
  using type = R (*)(A0);
};

// A handler matches if it returns R, or std::expected<R, ErrorCode> when it
// can trap, and takes exactly the operand types.
template <typename Fn, typename R, typename A0, typename A1>
constexpr bool matches() {
  return std::is_same_v<Fn, typename Plain<R, A0, A1>::type> ||
         std::is_same_v<Fn, typename Plain<num::Trapping<R>, A0, A1>::type>;
}

#define NUMERIC(Name, prefix, code, text, R, A0, A1)                      \
  static_assert(matches<decltype(&num::Name), R, A0, A1>(),               \
                "num::" #Name " is missing or has the wrong signature for " text);
#include "runtime/numeric_ops.def"
#undef NUMERIC

}  // namespace signature

// ---- helpers ----------------------------------------------------------------

float f32(uint32_t bits) { return std::bit_cast<float>(bits); }
double f64(uint64_t bits) { return std::bit_cast<double>(bits); }
uint32_t bits(float x) { return std::bit_cast<uint32_t>(x); }
uint64_t bits(double x) { return std::bit_cast<uint64_t>(x); }

constexpr uint32_t kF32CanonicalNan = 0x7FC00000;
constexpr uint64_t kF64CanonicalNan = 0x7FF8000000000000;

bool isCanonicalNan(float x) { return (bits(x) & 0x7FFFFFFF) == kF32CanonicalNan; }
bool isCanonicalNan(double x) { return (bits(x) & 0x7FFFFFFFFFFFFFFF) == kF64CanonicalNan; }
bool isArithmeticNan(float x) { return (bits(x) & kF32CanonicalNan) == kF32CanonicalNan; }
bool isArithmeticNan(double x) { return (bits(x) & kF64CanonicalNan) == kF64CanonicalNan; }

template <typename R>
ErrorCode trapOf(const num::Trapping<R>& result) {
  EXPECT_FALSE(result.has_value());
  return result.has_value() ? ErrorCode::HostError : result.error();
}

constexpr uint32_t kI32Min = 0x80000000;
constexpr uint64_t kI64Min = 0x8000000000000000;
constexpr uint32_t kI32MinusOne = 0xFFFFFFFF;
constexpr uint64_t kI64MinusOne = ~uint64_t{0};

// ---- integers -----------------------------------------------------------------

TEST(NumericsInteger, DivisionTrapsOnZeroAndSignedOverflow) {
  EXPECT_EQ(trapOf(num::I32DivS(1, 0)), ErrorCode::IntegerDivideByZero);
  EXPECT_EQ(trapOf(num::I32DivU(1, 0)), ErrorCode::IntegerDivideByZero);
  EXPECT_EQ(trapOf(num::I32RemS(1, 0)), ErrorCode::IntegerDivideByZero);
  EXPECT_EQ(trapOf(num::I32RemU(1, 0)), ErrorCode::IntegerDivideByZero);
  EXPECT_EQ(trapOf(num::I64DivS(1, 0)), ErrorCode::IntegerDivideByZero);
  EXPECT_EQ(trapOf(num::I64DivU(1, 0)), ErrorCode::IntegerDivideByZero);
  EXPECT_EQ(trapOf(num::I64RemS(1, 0)), ErrorCode::IntegerDivideByZero);
  EXPECT_EQ(trapOf(num::I64RemU(1, 0)), ErrorCode::IntegerDivideByZero);

  EXPECT_EQ(trapOf(num::I32DivS(kI32Min, kI32MinusOne)), ErrorCode::IntegerOverflow);
  EXPECT_EQ(trapOf(num::I64DivS(kI64Min, kI64MinusOne)), ErrorCode::IntegerOverflow);
}

TEST(NumericsInteger, RemainderOfMinByMinusOneIsZero) {
  EXPECT_EQ(num::I32RemS(kI32Min, kI32MinusOne).value(), 0u);
  EXPECT_EQ(num::I64RemS(kI64Min, kI64MinusOne).value(), 0u);
  EXPECT_EQ(num::I32DivU(kI32Min, kI32MinusOne).value(), 0u);
  EXPECT_EQ(num::I32RemU(kI32Min, kI32MinusOne).value(), kI32Min);
}

TEST(NumericsInteger, SignedDivisionTruncatesTowardZero) {
  EXPECT_EQ(num::I32DivS(static_cast<uint32_t>(-7), 2).value(), static_cast<uint32_t>(-3));
  EXPECT_EQ(num::I32RemS(static_cast<uint32_t>(-7), 2).value(), static_cast<uint32_t>(-1));
  EXPECT_EQ(num::I64DivS(7, static_cast<uint64_t>(-2)).value(), static_cast<uint64_t>(-3));
  EXPECT_EQ(num::I64RemS(7, static_cast<uint64_t>(-2)).value(), 1u);
  EXPECT_EQ(num::I32DivS(kI32Min, 2).value(), 0xC0000000u);
}

TEST(NumericsInteger, ArithmeticWraps) {
  EXPECT_EQ(num::I32Add(0x7FFFFFFF, 1), kI32Min);
  EXPECT_EQ(num::I32Sub(kI32Min, 1), 0x7FFFFFFFu);
  EXPECT_EQ(num::I32Mul(0x10000, 0x10000), 0u);
  EXPECT_EQ(num::I64Add(0x7FFFFFFFFFFFFFFF, 1), kI64Min);
  EXPECT_EQ(num::I64Mul(0x0123456789ABCDEF, 0xFEDCBA9876543210), 0x2236D88FE5618CF0u);
}

TEST(NumericsInteger, ShiftsAndRotatesTakeCountModuloWidth) {
  EXPECT_EQ(num::I32Shl(1, 32), 1u);
  EXPECT_EQ(num::I32Shl(1, 33), 2u);
  EXPECT_EQ(num::I32ShrS(kI32Min, 31), kI32MinusOne);
  EXPECT_EQ(num::I32ShrS(kI32Min, 63), kI32MinusOne);
  EXPECT_EQ(num::I32ShrU(kI32Min, 31), 1u);
  EXPECT_EQ(num::I32ShrU(kI32Min, 32), kI32Min);
  EXPECT_EQ(num::I32Rotl(0x80000001, 1), 3u);
  EXPECT_EQ(num::I32Rotl(0x80000001, 33), 3u);
  EXPECT_EQ(num::I32Rotr(3, 1), 0x80000001u);
  EXPECT_EQ(num::I32Rotr(3, 0xFFFFFFE1), 0x80000001u);

  EXPECT_EQ(num::I64Shl(1, 64), 1u);
  EXPECT_EQ(num::I64Shl(1, 127), kI64Min);
  EXPECT_EQ(num::I64ShrS(kI64Min, 63), kI64MinusOne);
  EXPECT_EQ(num::I64ShrU(kI64Min, 63), 1u);
  EXPECT_EQ(num::I64Rotl(kI64Min | 1, 65), 3u);
  EXPECT_EQ(num::I64Rotr(3, 1), kI64Min | 1);
}

TEST(NumericsInteger, BitCountsDefinedAtZero) {
  EXPECT_EQ(num::I32Clz(0), 32u);
  EXPECT_EQ(num::I32Ctz(0), 32u);
  EXPECT_EQ(num::I32Popcnt(0), 0u);
  EXPECT_EQ(num::I32Clz(1), 31u);
  EXPECT_EQ(num::I32Ctz(kI32Min), 31u);
  EXPECT_EQ(num::I32Popcnt(kI32MinusOne), 32u);
  EXPECT_EQ(num::I64Clz(0), 64u);
  EXPECT_EQ(num::I64Ctz(0), 64u);
  EXPECT_EQ(num::I64Popcnt(kI64MinusOne), 64u);
  EXPECT_EQ(num::I64Clz(1), 63u);
}

TEST(NumericsInteger, ComparisonsDistinguishSignedness) {
  EXPECT_EQ(num::I32LtS(kI32Min, 0), 1u);
  EXPECT_EQ(num::I32LtU(kI32Min, 0), 0u);
  EXPECT_EQ(num::I32GtS(kI32Min, 0), 0u);
  EXPECT_EQ(num::I32GtU(kI32Min, 0), 1u);
  EXPECT_EQ(num::I32LeS(5, 5), 1u);
  EXPECT_EQ(num::I32GeS(kI32MinusOne, 0), 0u);
  EXPECT_EQ(num::I32GeU(kI32MinusOne, 0), 1u);
  EXPECT_EQ(num::I64LtS(kI64Min, 0), 1u);
  EXPECT_EQ(num::I64LtU(kI64Min, 0), 0u);
  EXPECT_EQ(num::I64LeU(kI64MinusOne, kI64MinusOne), 1u);
  EXPECT_EQ(num::I32Eqz(0), 1u);
  EXPECT_EQ(num::I64Eqz(kI64Min), 0u);
}

TEST(NumericsInteger, SignExtension) {
  EXPECT_EQ(num::I32Extend8S(0x80), 0xFFFFFF80u);
  EXPECT_EQ(num::I32Extend8S(0x1234567F), 0x7Fu);
  EXPECT_EQ(num::I32Extend16S(0x8000), 0xFFFF8000u);
  EXPECT_EQ(num::I64Extend8S(0xFF), kI64MinusOne);
  EXPECT_EQ(num::I64Extend16S(0x12347FFF), 0x7FFFu);
  EXPECT_EQ(num::I64Extend32S(0x80000000), 0xFFFFFFFF80000000u);
  EXPECT_EQ(num::I64Extend32S(0xFFFFFFFF7FFFFFFF), 0x7FFFFFFFu);
  EXPECT_EQ(num::I64ExtendI32S(kI32Min), 0xFFFFFFFF80000000u);
  EXPECT_EQ(num::I64ExtendI32U(kI32Min), 0x80000000u);
  EXPECT_EQ(num::I32WrapI64(0x123456789ABCDEF0), 0x9ABCDEF0u);
}

// ---- float arithmetic and NaNs ------------------------------------------------

TEST(NumericsFloat, InvalidOperationsGiveCanonicalNan) {
  const float inf = std::numeric_limits<float>::infinity();
  const double dinf = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(isCanonicalNan(num::F32Sub(inf, inf)));
  EXPECT_TRUE(isCanonicalNan(num::F32Mul(0.0f, inf)));
  EXPECT_TRUE(isCanonicalNan(num::F32Div(0.0f, 0.0f)));
  EXPECT_TRUE(isCanonicalNan(num::F32Sqrt(-1.0f)));
  EXPECT_TRUE(isCanonicalNan(num::F64Add(-dinf, dinf)));
  EXPECT_TRUE(isCanonicalNan(num::F64Div(0.0, 0.0)));
  EXPECT_TRUE(isCanonicalNan(num::F64Sqrt(-1.0)));
}

TEST(NumericsFloat, NanOperandsGiveArithmeticNan) {
  const float signalling = f32(0x7FA00000);
  const double dsignalling = f64(0x7FF4000000000000);
  EXPECT_TRUE(isArithmeticNan(num::F32Add(signalling, 1.0f)));
  EXPECT_TRUE(isArithmeticNan(num::F32Mul(2.0f, f32(0xFF800001))));
  EXPECT_TRUE(isArithmeticNan(num::F32Sqrt(signalling)));
  EXPECT_TRUE(isArithmeticNan(num::F32Ceil(signalling)));
  EXPECT_TRUE(isArithmeticNan(num::F32Floor(signalling)));
  EXPECT_TRUE(isArithmeticNan(num::F32Trunc(signalling)));
  EXPECT_TRUE(isArithmeticNan(num::F32Nearest(signalling)));
  EXPECT_TRUE(isArithmeticNan(num::F64Sub(dsignalling, 1.0)));
  EXPECT_TRUE(isArithmeticNan(num::F64Ceil(dsignalling)));
  EXPECT_TRUE(isArithmeticNan(num::F64Nearest(dsignalling)));
  EXPECT_TRUE(isArithmeticNan(num::F32DemoteF64(dsignalling)));
  EXPECT_TRUE(isArithmeticNan(num::F64PromoteF32(signalling)));
}

TEST(NumericsFloat, MinMaxOrderSignedZerosAndPropagateNan) {
  EXPECT_EQ(bits(num::F32Min(-0.0f, 0.0f)), 0x80000000u);
  EXPECT_EQ(bits(num::F32Min(0.0f, -0.0f)), 0x80000000u);
  EXPECT_EQ(bits(num::F32Max(-0.0f, 0.0f)), 0u);
  EXPECT_EQ(bits(num::F32Max(0.0f, -0.0f)), 0u);
  EXPECT_EQ(bits(num::F64Min(0.0, -0.0)), 0x8000000000000000u);
  EXPECT_EQ(bits(num::F64Max(-0.0, 0.0)), 0u);

  EXPECT_EQ(num::F32Min(1.0f, -2.0f), -2.0f);
  EXPECT_EQ(num::F32Max(1.0f, -2.0f), 1.0f);
  EXPECT_EQ(num::F64Min(-std::numeric_limits<double>::infinity(), 3.0),
            -std::numeric_limits<double>::infinity());

  // Unlike fmin/fmax, one NaN operand makes the result NaN.
  EXPECT_TRUE(isArithmeticNan(num::F32Min(f32(kF32CanonicalNan), 1.0f)));
  EXPECT_TRUE(isArithmeticNan(num::F32Max(1.0f, f32(0x7F800001))));
  EXPECT_TRUE(isArithmeticNan(num::F64Min(1.0, f64(kF64CanonicalNan))));
  EXPECT_TRUE(isArithmeticNan(num::F64Max(f64(0xFFF0000000000001), 1.0)));
}

TEST(NumericsFloat, AbsNegCopysignAreBitOperationsEvenOnNan) {
  EXPECT_EQ(bits(num::F32Neg(f32(0x7FA00001))), 0xFFA00001u);
  EXPECT_EQ(bits(num::F32Abs(f32(0xFFA00001))), 0x7FA00001u);
  EXPECT_EQ(bits(num::F32Copysign(f32(0x7FA00001), -1.0f)), 0xFFA00001u);
  EXPECT_EQ(bits(num::F32Copysign(-2.0f, f32(0x7FC00000))), bits(2.0f));
  EXPECT_EQ(bits(num::F64Neg(f64(0x7FF0000000000001))), 0xFFF0000000000001u);
  EXPECT_EQ(bits(num::F64Abs(f64(0xFFF4000000000000))), 0x7FF4000000000000u);
  EXPECT_EQ(bits(num::F64Copysign(1.0, -0.0)), bits(-1.0));
  EXPECT_EQ(bits(num::F32Neg(0.0f)), 0x80000000u);
}

TEST(NumericsFloat, NearestRoundsHalfToEvenAndKeepsZeroSign) {
  EXPECT_EQ(num::F32Nearest(0.5f), 0.0f);
  EXPECT_EQ(num::F32Nearest(1.5f), 2.0f);
  EXPECT_EQ(num::F32Nearest(2.5f), 2.0f);
  EXPECT_EQ(num::F32Nearest(-3.5f), -4.0f);
  EXPECT_EQ(bits(num::F32Nearest(-0.5f)), 0x80000000u);
  EXPECT_EQ(num::F64Nearest(4.5), 4.0);
  EXPECT_EQ(num::F64Nearest(-4.5), -4.0);
  EXPECT_EQ(bits(num::F64Nearest(-0.5)), bits(-0.0));
  // 2^52 - 0.5 must not round up through a naive "add 0.5, floor".
  EXPECT_EQ(num::F64Nearest(4503599627370495.5), 4503599627370496.0);
  EXPECT_EQ(num::F32Nearest(8388607.5f), 8388608.0f);
  EXPECT_EQ(num::F32Nearest(0.49999997f), 0.0f);
}

TEST(NumericsFloat, CeilFloorTruncKeepZeroSign) {
  EXPECT_EQ(bits(num::F32Ceil(-0.5f)), 0x80000000u);
  EXPECT_EQ(bits(num::F32Trunc(-0.9f)), 0x80000000u);
  EXPECT_EQ(bits(num::F64Ceil(-0.1)), bits(-0.0));
  EXPECT_EQ(bits(num::F64Trunc(-0.1)), bits(-0.0));
  EXPECT_EQ(num::F32Floor(-0.5f), -1.0f);
  EXPECT_EQ(num::F64Floor(1.999), 1.0);
  EXPECT_EQ(num::F64Ceil(1.001), 2.0);
}

TEST(NumericsFloat, ComparisonsWithNanAreFalseExceptNe) {
  const float nan = f32(kF32CanonicalNan);
  EXPECT_EQ(num::F32Eq(nan, nan), 0u);
  EXPECT_EQ(num::F32Ne(nan, nan), 1u);
  EXPECT_EQ(num::F32Lt(nan, 1.0f), 0u);
  EXPECT_EQ(num::F32Ge(nan, 1.0f), 0u);
  EXPECT_EQ(num::F32Eq(0.0f, -0.0f), 1u);
  const double dnan = f64(kF64CanonicalNan);
  EXPECT_EQ(num::F64Le(dnan, dnan), 0u);
  EXPECT_EQ(num::F64Gt(1.0, dnan), 0u);
  EXPECT_EQ(num::F64Ne(1.0, dnan), 1u);
  EXPECT_EQ(num::F64Lt(-0.0, 0.0), 0u);
}

// ---- float -> integer ------------------------------------------------------------

TEST(NumericsTrunc, NanIsInvalidConversion) {
  const float nan = f32(kF32CanonicalNan);
  const double dnan = f64(kF64CanonicalNan);
  EXPECT_EQ(trapOf(num::I32TruncF32S(nan)), ErrorCode::InvalidConversionToInteger);
  EXPECT_EQ(trapOf(num::I32TruncF32U(nan)), ErrorCode::InvalidConversionToInteger);
  EXPECT_EQ(trapOf(num::I32TruncF64S(dnan)), ErrorCode::InvalidConversionToInteger);
  EXPECT_EQ(trapOf(num::I32TruncF64U(dnan)), ErrorCode::InvalidConversionToInteger);
  EXPECT_EQ(trapOf(num::I64TruncF32S(nan)), ErrorCode::InvalidConversionToInteger);
  EXPECT_EQ(trapOf(num::I64TruncF32U(nan)), ErrorCode::InvalidConversionToInteger);
  EXPECT_EQ(trapOf(num::I64TruncF64S(dnan)), ErrorCode::InvalidConversionToInteger);
  EXPECT_EQ(trapOf(num::I64TruncF64U(dnan)), ErrorCode::InvalidConversionToInteger);
}

TEST(NumericsTrunc, I32SignedBoundaries) {
  EXPECT_EQ(num::I32TruncF32S(-2147483648.0f).value(), kI32Min);
  EXPECT_EQ(trapOf(num::I32TruncF32S(2147483648.0f)), ErrorCode::IntegerOverflow);
  EXPECT_EQ(trapOf(num::I32TruncF32S(std::nextafter(-2147483648.0f, -INFINITY))),
            ErrorCode::IntegerOverflow);
  EXPECT_EQ(num::I32TruncF32S(2147483520.0f).value(), 2147483520u);  // largest f32 < 2^31

  EXPECT_EQ(num::I32TruncF64S(-2147483648.9).value(), kI32Min);
  EXPECT_EQ(num::I32TruncF64S(2147483647.9).value(), 0x7FFFFFFFu);
  EXPECT_EQ(trapOf(num::I32TruncF64S(-2147483649.0)), ErrorCode::IntegerOverflow);
  EXPECT_EQ(trapOf(num::I32TruncF64S(2147483648.0)), ErrorCode::IntegerOverflow);
  EXPECT_EQ(trapOf(num::I32TruncF64S(INFINITY)), ErrorCode::IntegerOverflow);
  EXPECT_EQ(num::I32TruncF64S(-1.9).value(), static_cast<uint32_t>(-1));
}

TEST(NumericsTrunc, I32UnsignedBoundaries) {
  EXPECT_EQ(num::I32TruncF32U(-0.99999994f).value(), 0u);
  EXPECT_EQ(trapOf(num::I32TruncF32U(-1.0f)), ErrorCode::IntegerOverflow);
  EXPECT_EQ(num::I32TruncF32U(4294967040.0f).value(), 4294967040u);  // largest f32 < 2^32
  EXPECT_EQ(trapOf(num::I32TruncF32U(4294967296.0f)), ErrorCode::IntegerOverflow);

  EXPECT_EQ(num::I32TruncF64U(-0.9999999999).value(), 0u);
  EXPECT_EQ(num::I32TruncF64U(4294967295.9).value(), 0xFFFFFFFFu);
  EXPECT_EQ(trapOf(num::I32TruncF64U(-1.0)), ErrorCode::IntegerOverflow);
  EXPECT_EQ(trapOf(num::I32TruncF64U(4294967296.0)), ErrorCode::IntegerOverflow);
}

TEST(NumericsTrunc, I64Boundaries) {
  EXPECT_EQ(num::I64TruncF32S(-9223372036854775808.0f).value(), kI64Min);
  EXPECT_EQ(trapOf(num::I64TruncF32S(9223372036854775808.0f)), ErrorCode::IntegerOverflow);
  EXPECT_EQ(num::I64TruncF64S(-9223372036854775808.0).value(), kI64Min);
  EXPECT_EQ(num::I64TruncF64S(9223372036854774784.0).value(), 9223372036854774784u);
  EXPECT_EQ(trapOf(num::I64TruncF64S(9223372036854775808.0)), ErrorCode::IntegerOverflow);
  EXPECT_EQ(trapOf(num::I64TruncF64S(-9223372036854777856.0)), ErrorCode::IntegerOverflow);

  EXPECT_EQ(num::I64TruncF32U(18446742974197923840.0f).value(), 18446742974197923840u);
  EXPECT_EQ(trapOf(num::I64TruncF32U(18446744073709551616.0f)), ErrorCode::IntegerOverflow);
  EXPECT_EQ(num::I64TruncF64U(18446744073709549568.0).value(), 18446744073709549568u);
  EXPECT_EQ(trapOf(num::I64TruncF64U(18446744073709551616.0)), ErrorCode::IntegerOverflow);
  EXPECT_EQ(num::I64TruncF64U(-0.9).value(), 0u);
  EXPECT_EQ(trapOf(num::I64TruncF64U(-1.0)), ErrorCode::IntegerOverflow);
}

TEST(NumericsTrunc, SaturatingClampsAndMapsNanToZero) {
  EXPECT_EQ(num::I32TruncSatF32S(f32(kF32CanonicalNan)), 0u);
  EXPECT_EQ(num::I32TruncSatF32S(3e9f), 0x7FFFFFFFu);
  EXPECT_EQ(num::I32TruncSatF32S(-3e9f), kI32Min);
  EXPECT_EQ(num::I32TruncSatF32U(-5.0f), 0u);
  EXPECT_EQ(num::I32TruncSatF32U(INFINITY), 0xFFFFFFFFu);
  EXPECT_EQ(num::I32TruncSatF64S(-2147483649.0), kI32Min);
  EXPECT_EQ(num::I32TruncSatF64S(-2147483648.5), kI32Min);
  EXPECT_EQ(num::I32TruncSatF64U(4294967296.0), 0xFFFFFFFFu);
  EXPECT_EQ(num::I32TruncSatF64U(f64(kF64CanonicalNan)), 0u);
  EXPECT_EQ(num::I64TruncSatF32S(-INFINITY), kI64Min);
  EXPECT_EQ(num::I64TruncSatF32U(1e30f), kI64MinusOne);
  EXPECT_EQ(num::I64TruncSatF64S(1e300), 0x7FFFFFFFFFFFFFFFu);
  EXPECT_EQ(num::I64TruncSatF64U(-1e300), 0u);
  EXPECT_EQ(num::I64TruncSatF64S(-1.5), static_cast<uint64_t>(-1));
  EXPECT_EQ(num::I64TruncSatF64U(f64(0xFFF8000000000000)), 0u);
}

// ---- integer -> float, demote, promote, reinterpret ---------------------------------

TEST(NumericsConvert, Int64ToFloatRoundsToNearestEven) {
  // Cases from conversions.wast where double rounding would go wrong.
  EXPECT_EQ(bits(num::F32ConvertI64S(0x7FFFFF4000000001)), bits(9223371487098961920.0f));
  EXPECT_EQ(bits(num::F32ConvertI64S(0x8000008000000001)), bits(-9223371487098961920.0f));
  EXPECT_EQ(num::F32ConvertI64S(16777217), 16777216.0f);
  EXPECT_EQ(num::F32ConvertI64S(16777219), 16777220.0f);
  EXPECT_EQ(num::F32ConvertI64U(0xFFFFFFFFFFFFFFFF), 18446744073709551616.0f);
  EXPECT_EQ(bits(num::F32ConvertI64U(0x8000008000000001)), 0x5F000001u);
  EXPECT_EQ(bits(num::F32ConvertI64U(0xFFFFFE8000000001)), 0x5F7FFFFFu);
  EXPECT_EQ(num::F64ConvertI64U(0xFFFFFFFFFFFFFFFF), 18446744073709551616.0);
  EXPECT_EQ(bits(num::F64ConvertI64U(0x8000000000000401)), 0x43E0000000000001u);
  EXPECT_EQ(num::F64ConvertI64S(9007199254740993), 9007199254740992.0);
  EXPECT_EQ(num::F64ConvertI64S(kI64Min), -9223372036854775808.0);
}

TEST(NumericsConvert, Int32ToFloat) {
  EXPECT_EQ(num::F32ConvertI32S(kI32MinusOne), -1.0f);
  EXPECT_EQ(num::F32ConvertI32U(kI32MinusOne), 4294967296.0f);
  EXPECT_EQ(num::F32ConvertI32S(16777217), 16777216.0f);
  EXPECT_EQ(num::F64ConvertI32S(kI32Min), -2147483648.0);
  EXPECT_EQ(num::F64ConvertI32U(kI32Min), 2147483648.0);
}

TEST(NumericsConvert, DemotePromote) {
  EXPECT_EQ(num::F32DemoteF64(1e300), std::numeric_limits<float>::infinity());
  EXPECT_EQ(bits(num::F32DemoteF64(-0.0)), 0x80000000u);
  EXPECT_EQ(bits(num::F32DemoteF64(f64(0x3FF0000010000000))), bits(1.0f));  // tie to even
  EXPECT_EQ(bits(num::F32DemoteF64(f64(0x3FF0000030000000))), 0x3F800002u);  // tie to even, up
  EXPECT_EQ(num::F32DemoteF64(1e-50), 0.0f);
  EXPECT_TRUE(isCanonicalNan(num::F32DemoteF64(f64(kF64CanonicalNan))));
  EXPECT_EQ(num::F64PromoteF32(f32(1)), f64(0x36A0000000000000));  // smallest subnormal
  EXPECT_TRUE(isCanonicalNan(num::F64PromoteF32(f32(kF32CanonicalNan))));
}

TEST(NumericsConvert, ReinterpretKeepsBits) {
  EXPECT_EQ(num::I32ReinterpretF32(f32(0x7FA00001)), 0x7FA00001u);
  EXPECT_EQ(bits(num::F32ReinterpretI32(0xFFA00001)), 0xFFA00001u);
  EXPECT_EQ(num::I64ReinterpretF64(-0.0), 0x8000000000000000u);
  EXPECT_EQ(bits(num::F64ReinterpretI64(0x7FF0000000000001)), 0x7FF0000000000001u);
}

}  // namespace
}  // namespace warden
