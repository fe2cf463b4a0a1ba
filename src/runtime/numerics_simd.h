// Lane-wise semantics of the fixed-width SIMD instructions (simd_ops.def), one
// small pure function per instruction under the same name, as numerics.h is
// for scalars. Shared by the interpreter and the unit tests.
//
// V128 is a GCC vector type: the common integer and bitwise operations are
// written with vector extensions (one SSE instruction each on x86-64, correct
// scalar code elsewhere). Everything with subtle rules (float NaNs, rounding,
// saturation, conversions) is a lane loop over the scalar function of
// numerics.h, so each lane behaves exactly like the scalar instruction.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "runtime/numerics.h"

namespace warden::simd {

typedef uint64_t V128 __attribute__((vector_size(16)));
typedef int8_t i8x16 __attribute__((vector_size(16)));
typedef uint8_t u8x16 __attribute__((vector_size(16)));
typedef int16_t i16x8 __attribute__((vector_size(16)));
typedef uint16_t u16x8 __attribute__((vector_size(16)));
typedef int32_t i32x4 __attribute__((vector_size(16)));
typedef uint32_t u32x4 __attribute__((vector_size(16)));
typedef int64_t i64x2 __attribute__((vector_size(16)));
typedef uint64_t u64x2 __attribute__((vector_size(16)));

// Reinterprets the 128 bits as another vector type.
template <typename To, typename From>
inline To as(From v) {
  static_assert(sizeof(To) == 16 && sizeof(From) == 16);
  To t;
  std::memcpy(&t, &v, 16);
  return t;
}

inline V128 loadV128(const void* p) {
  V128 v;
  std::memcpy(&v, p, 16);
  return v;
}
inline void storeV128(void* p, V128 v) { std::memcpy(p, &v, 16); }
inline V128 makeV128(uint64_t lo, uint64_t hi) { return V128{lo, hi}; }

// ---- lane arrays, for the operations written as loops ----------------------

template <typename T>
struct Lanes {
  static constexpr int N = int(16 / sizeof(T));
  T v[N];
  T& operator[](int i) { return v[i]; }
  const T& operator[](int i) const { return v[i]; }
};

template <typename T>
inline Lanes<T> split(V128 v) {
  Lanes<T> l;
  std::memcpy(l.v, &v, 16);
  return l;
}

template <typename T>
inline V128 join(const Lanes<T>& l) {
  V128 v;
  std::memcpy(&v, l.v, 16);
  return v;
}

template <typename T, typename F>
inline V128 map1(V128 a, F f) {
  Lanes<T> x = split<T>(a);
  for (int i = 0; i < Lanes<T>::N; ++i) x[i] = T(f(x[i]));
  return join(x);
}

template <typename T, typename F>
inline V128 map2(V128 a, V128 b, F f) {
  Lanes<T> x = split<T>(a), y = split<T>(b);
  for (int i = 0; i < Lanes<T>::N; ++i) x[i] = T(f(x[i], y[i]));
  return join(x);
}

// An all-ones or all-zeros lane of type T, for comparisons.
template <typename T>
constexpr T mask(bool b) {
  using U = std::make_unsigned_t<T>;
  return T(b ? U(~U(0)) : U(0));
}

// Comparison of lanes of type T into same-width integer masks.
template <typename T, typename F>
inline V128 compare(V128 a, V128 b, F f) {
  using M = std::conditional_t<sizeof(T) == 4, uint32_t, std::conditional_t<sizeof(T) == 8, uint64_t,
                               std::conditional_t<sizeof(T) == 2, uint16_t, uint8_t>>>;
  Lanes<T> x = split<T>(a), y = split<T>(b);
  Lanes<M> r;
  for (int i = 0; i < Lanes<T>::N; ++i) r[i] = mask<M>(f(x[i], y[i]));
  return join(r);
}

template <typename T>
inline T saturate(int64_t x) {
  if (x < int64_t(std::numeric_limits<T>::min())) return std::numeric_limits<T>::min();
  if (x > int64_t(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
  return T(x);
}

// Wide lanes from the low or high half of the narrow lanes of `a`.
template <typename Wide, typename Narrow>
inline V128 extend(V128 a, bool high) {
  Lanes<Narrow> x = split<Narrow>(a);
  Lanes<Wide> r;
  for (int i = 0; i < Lanes<Wide>::N; ++i) r[i] = Wide(x[i + (high ? Lanes<Wide>::N : 0)]);
  return join(r);
}

template <typename Wide, typename Narrow>
inline V128 extmul(V128 a, V128 b, bool high) {
  Lanes<Narrow> x = split<Narrow>(a), y = split<Narrow>(b);
  Lanes<Wide> r;
  int base = high ? Lanes<Wide>::N : 0;
  using U = std::make_unsigned_t<Wide>;  // products fit; unsigned avoids signed-overflow UB
  for (int i = 0; i < Lanes<Wide>::N; ++i) r[i] = Wide(U(Wide(x[base + i])) * U(Wide(y[base + i])));
  return join(r);
}

template <typename Wide, typename Narrow>
inline V128 extaddPairwise(V128 a) {
  Lanes<Narrow> x = split<Narrow>(a);
  Lanes<Wide> r;
  for (int i = 0; i < Lanes<Wide>::N; ++i) r[i] = Wide(Wide(x[2 * i]) + Wide(x[2 * i + 1]));
  return join(r);
}

// Narrow signed lanes of a then b, saturating to Narrow's range.
template <typename Narrow, typename Wide>
inline V128 narrow(V128 a, V128 b) {
  Lanes<Wide> x = split<Wide>(a), y = split<Wide>(b);
  Lanes<Narrow> r;
  constexpr int n = Lanes<Wide>::N;
  for (int i = 0; i < n; ++i) {
    r[i] = saturate<Narrow>(x[i]);
    r[n + i] = saturate<Narrow>(y[i]);
  }
  return join(r);
}

template <typename T>
inline V128 splat(T x) {
  Lanes<T> r;
  for (int i = 0; i < Lanes<T>::N; ++i) r[i] = x;
  return join(r);
}

template <typename T>
inline V128 replace(V128 v, T x, uint32_t lane) {
  Lanes<T> r = split<T>(v);
  r[int(lane)] = x;
  return join(r);
}

template <typename T>
inline T extract(V128 v, uint32_t lane) {
  return split<T>(v)[int(lane)];
}

template <typename T>
inline uint32_t allTrue(V128 v) {
  Lanes<T> x = split<T>(v);
  for (int i = 0; i < Lanes<T>::N; ++i)
    if (x[i] == 0) return 0;
  return 1;
}

template <typename T>
inline uint32_t bitmask(V128 v) {
  Lanes<T> x = split<T>(v);
  uint32_t r = 0;
  for (int i = 0; i < Lanes<T>::N; ++i) r |= uint32_t(x[i] < 0) << i;
  return r;
}

// Shift counts are taken modulo the lane width.
template <typename T>
inline V128 shiftLeft(V128 a, uint32_t n) {
  using U = std::make_unsigned_t<T>;
  uint32_t k = n % (8 * sizeof(T));
  return map1<U>(a, [k](U x) { return U(x << k); });
}
template <typename T>
inline V128 shiftRight(V128 a, uint32_t n) {
  uint32_t k = n % (8 * sizeof(T));
  return map1<T>(a, [k](T x) { return T(x >> k); });  // arithmetic for signed T
}

template <typename T>
inline V128 absolute(V128 a) {
  using U = std::make_unsigned_t<T>;
  return map1<T>(a, [](T x) { return x < 0 ? T(U(0) - U(x)) : x; });  // INT_MIN stays INT_MIN
}

template <typename T>
inline V128 negate(V128 a) {
  using U = std::make_unsigned_t<T>;
  return map1<U>(a, [](U x) { return U(U(0) - x); });
}

template <typename T>
inline V128 addSat(V128 a, V128 b) {
  return map2<T>(a, b, [](T x, T y) { return saturate<T>(int64_t(x) + int64_t(y)); });
}
template <typename T>
inline V128 subSat(V128 a, V128 b) {
  return map2<T>(a, b, [](T x, T y) { return saturate<T>(int64_t(x) - int64_t(y)); });
}
template <typename T>
inline V128 minimum(V128 a, V128 b) {
  return map2<T>(a, b, [](T x, T y) { return x < y ? x : y; });
}
template <typename T>
inline V128 maximum(V128 a, V128 b) {
  return map2<T>(a, b, [](T x, T y) { return x > y ? x : y; });
}
template <typename T>
inline V128 averageRounded(V128 a, V128 b) {
  return map2<T>(a, b, [](T x, T y) { return T((uint32_t(x) + uint32_t(y) + 1) >> 1); });
}

// Float lanes through a scalar function of numerics.h.
template <typename F, typename Fn>
inline V128 fmap1(V128 a, Fn f) {
  return map1<F>(a, f);
}
template <typename F, typename Fn>
inline V128 fmap2(V128 a, V128 b, Fn f) {
  return map2<F>(a, b, f);
}

// Memory: load N bytes as T.
template <typename T>
inline T loadLE(const uint8_t* p) {
  T x;
  std::memcpy(&x, p, sizeof x);
  return x;
}

// Wide lanes from consecutive narrow values in memory (load8x8_s, ...).
template <typename Wide, typename Narrow>
inline V128 loadExtend(const uint8_t* p) {
  Lanes<Wide> r;
  for (int i = 0; i < Lanes<Wide>::N; ++i) r[i] = Wide(loadLE<Narrow>(p + i * sizeof(Narrow)));
  return join(r);
}

// ============================================================================
// Memory
// ============================================================================

inline V128 V128Load(const uint8_t* p) { return loadV128(p); }
inline V128 V128Load8x8S(const uint8_t* p) { return loadExtend<int16_t, int8_t>(p); }
inline V128 V128Load8x8U(const uint8_t* p) { return loadExtend<uint16_t, uint8_t>(p); }
inline V128 V128Load16x4S(const uint8_t* p) { return loadExtend<int32_t, int16_t>(p); }
inline V128 V128Load16x4U(const uint8_t* p) { return loadExtend<uint32_t, uint16_t>(p); }
inline V128 V128Load32x2S(const uint8_t* p) { return loadExtend<int64_t, int32_t>(p); }
inline V128 V128Load32x2U(const uint8_t* p) { return loadExtend<uint64_t, uint32_t>(p); }
inline V128 V128Load8Splat(const uint8_t* p) { return splat(loadLE<uint8_t>(p)); }
inline V128 V128Load16Splat(const uint8_t* p) { return splat(loadLE<uint16_t>(p)); }
inline V128 V128Load32Splat(const uint8_t* p) { return splat(loadLE<uint32_t>(p)); }
inline V128 V128Load64Splat(const uint8_t* p) { return splat(loadLE<uint64_t>(p)); }
inline V128 V128Load32Zero(const uint8_t* p) { return makeV128(loadLE<uint32_t>(p), 0); }
inline V128 V128Load64Zero(const uint8_t* p) { return makeV128(loadLE<uint64_t>(p), 0); }
inline void V128Store(uint8_t* p, V128 v) { storeV128(p, v); }

inline V128 V128Load8Lane(const uint8_t* p, V128 v, uint32_t lane) { return replace(v, loadLE<uint8_t>(p), lane); }
inline V128 V128Load16Lane(const uint8_t* p, V128 v, uint32_t lane) { return replace(v, loadLE<uint16_t>(p), lane); }
inline V128 V128Load32Lane(const uint8_t* p, V128 v, uint32_t lane) { return replace(v, loadLE<uint32_t>(p), lane); }
inline V128 V128Load64Lane(const uint8_t* p, V128 v, uint32_t lane) { return replace(v, loadLE<uint64_t>(p), lane); }

template <typename T>
inline void storeLane(uint8_t* p, V128 v, uint32_t lane) {
  T x = extract<T>(v, lane);
  std::memcpy(p, &x, sizeof x);
}
inline void V128Store8Lane(uint8_t* p, V128 v, uint32_t lane) { storeLane<uint8_t>(p, v, lane); }
inline void V128Store16Lane(uint8_t* p, V128 v, uint32_t lane) { storeLane<uint16_t>(p, v, lane); }
inline void V128Store32Lane(uint8_t* p, V128 v, uint32_t lane) { storeLane<uint32_t>(p, v, lane); }
inline void V128Store64Lane(uint8_t* p, V128 v, uint32_t lane) { storeLane<uint64_t>(p, v, lane); }

// ============================================================================
// Lanes: shuffle, swizzle, splat, extract, replace
// ============================================================================

// Lane indices were validated (< 32): 0..15 pick from a, 16..31 from b.
inline V128 I8x16Shuffle(V128 a, V128 b, const uint8_t* lanes) {
  Lanes<uint8_t> x = split<uint8_t>(a), y = split<uint8_t>(b), r;
  for (int i = 0; i < 16; ++i) r[i] = lanes[i] < 16 ? x[lanes[i]] : y[lanes[i] - 16];
  return join(r);
}

// Out-of-range indices select 0.
inline V128 I8x16Swizzle(V128 a, V128 s) {
  Lanes<uint8_t> x = split<uint8_t>(a), idx = split<uint8_t>(s), r;
  for (int i = 0; i < 16; ++i) r[i] = idx[i] < 16 ? x[idx[i]] : 0;
  return join(r);
}

inline V128 I8x16Splat(uint32_t x) { return splat(uint8_t(x)); }
inline V128 I16x8Splat(uint32_t x) { return splat(uint16_t(x)); }
inline V128 I32x4Splat(uint32_t x) { return splat(x); }
inline V128 I64x2Splat(uint64_t x) { return splat(x); }
inline V128 F32x4Splat(float x) { return splat(x); }
inline V128 F64x2Splat(double x) { return splat(x); }

inline uint32_t I8x16ExtractLaneS(V128 v, uint32_t l) { return uint32_t(int32_t(extract<int8_t>(v, l))); }
inline uint32_t I8x16ExtractLaneU(V128 v, uint32_t l) { return extract<uint8_t>(v, l); }
inline uint32_t I16x8ExtractLaneS(V128 v, uint32_t l) { return uint32_t(int32_t(extract<int16_t>(v, l))); }
inline uint32_t I16x8ExtractLaneU(V128 v, uint32_t l) { return extract<uint16_t>(v, l); }
inline uint32_t I32x4ExtractLane(V128 v, uint32_t l) { return extract<uint32_t>(v, l); }
inline uint64_t I64x2ExtractLane(V128 v, uint32_t l) { return extract<uint64_t>(v, l); }
inline float F32x4ExtractLane(V128 v, uint32_t l) { return extract<float>(v, l); }
inline double F64x2ExtractLane(V128 v, uint32_t l) { return extract<double>(v, l); }

inline V128 I8x16ReplaceLane(V128 v, uint32_t x, uint32_t l) { return replace(v, uint8_t(x), l); }
inline V128 I16x8ReplaceLane(V128 v, uint32_t x, uint32_t l) { return replace(v, uint16_t(x), l); }
inline V128 I32x4ReplaceLane(V128 v, uint32_t x, uint32_t l) { return replace(v, x, l); }
inline V128 I64x2ReplaceLane(V128 v, uint64_t x, uint32_t l) { return replace(v, x, l); }
inline V128 F32x4ReplaceLane(V128 v, float x, uint32_t l) { return replace(v, x, l); }
inline V128 F64x2ReplaceLane(V128 v, double x, uint32_t l) { return replace(v, x, l); }

// ============================================================================
// Comparisons: all-ones lanes for true
// ============================================================================

inline V128 I8x16Eq(V128 a, V128 b) { return as<V128>(as<u8x16>(a) == as<u8x16>(b)); }
inline V128 I8x16Ne(V128 a, V128 b) { return as<V128>(as<u8x16>(a) != as<u8x16>(b)); }
inline V128 I8x16LtS(V128 a, V128 b) { return as<V128>(as<i8x16>(a) < as<i8x16>(b)); }
inline V128 I8x16LtU(V128 a, V128 b) { return as<V128>(as<u8x16>(a) < as<u8x16>(b)); }
inline V128 I8x16GtS(V128 a, V128 b) { return as<V128>(as<i8x16>(a) > as<i8x16>(b)); }
inline V128 I8x16GtU(V128 a, V128 b) { return as<V128>(as<u8x16>(a) > as<u8x16>(b)); }
inline V128 I8x16LeS(V128 a, V128 b) { return as<V128>(as<i8x16>(a) <= as<i8x16>(b)); }
inline V128 I8x16LeU(V128 a, V128 b) { return as<V128>(as<u8x16>(a) <= as<u8x16>(b)); }
inline V128 I8x16GeS(V128 a, V128 b) { return as<V128>(as<i8x16>(a) >= as<i8x16>(b)); }
inline V128 I8x16GeU(V128 a, V128 b) { return as<V128>(as<u8x16>(a) >= as<u8x16>(b)); }

inline V128 I16x8Eq(V128 a, V128 b) { return as<V128>(as<u16x8>(a) == as<u16x8>(b)); }
inline V128 I16x8Ne(V128 a, V128 b) { return as<V128>(as<u16x8>(a) != as<u16x8>(b)); }
inline V128 I16x8LtS(V128 a, V128 b) { return as<V128>(as<i16x8>(a) < as<i16x8>(b)); }
inline V128 I16x8LtU(V128 a, V128 b) { return as<V128>(as<u16x8>(a) < as<u16x8>(b)); }
inline V128 I16x8GtS(V128 a, V128 b) { return as<V128>(as<i16x8>(a) > as<i16x8>(b)); }
inline V128 I16x8GtU(V128 a, V128 b) { return as<V128>(as<u16x8>(a) > as<u16x8>(b)); }
inline V128 I16x8LeS(V128 a, V128 b) { return as<V128>(as<i16x8>(a) <= as<i16x8>(b)); }
inline V128 I16x8LeU(V128 a, V128 b) { return as<V128>(as<u16x8>(a) <= as<u16x8>(b)); }
inline V128 I16x8GeS(V128 a, V128 b) { return as<V128>(as<i16x8>(a) >= as<i16x8>(b)); }
inline V128 I16x8GeU(V128 a, V128 b) { return as<V128>(as<u16x8>(a) >= as<u16x8>(b)); }

inline V128 I32x4Eq(V128 a, V128 b) { return as<V128>(as<u32x4>(a) == as<u32x4>(b)); }
inline V128 I32x4Ne(V128 a, V128 b) { return as<V128>(as<u32x4>(a) != as<u32x4>(b)); }
inline V128 I32x4LtS(V128 a, V128 b) { return as<V128>(as<i32x4>(a) < as<i32x4>(b)); }
inline V128 I32x4LtU(V128 a, V128 b) { return as<V128>(as<u32x4>(a) < as<u32x4>(b)); }
inline V128 I32x4GtS(V128 a, V128 b) { return as<V128>(as<i32x4>(a) > as<i32x4>(b)); }
inline V128 I32x4GtU(V128 a, V128 b) { return as<V128>(as<u32x4>(a) > as<u32x4>(b)); }
inline V128 I32x4LeS(V128 a, V128 b) { return as<V128>(as<i32x4>(a) <= as<i32x4>(b)); }
inline V128 I32x4LeU(V128 a, V128 b) { return as<V128>(as<u32x4>(a) <= as<u32x4>(b)); }
inline V128 I32x4GeS(V128 a, V128 b) { return as<V128>(as<i32x4>(a) >= as<i32x4>(b)); }
inline V128 I32x4GeU(V128 a, V128 b) { return as<V128>(as<u32x4>(a) >= as<u32x4>(b)); }

inline V128 I64x2Eq(V128 a, V128 b) { return as<V128>(as<u64x2>(a) == as<u64x2>(b)); }
inline V128 I64x2Ne(V128 a, V128 b) { return as<V128>(as<u64x2>(a) != as<u64x2>(b)); }
inline V128 I64x2LtS(V128 a, V128 b) { return as<V128>(as<i64x2>(a) < as<i64x2>(b)); }
inline V128 I64x2GtS(V128 a, V128 b) { return as<V128>(as<i64x2>(a) > as<i64x2>(b)); }
inline V128 I64x2LeS(V128 a, V128 b) { return as<V128>(as<i64x2>(a) <= as<i64x2>(b)); }
inline V128 I64x2GeS(V128 a, V128 b) { return as<V128>(as<i64x2>(a) >= as<i64x2>(b)); }

// IEEE comparisons: false with a NaN operand, except ne.
inline V128 F32x4Eq(V128 a, V128 b) { return compare<float>(a, b, [](float x, float y) { return x == y; }); }
inline V128 F32x4Ne(V128 a, V128 b) { return compare<float>(a, b, [](float x, float y) { return x != y; }); }
inline V128 F32x4Lt(V128 a, V128 b) { return compare<float>(a, b, [](float x, float y) { return x < y; }); }
inline V128 F32x4Gt(V128 a, V128 b) { return compare<float>(a, b, [](float x, float y) { return x > y; }); }
inline V128 F32x4Le(V128 a, V128 b) { return compare<float>(a, b, [](float x, float y) { return x <= y; }); }
inline V128 F32x4Ge(V128 a, V128 b) { return compare<float>(a, b, [](float x, float y) { return x >= y; }); }
inline V128 F64x2Eq(V128 a, V128 b) { return compare<double>(a, b, [](double x, double y) { return x == y; }); }
inline V128 F64x2Ne(V128 a, V128 b) { return compare<double>(a, b, [](double x, double y) { return x != y; }); }
inline V128 F64x2Lt(V128 a, V128 b) { return compare<double>(a, b, [](double x, double y) { return x < y; }); }
inline V128 F64x2Gt(V128 a, V128 b) { return compare<double>(a, b, [](double x, double y) { return x > y; }); }
inline V128 F64x2Le(V128 a, V128 b) { return compare<double>(a, b, [](double x, double y) { return x <= y; }); }
inline V128 F64x2Ge(V128 a, V128 b) { return compare<double>(a, b, [](double x, double y) { return x >= y; }); }

// ============================================================================
// Bitwise
// ============================================================================

inline V128 V128Not(V128 a) { return ~a; }
inline V128 V128And(V128 a, V128 b) { return a & b; }
inline V128 V128Andnot(V128 a, V128 b) { return a & ~b; }
inline V128 V128Or(V128 a, V128 b) { return a | b; }
inline V128 V128Xor(V128 a, V128 b) { return a ^ b; }
inline V128 V128Bitselect(V128 a, V128 b, V128 c) { return (a & c) | (b & ~c); }
inline uint32_t V128AnyTrue(V128 a) { return (a[0] | a[1]) != 0; }

// ============================================================================
// Integer lanes
// ============================================================================

inline V128 I8x16Abs(V128 a) { return absolute<int8_t>(a); }
inline V128 I8x16Neg(V128 a) { return negate<int8_t>(a); }
inline V128 I8x16Popcnt(V128 a) { return map1<uint8_t>(a, [](uint8_t x) { return std::popcount(x); }); }
inline uint32_t I8x16AllTrue(V128 a) { return allTrue<uint8_t>(a); }
inline uint32_t I8x16Bitmask(V128 a) { return bitmask<int8_t>(a); }
inline V128 I8x16NarrowI16x8S(V128 a, V128 b) { return narrow<int8_t, int16_t>(a, b); }
inline V128 I8x16NarrowI16x8U(V128 a, V128 b) { return narrow<uint8_t, int16_t>(a, b); }
inline V128 I8x16Shl(V128 a, uint32_t n) { return shiftLeft<int8_t>(a, n); }
inline V128 I8x16ShrS(V128 a, uint32_t n) { return shiftRight<int8_t>(a, n); }
inline V128 I8x16ShrU(V128 a, uint32_t n) { return shiftRight<uint8_t>(a, n); }
inline V128 I8x16Add(V128 a, V128 b) { return as<V128>(as<u8x16>(a) + as<u8x16>(b)); }
inline V128 I8x16AddSatS(V128 a, V128 b) { return addSat<int8_t>(a, b); }
inline V128 I8x16AddSatU(V128 a, V128 b) { return addSat<uint8_t>(a, b); }
inline V128 I8x16Sub(V128 a, V128 b) { return as<V128>(as<u8x16>(a) - as<u8x16>(b)); }
inline V128 I8x16SubSatS(V128 a, V128 b) { return subSat<int8_t>(a, b); }
inline V128 I8x16SubSatU(V128 a, V128 b) { return subSat<uint8_t>(a, b); }
inline V128 I8x16MinS(V128 a, V128 b) { return minimum<int8_t>(a, b); }
inline V128 I8x16MinU(V128 a, V128 b) { return minimum<uint8_t>(a, b); }
inline V128 I8x16MaxS(V128 a, V128 b) { return maximum<int8_t>(a, b); }
inline V128 I8x16MaxU(V128 a, V128 b) { return maximum<uint8_t>(a, b); }
inline V128 I8x16AvgrU(V128 a, V128 b) { return averageRounded<uint8_t>(a, b); }

inline V128 I16x8ExtaddPairwiseI8x16S(V128 a) { return extaddPairwise<int16_t, int8_t>(a); }
inline V128 I16x8ExtaddPairwiseI8x16U(V128 a) { return extaddPairwise<uint16_t, uint8_t>(a); }
inline V128 I32x4ExtaddPairwiseI16x8S(V128 a) { return extaddPairwise<int32_t, int16_t>(a); }
inline V128 I32x4ExtaddPairwiseI16x8U(V128 a) { return extaddPairwise<uint32_t, uint16_t>(a); }

inline V128 I16x8Abs(V128 a) { return absolute<int16_t>(a); }
inline V128 I16x8Neg(V128 a) { return negate<int16_t>(a); }
// Rounding Q15 multiply: (a*b + 2^14) >> 15, saturated (only -1 * -1 overflows).
inline V128 I16x8Q15mulrSatS(V128 a, V128 b) {
  return map2<int16_t>(a, b, [](int16_t x, int16_t y) {
    return saturate<int16_t>((int32_t(x) * int32_t(y) + 0x4000) >> 15);
  });
}
inline uint32_t I16x8AllTrue(V128 a) { return allTrue<uint16_t>(a); }
inline uint32_t I16x8Bitmask(V128 a) { return bitmask<int16_t>(a); }
inline V128 I16x8NarrowI32x4S(V128 a, V128 b) { return narrow<int16_t, int32_t>(a, b); }
inline V128 I16x8NarrowI32x4U(V128 a, V128 b) { return narrow<uint16_t, int32_t>(a, b); }
inline V128 I16x8ExtendLowI8x16S(V128 a) { return extend<int16_t, int8_t>(a, false); }
inline V128 I16x8ExtendHighI8x16S(V128 a) { return extend<int16_t, int8_t>(a, true); }
inline V128 I16x8ExtendLowI8x16U(V128 a) { return extend<uint16_t, uint8_t>(a, false); }
inline V128 I16x8ExtendHighI8x16U(V128 a) { return extend<uint16_t, uint8_t>(a, true); }
inline V128 I16x8Shl(V128 a, uint32_t n) { return shiftLeft<int16_t>(a, n); }
inline V128 I16x8ShrS(V128 a, uint32_t n) { return shiftRight<int16_t>(a, n); }
inline V128 I16x8ShrU(V128 a, uint32_t n) { return shiftRight<uint16_t>(a, n); }
inline V128 I16x8Add(V128 a, V128 b) { return as<V128>(as<u16x8>(a) + as<u16x8>(b)); }
inline V128 I16x8AddSatS(V128 a, V128 b) { return addSat<int16_t>(a, b); }
inline V128 I16x8AddSatU(V128 a, V128 b) { return addSat<uint16_t>(a, b); }
inline V128 I16x8Sub(V128 a, V128 b) { return as<V128>(as<u16x8>(a) - as<u16x8>(b)); }
inline V128 I16x8SubSatS(V128 a, V128 b) { return subSat<int16_t>(a, b); }
inline V128 I16x8SubSatU(V128 a, V128 b) { return subSat<uint16_t>(a, b); }
inline V128 I16x8Mul(V128 a, V128 b) { return as<V128>(as<u16x8>(a) * as<u16x8>(b)); }
inline V128 I16x8MinS(V128 a, V128 b) { return minimum<int16_t>(a, b); }
inline V128 I16x8MinU(V128 a, V128 b) { return minimum<uint16_t>(a, b); }
inline V128 I16x8MaxS(V128 a, V128 b) { return maximum<int16_t>(a, b); }
inline V128 I16x8MaxU(V128 a, V128 b) { return maximum<uint16_t>(a, b); }
inline V128 I16x8AvgrU(V128 a, V128 b) { return averageRounded<uint16_t>(a, b); }
inline V128 I16x8ExtmulLowI8x16S(V128 a, V128 b) { return extmul<int16_t, int8_t>(a, b, false); }
inline V128 I16x8ExtmulHighI8x16S(V128 a, V128 b) { return extmul<int16_t, int8_t>(a, b, true); }
inline V128 I16x8ExtmulLowI8x16U(V128 a, V128 b) { return extmul<uint16_t, uint8_t>(a, b, false); }
inline V128 I16x8ExtmulHighI8x16U(V128 a, V128 b) { return extmul<uint16_t, uint8_t>(a, b, true); }

inline V128 I32x4Abs(V128 a) { return absolute<int32_t>(a); }
inline V128 I32x4Neg(V128 a) { return negate<int32_t>(a); }
inline uint32_t I32x4AllTrue(V128 a) { return allTrue<uint32_t>(a); }
inline uint32_t I32x4Bitmask(V128 a) { return bitmask<int32_t>(a); }
inline V128 I32x4ExtendLowI16x8S(V128 a) { return extend<int32_t, int16_t>(a, false); }
inline V128 I32x4ExtendHighI16x8S(V128 a) { return extend<int32_t, int16_t>(a, true); }
inline V128 I32x4ExtendLowI16x8U(V128 a) { return extend<uint32_t, uint16_t>(a, false); }
inline V128 I32x4ExtendHighI16x8U(V128 a) { return extend<uint32_t, uint16_t>(a, true); }
inline V128 I32x4Shl(V128 a, uint32_t n) { return shiftLeft<int32_t>(a, n); }
inline V128 I32x4ShrS(V128 a, uint32_t n) { return shiftRight<int32_t>(a, n); }
inline V128 I32x4ShrU(V128 a, uint32_t n) { return shiftRight<uint32_t>(a, n); }
inline V128 I32x4Add(V128 a, V128 b) { return as<V128>(as<u32x4>(a) + as<u32x4>(b)); }
inline V128 I32x4Sub(V128 a, V128 b) { return as<V128>(as<u32x4>(a) - as<u32x4>(b)); }
inline V128 I32x4Mul(V128 a, V128 b) { return as<V128>(as<u32x4>(a) * as<u32x4>(b)); }
inline V128 I32x4MinS(V128 a, V128 b) { return minimum<int32_t>(a, b); }
inline V128 I32x4MinU(V128 a, V128 b) { return minimum<uint32_t>(a, b); }
inline V128 I32x4MaxS(V128 a, V128 b) { return maximum<int32_t>(a, b); }
inline V128 I32x4MaxU(V128 a, V128 b) { return maximum<uint32_t>(a, b); }
// Sums of adjacent signed 16-bit products; wraps (only -32768^2 * 2 overflows).
inline V128 I32x4DotI16x8S(V128 a, V128 b) {
  Lanes<int16_t> x = split<int16_t>(a), y = split<int16_t>(b);
  Lanes<uint32_t> r;
  for (int i = 0; i < 4; ++i)
    r[i] = uint32_t(int64_t(x[2 * i]) * y[2 * i] + int64_t(x[2 * i + 1]) * y[2 * i + 1]);
  return join(r);
}
inline V128 I32x4ExtmulLowI16x8S(V128 a, V128 b) { return extmul<int32_t, int16_t>(a, b, false); }
inline V128 I32x4ExtmulHighI16x8S(V128 a, V128 b) { return extmul<int32_t, int16_t>(a, b, true); }
inline V128 I32x4ExtmulLowI16x8U(V128 a, V128 b) { return extmul<uint32_t, uint16_t>(a, b, false); }
inline V128 I32x4ExtmulHighI16x8U(V128 a, V128 b) { return extmul<uint32_t, uint16_t>(a, b, true); }

inline V128 I64x2Abs(V128 a) { return absolute<int64_t>(a); }
inline V128 I64x2Neg(V128 a) { return negate<int64_t>(a); }
inline uint32_t I64x2AllTrue(V128 a) { return allTrue<uint64_t>(a); }
inline uint32_t I64x2Bitmask(V128 a) { return bitmask<int64_t>(a); }
inline V128 I64x2ExtendLowI32x4S(V128 a) { return extend<int64_t, int32_t>(a, false); }
inline V128 I64x2ExtendHighI32x4S(V128 a) { return extend<int64_t, int32_t>(a, true); }
inline V128 I64x2ExtendLowI32x4U(V128 a) { return extend<uint64_t, uint32_t>(a, false); }
inline V128 I64x2ExtendHighI32x4U(V128 a) { return extend<uint64_t, uint32_t>(a, true); }
inline V128 I64x2Shl(V128 a, uint32_t n) { return shiftLeft<int64_t>(a, n); }
inline V128 I64x2ShrS(V128 a, uint32_t n) { return shiftRight<int64_t>(a, n); }
inline V128 I64x2ShrU(V128 a, uint32_t n) { return shiftRight<uint64_t>(a, n); }
inline V128 I64x2Add(V128 a, V128 b) { return a + b; }
inline V128 I64x2Sub(V128 a, V128 b) { return a - b; }
inline V128 I64x2Mul(V128 a, V128 b) { return a * b; }
inline V128 I64x2ExtmulLowI32x4S(V128 a, V128 b) { return extmul<int64_t, int32_t>(a, b, false); }
inline V128 I64x2ExtmulHighI32x4S(V128 a, V128 b) { return extmul<int64_t, int32_t>(a, b, true); }
inline V128 I64x2ExtmulLowI32x4U(V128 a, V128 b) { return extmul<uint64_t, uint32_t>(a, b, false); }
inline V128 I64x2ExtmulHighI32x4U(V128 a, V128 b) { return extmul<uint64_t, uint32_t>(a, b, true); }

// ============================================================================
// Float lanes: each lane is the scalar instruction (NaN rules included)
// ============================================================================

inline V128 F32x4Abs(V128 a) { return fmap1<float>(a, num::F32Abs); }
inline V128 F32x4Neg(V128 a) { return fmap1<float>(a, num::F32Neg); }
inline V128 F32x4Sqrt(V128 a) { return fmap1<float>(a, num::F32Sqrt); }
inline V128 F32x4Ceil(V128 a) { return fmap1<float>(a, num::F32Ceil); }
inline V128 F32x4Floor(V128 a) { return fmap1<float>(a, num::F32Floor); }
inline V128 F32x4Trunc(V128 a) { return fmap1<float>(a, num::F32Trunc); }
inline V128 F32x4Nearest(V128 a) { return fmap1<float>(a, num::F32Nearest); }
inline V128 F32x4Add(V128 a, V128 b) { return fmap2<float>(a, b, num::F32Add); }
inline V128 F32x4Sub(V128 a, V128 b) { return fmap2<float>(a, b, num::F32Sub); }
inline V128 F32x4Mul(V128 a, V128 b) { return fmap2<float>(a, b, num::F32Mul); }
inline V128 F32x4Div(V128 a, V128 b) { return fmap2<float>(a, b, num::F32Div); }
inline V128 F32x4Min(V128 a, V128 b) { return fmap2<float>(a, b, num::F32Min); }
inline V128 F32x4Max(V128 a, V128 b) { return fmap2<float>(a, b, num::F32Max); }
// Pseudo-min/max: exactly `b < a ? b : a` and `a < b ? b : a` (no NaN rules).
inline V128 F32x4Pmin(V128 a, V128 b) { return fmap2<float>(a, b, [](float x, float y) { return y < x ? y : x; }); }
inline V128 F32x4Pmax(V128 a, V128 b) { return fmap2<float>(a, b, [](float x, float y) { return x < y ? y : x; }); }

inline V128 F64x2Abs(V128 a) { return fmap1<double>(a, num::F64Abs); }
inline V128 F64x2Neg(V128 a) { return fmap1<double>(a, num::F64Neg); }
inline V128 F64x2Sqrt(V128 a) { return fmap1<double>(a, num::F64Sqrt); }
inline V128 F64x2Ceil(V128 a) { return fmap1<double>(a, num::F64Ceil); }
inline V128 F64x2Floor(V128 a) { return fmap1<double>(a, num::F64Floor); }
inline V128 F64x2Trunc(V128 a) { return fmap1<double>(a, num::F64Trunc); }
inline V128 F64x2Nearest(V128 a) { return fmap1<double>(a, num::F64Nearest); }
inline V128 F64x2Add(V128 a, V128 b) { return fmap2<double>(a, b, num::F64Add); }
inline V128 F64x2Sub(V128 a, V128 b) { return fmap2<double>(a, b, num::F64Sub); }
inline V128 F64x2Mul(V128 a, V128 b) { return fmap2<double>(a, b, num::F64Mul); }
inline V128 F64x2Div(V128 a, V128 b) { return fmap2<double>(a, b, num::F64Div); }
inline V128 F64x2Min(V128 a, V128 b) { return fmap2<double>(a, b, num::F64Min); }
inline V128 F64x2Max(V128 a, V128 b) { return fmap2<double>(a, b, num::F64Max); }
inline V128 F64x2Pmin(V128 a, V128 b) { return fmap2<double>(a, b, [](double x, double y) { return y < x ? y : x; }); }
inline V128 F64x2Pmax(V128 a, V128 b) { return fmap2<double>(a, b, [](double x, double y) { return x < y ? y : x; }); }

// ============================================================================
// Conversions
// ============================================================================

inline V128 I32x4TruncSatF32x4S(V128 a) {
  Lanes<float> x = split<float>(a);
  Lanes<uint32_t> r;
  for (int i = 0; i < 4; ++i) r[i] = num::I32TruncSatF32S(x[i]);
  return join(r);
}
inline V128 I32x4TruncSatF32x4U(V128 a) {
  Lanes<float> x = split<float>(a);
  Lanes<uint32_t> r;
  for (int i = 0; i < 4; ++i) r[i] = num::I32TruncSatF32U(x[i]);
  return join(r);
}
inline V128 F32x4ConvertI32x4S(V128 a) {
  Lanes<uint32_t> x = split<uint32_t>(a);
  Lanes<float> r;
  for (int i = 0; i < 4; ++i) r[i] = num::F32ConvertI32S(x[i]);
  return join(r);
}
inline V128 F32x4ConvertI32x4U(V128 a) {
  Lanes<uint32_t> x = split<uint32_t>(a);
  Lanes<float> r;
  for (int i = 0; i < 4; ++i) r[i] = num::F32ConvertI32U(x[i]);
  return join(r);
}
// The two f64 lanes become the low i32 lanes; the high lanes are zero.
inline V128 I32x4TruncSatF64x2SZero(V128 a) {
  Lanes<double> x = split<double>(a);
  Lanes<uint32_t> r{{num::I32TruncSatF64S(x[0]), num::I32TruncSatF64S(x[1]), 0, 0}};
  return join(r);
}
inline V128 I32x4TruncSatF64x2UZero(V128 a) {
  Lanes<double> x = split<double>(a);
  Lanes<uint32_t> r{{num::I32TruncSatF64U(x[0]), num::I32TruncSatF64U(x[1]), 0, 0}};
  return join(r);
}
inline V128 F64x2ConvertLowI32x4S(V128 a) {
  Lanes<uint32_t> x = split<uint32_t>(a);
  Lanes<double> r{{num::F64ConvertI32S(x[0]), num::F64ConvertI32S(x[1])}};
  return join(r);
}
inline V128 F64x2ConvertLowI32x4U(V128 a) {
  Lanes<uint32_t> x = split<uint32_t>(a);
  Lanes<double> r{{num::F64ConvertI32U(x[0]), num::F64ConvertI32U(x[1])}};
  return join(r);
}
inline V128 F32x4DemoteF64x2Zero(V128 a) {
  Lanes<double> x = split<double>(a);
  Lanes<float> r{{num::F32DemoteF64(x[0]), num::F32DemoteF64(x[1]), 0.0f, 0.0f}};
  return join(r);
}
inline V128 F64x2PromoteLowF32x4(V128 a) {
  Lanes<float> x = split<float>(a);
  Lanes<double> r{{num::F64PromoteF32(x[0]), num::F64PromoteF32(x[1])}};
  return join(r);
}

}  // namespace warden::simd
