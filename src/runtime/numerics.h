// WebAssembly numeric semantics (spec section "Numerics") as small pure
// functions, one per NUMERIC entry of numeric_ops.def, named like the entry.
//
// Types: I32 -> uint32_t, I64 -> uint64_t, F32 -> float, F64 -> double.
// Comparisons return uint32_t 0/1. Operations that can trap (integer
// division/remainder, trapping float->int truncation) return
// std::expected<R, ErrorCode>; all others return R.
//
// Shared by every tier and by the tests; no state, no UB (signed arithmetic is
// done in unsigned), no dependence on anything but the default FP environment
// (round-to-nearest-even, which Warden never changes).
#pragma once

#include <bit>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <expected>
#include <limits>
#include <type_traits>

#include "runtime/error.h"

namespace warden::num {

template <typename R>
using Trapping = std::expected<R, ErrorCode>;

namespace detail {

template <typename F>
using BitsOf = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;

template <typename U>
using SignedOf = std::make_signed_t<U>;

template <typename U>
constexpr U kSignBit = U{1} << (sizeof(U) * 8 - 1);

inline uint32_t boolean(bool b) { return b ? 1u : 0u; }

// ---- integers -------------------------------------------------------------

template <std::unsigned_integral U>
U shiftLeft(U a, U count) {
  return a << (count & (sizeof(U) * 8 - 1));
}

template <std::unsigned_integral U>
U shiftRightSigned(U a, U count) {
  // Arithmetic right shift of a negative value is well defined since C++20.
  return static_cast<U>(static_cast<SignedOf<U>>(a) >> (count & (sizeof(U) * 8 - 1)));
}

template <std::unsigned_integral U>
U shiftRightUnsigned(U a, U count) {
  return a >> (count & (sizeof(U) * 8 - 1));
}

template <std::unsigned_integral U>
U rotateLeft(U a, U count) {
  return std::rotl(a, static_cast<int>(count & (sizeof(U) * 8 - 1)));
}

template <std::unsigned_integral U>
U rotateRight(U a, U count) {
  return std::rotr(a, static_cast<int>(count & (sizeof(U) * 8 - 1)));
}

template <std::unsigned_integral U>
bool lessSigned(U a, U b) {
  return static_cast<SignedOf<U>>(a) < static_cast<SignedOf<U>>(b);
}

template <std::unsigned_integral U>
Trapping<U> divSigned(U a, U b) {
  if (b == 0) return std::unexpected(ErrorCode::IntegerDivideByZero);
  // INT_MIN / -1 is the one quotient that does not fit.
  if (a == kSignBit<U> && b == static_cast<U>(-1)) return std::unexpected(ErrorCode::IntegerOverflow);
  return static_cast<U>(static_cast<SignedOf<U>>(a) / static_cast<SignedOf<U>>(b));
}

template <std::unsigned_integral U>
Trapping<U> divUnsigned(U a, U b) {
  if (b == 0) return std::unexpected(ErrorCode::IntegerDivideByZero);
  return a / b;
}

template <std::unsigned_integral U>
Trapping<U> remSigned(U a, U b) {
  if (b == 0) return std::unexpected(ErrorCode::IntegerDivideByZero);
  // x % -1 is 0 for every x; computing INT_MIN % -1 in C++ would be UB.
  if (b == static_cast<U>(-1)) return U{0};
  return static_cast<U>(static_cast<SignedOf<U>>(a) % static_cast<SignedOf<U>>(b));
}

template <std::unsigned_integral U>
Trapping<U> remUnsigned(U a, U b) {
  if (b == 0) return std::unexpected(ErrorCode::IntegerDivideByZero);
  return a % b;
}

// Sign-extends the low `Bits` bits of `a` to the whole width of U.
template <unsigned Bits, std::unsigned_integral U>
U signExtendLow(U a) {
  constexpr unsigned kShift = sizeof(U) * 8 - Bits;
  return static_cast<U>(static_cast<SignedOf<U>>(a << kShift) >> kShift);
}

// ---- floats ---------------------------------------------------------------

template <std::floating_point F>
BitsOf<F> bitsOf(F x) {
  return std::bit_cast<BitsOf<F>>(x);
}

template <std::floating_point F>
F fromBits(BitsOf<F> bits) {
  return std::bit_cast<F>(bits);
}

template <std::floating_point F>
F absolute(F x) {
  return fromBits<F>(bitsOf(x) & ~kSignBit<BitsOf<F>>);
}

template <std::floating_point F>
F negate(F x) {
  return fromBits<F>(bitsOf(x) ^ kSignBit<BitsOf<F>>);
}

template <std::floating_point F>
F copySign(F magnitude, F sign) {
  constexpr auto kSign = kSignBit<BitsOf<F>>;
  return fromBits<F>((bitsOf(magnitude) & ~kSign) | (bitsOf(sign) & kSign));
}

// min/max differ from std::fmin/fmax: any NaN operand gives NaN (a + b
// propagates a quiet NaN), and -0 is less than +0.
template <std::floating_point F>
F minimum(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return a + b;
  // Equal operands are identical except for ±0, where OR-ing keeps the sign.
  if (a == b) return fromBits<F>(bitsOf(a) | bitsOf(b));
  return a < b ? a : b;
}

template <std::floating_point F>
F maximum(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return a + b;
  // Equal operands are identical except for ±0, where AND-ing drops the sign.
  if (a == b) return fromBits<F>(bitsOf(a) & bitsOf(b));
  return a > b ? a : b;
}

// Rounding to an integral value: libm keeps the sign of zero; NaNs are
// quieted explicitly (x + x) so the result does not depend on the libm
// implementation's handling of signalling NaNs.
template <std::floating_point F>
F roundUp(F x) {
  return std::isnan(x) ? x + x : std::ceil(x);
}

template <std::floating_point F>
F roundDown(F x) {
  return std::isnan(x) ? x + x : std::floor(x);
}

template <std::floating_point F>
F roundTowardZero(F x) {
  return std::isnan(x) ? x + x : std::trunc(x);
}

// Ties to even: nearbyint in the default rounding mode.
template <std::floating_point F>
F roundNearestEven(F x) {
  return std::isnan(x) ? x + x : std::nearbyint(x);
}

// ---- float -> integer -----------------------------------------------------

// The open interval (lower, upper) of source values whose truncation fits the
// target integer type. Both bounds are exactly representable powers of two
// (or powers of two minus one) in F, so the comparisons are exact.
template <std::floating_point F, std::integral I>
struct TruncRange;

template <std::floating_point F>
struct TruncRange<F, int32_t> {
  // -2^31 - 1 is exact in double; in float the next value below -2^31 is
  // far below, so (-2^31 - 1) rounds to -2^31 and >= is needed instead.
  static bool contains(F x) {
    if constexpr (sizeof(F) == 8) return x > -2147483649.0 && x < 2147483648.0;
    else return x >= -2147483648.0f && x < 2147483648.0f;
  }
};

template <std::floating_point F>
struct TruncRange<F, uint32_t> {
  static bool contains(F x) { return x > F(-1.0) && x < F(4294967296.0); }
};

template <std::floating_point F>
struct TruncRange<F, int64_t> {
  // -2^63 - 1 is not representable in either type: -2^63 itself is the bound.
  static bool contains(F x) { return x >= F(-9223372036854775808.0) && x < F(9223372036854775808.0); }
};

template <std::floating_point F>
struct TruncRange<F, uint64_t> {
  static bool contains(F x) { return x > F(-1.0) && x < F(18446744073709551616.0); }
};

// Trapping truncation to integer type I, returned as its unsigned bit pattern.
template <std::integral I, std::floating_point F>
Trapping<std::make_unsigned_t<I>> truncTrapping(F x) {
  if (std::isnan(x)) return std::unexpected(ErrorCode::InvalidConversionToInteger);
  if (!TruncRange<F, I>::contains(x)) return std::unexpected(ErrorCode::IntegerOverflow);
  return static_cast<std::make_unsigned_t<I>>(static_cast<I>(x));
}

// Saturating truncation: NaN -> 0, out of range clamps to the nearest bound.
template <std::integral I, std::floating_point F>
std::make_unsigned_t<I> truncSaturating(F x) {
  using U = std::make_unsigned_t<I>;
  if (std::isnan(x)) return 0;
  if (TruncRange<F, I>::contains(x)) return static_cast<U>(static_cast<I>(x));
  return static_cast<U>(x < F(0) ? std::numeric_limits<I>::min() : std::numeric_limits<I>::max());
}

}  // namespace detail

// ============================================================================
// i32
// ============================================================================

inline uint32_t I32Eqz(uint32_t a) { return detail::boolean(a == 0); }
inline uint32_t I32Eq(uint32_t a, uint32_t b) { return detail::boolean(a == b); }
inline uint32_t I32Ne(uint32_t a, uint32_t b) { return detail::boolean(a != b); }
inline uint32_t I32LtS(uint32_t a, uint32_t b) { return detail::boolean(detail::lessSigned(a, b)); }
inline uint32_t I32LtU(uint32_t a, uint32_t b) { return detail::boolean(a < b); }
inline uint32_t I32GtS(uint32_t a, uint32_t b) { return detail::boolean(detail::lessSigned(b, a)); }
inline uint32_t I32GtU(uint32_t a, uint32_t b) { return detail::boolean(a > b); }
inline uint32_t I32LeS(uint32_t a, uint32_t b) { return detail::boolean(!detail::lessSigned(b, a)); }
inline uint32_t I32LeU(uint32_t a, uint32_t b) { return detail::boolean(a <= b); }
inline uint32_t I32GeS(uint32_t a, uint32_t b) { return detail::boolean(!detail::lessSigned(a, b)); }
inline uint32_t I32GeU(uint32_t a, uint32_t b) { return detail::boolean(a >= b); }

inline uint32_t I32Clz(uint32_t a) { return static_cast<uint32_t>(std::countl_zero(a)); }
inline uint32_t I32Ctz(uint32_t a) { return static_cast<uint32_t>(std::countr_zero(a)); }
inline uint32_t I32Popcnt(uint32_t a) { return static_cast<uint32_t>(std::popcount(a)); }
inline uint32_t I32Add(uint32_t a, uint32_t b) { return a + b; }
inline uint32_t I32Sub(uint32_t a, uint32_t b) { return a - b; }
inline uint32_t I32Mul(uint32_t a, uint32_t b) { return a * b; }
inline Trapping<uint32_t> I32DivS(uint32_t a, uint32_t b) { return detail::divSigned(a, b); }
inline Trapping<uint32_t> I32DivU(uint32_t a, uint32_t b) { return detail::divUnsigned(a, b); }
inline Trapping<uint32_t> I32RemS(uint32_t a, uint32_t b) { return detail::remSigned(a, b); }
inline Trapping<uint32_t> I32RemU(uint32_t a, uint32_t b) { return detail::remUnsigned(a, b); }
inline uint32_t I32And(uint32_t a, uint32_t b) { return a & b; }
inline uint32_t I32Or(uint32_t a, uint32_t b) { return a | b; }
inline uint32_t I32Xor(uint32_t a, uint32_t b) { return a ^ b; }
inline uint32_t I32Shl(uint32_t a, uint32_t b) { return detail::shiftLeft(a, b); }
inline uint32_t I32ShrS(uint32_t a, uint32_t b) { return detail::shiftRightSigned(a, b); }
inline uint32_t I32ShrU(uint32_t a, uint32_t b) { return detail::shiftRightUnsigned(a, b); }
inline uint32_t I32Rotl(uint32_t a, uint32_t b) { return detail::rotateLeft(a, b); }
inline uint32_t I32Rotr(uint32_t a, uint32_t b) { return detail::rotateRight(a, b); }

inline uint32_t I32Extend8S(uint32_t a) { return detail::signExtendLow<8>(a); }
inline uint32_t I32Extend16S(uint32_t a) { return detail::signExtendLow<16>(a); }

// ============================================================================
// i64
// ============================================================================

inline uint32_t I64Eqz(uint64_t a) { return detail::boolean(a == 0); }
inline uint32_t I64Eq(uint64_t a, uint64_t b) { return detail::boolean(a == b); }
inline uint32_t I64Ne(uint64_t a, uint64_t b) { return detail::boolean(a != b); }
inline uint32_t I64LtS(uint64_t a, uint64_t b) { return detail::boolean(detail::lessSigned(a, b)); }
inline uint32_t I64LtU(uint64_t a, uint64_t b) { return detail::boolean(a < b); }
inline uint32_t I64GtS(uint64_t a, uint64_t b) { return detail::boolean(detail::lessSigned(b, a)); }
inline uint32_t I64GtU(uint64_t a, uint64_t b) { return detail::boolean(a > b); }
inline uint32_t I64LeS(uint64_t a, uint64_t b) { return detail::boolean(!detail::lessSigned(b, a)); }
inline uint32_t I64LeU(uint64_t a, uint64_t b) { return detail::boolean(a <= b); }
inline uint32_t I64GeS(uint64_t a, uint64_t b) { return detail::boolean(!detail::lessSigned(a, b)); }
inline uint32_t I64GeU(uint64_t a, uint64_t b) { return detail::boolean(a >= b); }

inline uint64_t I64Clz(uint64_t a) { return static_cast<uint64_t>(std::countl_zero(a)); }
inline uint64_t I64Ctz(uint64_t a) { return static_cast<uint64_t>(std::countr_zero(a)); }
inline uint64_t I64Popcnt(uint64_t a) { return static_cast<uint64_t>(std::popcount(a)); }
inline uint64_t I64Add(uint64_t a, uint64_t b) { return a + b; }
inline uint64_t I64Sub(uint64_t a, uint64_t b) { return a - b; }
inline uint64_t I64Mul(uint64_t a, uint64_t b) { return a * b; }
inline Trapping<uint64_t> I64DivS(uint64_t a, uint64_t b) { return detail::divSigned(a, b); }
inline Trapping<uint64_t> I64DivU(uint64_t a, uint64_t b) { return detail::divUnsigned(a, b); }
inline Trapping<uint64_t> I64RemS(uint64_t a, uint64_t b) { return detail::remSigned(a, b); }
inline Trapping<uint64_t> I64RemU(uint64_t a, uint64_t b) { return detail::remUnsigned(a, b); }
inline uint64_t I64And(uint64_t a, uint64_t b) { return a & b; }
inline uint64_t I64Or(uint64_t a, uint64_t b) { return a | b; }
inline uint64_t I64Xor(uint64_t a, uint64_t b) { return a ^ b; }
inline uint64_t I64Shl(uint64_t a, uint64_t b) { return detail::shiftLeft(a, b); }
inline uint64_t I64ShrS(uint64_t a, uint64_t b) { return detail::shiftRightSigned(a, b); }
inline uint64_t I64ShrU(uint64_t a, uint64_t b) { return detail::shiftRightUnsigned(a, b); }
inline uint64_t I64Rotl(uint64_t a, uint64_t b) { return detail::rotateLeft(a, b); }
inline uint64_t I64Rotr(uint64_t a, uint64_t b) { return detail::rotateRight(a, b); }

inline uint64_t I64Extend8S(uint64_t a) { return detail::signExtendLow<8>(a); }
inline uint64_t I64Extend16S(uint64_t a) { return detail::signExtendLow<16>(a); }
inline uint64_t I64Extend32S(uint64_t a) { return detail::signExtendLow<32>(a); }

// ============================================================================
// f32 / f64: comparisons (IEEE: every comparison with NaN is false, except ne)
// ============================================================================

inline uint32_t F32Eq(float a, float b) { return detail::boolean(a == b); }
inline uint32_t F32Ne(float a, float b) { return detail::boolean(a != b); }
inline uint32_t F32Lt(float a, float b) { return detail::boolean(a < b); }
inline uint32_t F32Gt(float a, float b) { return detail::boolean(a > b); }
inline uint32_t F32Le(float a, float b) { return detail::boolean(a <= b); }
inline uint32_t F32Ge(float a, float b) { return detail::boolean(a >= b); }

inline uint32_t F64Eq(double a, double b) { return detail::boolean(a == b); }
inline uint32_t F64Ne(double a, double b) { return detail::boolean(a != b); }
inline uint32_t F64Lt(double a, double b) { return detail::boolean(a < b); }
inline uint32_t F64Gt(double a, double b) { return detail::boolean(a > b); }
inline uint32_t F64Le(double a, double b) { return detail::boolean(a <= b); }
inline uint32_t F64Ge(double a, double b) { return detail::boolean(a >= b); }

// ============================================================================
// f32 / f64: arithmetic. Hardware (SSE) arithmetic gives the spec's NaN
// behaviour: a canonical NaN from non-NaN operands, a quiet NaN otherwise.
// ============================================================================

inline float F32Abs(float a) { return detail::absolute(a); }
inline float F32Neg(float a) { return detail::negate(a); }
inline float F32Ceil(float a) { return detail::roundUp(a); }
inline float F32Floor(float a) { return detail::roundDown(a); }
inline float F32Trunc(float a) { return detail::roundTowardZero(a); }
inline float F32Nearest(float a) { return detail::roundNearestEven(a); }
inline float F32Sqrt(float a) { return std::sqrt(a); }
inline float F32Add(float a, float b) { return a + b; }
inline float F32Sub(float a, float b) { return a - b; }
inline float F32Mul(float a, float b) { return a * b; }
inline float F32Div(float a, float b) { return a / b; }
inline float F32Min(float a, float b) { return detail::minimum(a, b); }
inline float F32Max(float a, float b) { return detail::maximum(a, b); }
inline float F32Copysign(float a, float b) { return detail::copySign(a, b); }

inline double F64Abs(double a) { return detail::absolute(a); }
inline double F64Neg(double a) { return detail::negate(a); }
inline double F64Ceil(double a) { return detail::roundUp(a); }
inline double F64Floor(double a) { return detail::roundDown(a); }
inline double F64Trunc(double a) { return detail::roundTowardZero(a); }
inline double F64Nearest(double a) { return detail::roundNearestEven(a); }
inline double F64Sqrt(double a) { return std::sqrt(a); }
inline double F64Add(double a, double b) { return a + b; }
inline double F64Sub(double a, double b) { return a - b; }
inline double F64Mul(double a, double b) { return a * b; }
inline double F64Div(double a, double b) { return a / b; }
inline double F64Min(double a, double b) { return detail::minimum(a, b); }
inline double F64Max(double a, double b) { return detail::maximum(a, b); }
inline double F64Copysign(double a, double b) { return detail::copySign(a, b); }

// ============================================================================
// Conversions
// ============================================================================

inline uint32_t I32WrapI64(uint64_t a) { return static_cast<uint32_t>(a); }
inline uint64_t I64ExtendI32S(uint32_t a) { return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(a))); }
inline uint64_t I64ExtendI32U(uint32_t a) { return a; }

inline Trapping<uint32_t> I32TruncF32S(float a) { return detail::truncTrapping<int32_t>(a); }
inline Trapping<uint32_t> I32TruncF32U(float a) { return detail::truncTrapping<uint32_t>(a); }
inline Trapping<uint32_t> I32TruncF64S(double a) { return detail::truncTrapping<int32_t>(a); }
inline Trapping<uint32_t> I32TruncF64U(double a) { return detail::truncTrapping<uint32_t>(a); }
inline Trapping<uint64_t> I64TruncF32S(float a) { return detail::truncTrapping<int64_t>(a); }
inline Trapping<uint64_t> I64TruncF32U(float a) { return detail::truncTrapping<uint64_t>(a); }
inline Trapping<uint64_t> I64TruncF64S(double a) { return detail::truncTrapping<int64_t>(a); }
inline Trapping<uint64_t> I64TruncF64U(double a) { return detail::truncTrapping<uint64_t>(a); }

inline uint32_t I32TruncSatF32S(float a) { return detail::truncSaturating<int32_t>(a); }
inline uint32_t I32TruncSatF32U(float a) { return detail::truncSaturating<uint32_t>(a); }
inline uint32_t I32TruncSatF64S(double a) { return detail::truncSaturating<int32_t>(a); }
inline uint32_t I32TruncSatF64U(double a) { return detail::truncSaturating<uint32_t>(a); }
inline uint64_t I64TruncSatF32S(float a) { return detail::truncSaturating<int64_t>(a); }
inline uint64_t I64TruncSatF32U(float a) { return detail::truncSaturating<uint64_t>(a); }
inline uint64_t I64TruncSatF64S(double a) { return detail::truncSaturating<int64_t>(a); }
inline uint64_t I64TruncSatF64U(double a) { return detail::truncSaturating<uint64_t>(a); }

// Integer -> float conversions round to nearest-even; g++ on x86-64 emits
// correctly rounded sequences for the unsigned 64-bit cases too (checked
// against conversions.wast in numerics_test.cpp).
inline float F32ConvertI32S(uint32_t a) { return static_cast<float>(static_cast<int32_t>(a)); }
inline float F32ConvertI32U(uint32_t a) { return static_cast<float>(a); }
inline float F32ConvertI64S(uint64_t a) { return static_cast<float>(static_cast<int64_t>(a)); }
inline float F32ConvertI64U(uint64_t a) { return static_cast<float>(a); }
inline double F64ConvertI32S(uint32_t a) { return static_cast<double>(static_cast<int32_t>(a)); }
inline double F64ConvertI32U(uint32_t a) { return static_cast<double>(a); }
inline double F64ConvertI64S(uint64_t a) { return static_cast<double>(static_cast<int64_t>(a)); }
inline double F64ConvertI64U(uint64_t a) { return static_cast<double>(a); }

// Demote rounds to nearest; NaNs come out quiet (the hardware keeps the top
// payload bits), which the spec allows.
inline float F32DemoteF64(double a) { return static_cast<float>(a); }
inline double F64PromoteF32(float a) { return static_cast<double>(a); }

inline uint32_t I32ReinterpretF32(float a) { return std::bit_cast<uint32_t>(a); }
inline uint64_t I64ReinterpretF64(double a) { return std::bit_cast<uint64_t>(a); }
inline float F32ReinterpretI32(uint32_t a) { return std::bit_cast<float>(a); }
inline double F64ReinterpretI64(uint64_t a) { return std::bit_cast<double>(a); }

}  // namespace warden::num
