// Lane semantics of numerics_simd.h on the cases that are easy to get wrong:
// saturation, rounding, NaNs, out-of-range lane indices and wrap-around.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>

#include "runtime/numerics_simd.h"

namespace warden::simd {
namespace {

template <typename T>
V128 vec(std::initializer_list<T> lanes) {
  Lanes<T> l{};
  int i = 0;
  for (T x : lanes) l[i++] = x;
  return join(l);
}

template <typename T>
T lane(V128 v, int i) {
  return split<T>(v)[i];
}

TEST(SimdNumerics, SaturatingAddAndSub) {
  V128 a = splat<int8_t>(100), b = splat<int8_t>(100);
  EXPECT_EQ(lane<int8_t>(I8x16AddSatS(a, b), 0), 127);
  EXPECT_EQ(lane<int8_t>(I8x16SubSatS(splat<int8_t>(-100), b), 3), -128);
  EXPECT_EQ(lane<uint8_t>(I8x16AddSatU(splat<uint8_t>(200), splat<uint8_t>(100)), 5), 255);
  EXPECT_EQ(lane<uint16_t>(I16x8SubSatU(splat<uint16_t>(1), splat<uint16_t>(2)), 7), 0);
  EXPECT_EQ(lane<uint8_t>(I8x16Add(splat<uint8_t>(200), splat<uint8_t>(100)), 0), 44);  // wraps
}

TEST(SimdNumerics, NarrowSaturatesSignedInput) {
  V128 a = vec<int16_t>({300, -300, 127, -128, 0, 255, 256, -1});
  V128 r = I8x16NarrowI16x8S(a, a);
  EXPECT_EQ(lane<int8_t>(r, 0), 127);
  EXPECT_EQ(lane<int8_t>(r, 1), -128);
  EXPECT_EQ(lane<int8_t>(r, 8), 127);  // lanes of b follow
  V128 u = I8x16NarrowI16x8U(a, a);
  EXPECT_EQ(lane<uint8_t>(u, 0), 255);
  EXPECT_EQ(lane<uint8_t>(u, 1), 0);
  EXPECT_EQ(lane<uint8_t>(u, 5), 255);
  EXPECT_EQ(lane<uint8_t>(u, 7), 0);  // -1 clamps to 0
}

TEST(SimdNumerics, Q15MulrRoundsAndSaturates) {
  V128 min = splat<int16_t>(-32768);
  EXPECT_EQ(lane<int16_t>(I16x8Q15mulrSatS(min, min), 0), 32767);
  EXPECT_EQ(lane<int16_t>(I16x8Q15mulrSatS(splat<int16_t>(16384), splat<int16_t>(16384)), 0), 8192);
  EXPECT_EQ(lane<int16_t>(I16x8Q15mulrSatS(splat<int16_t>(1), splat<int16_t>(16384)), 0), 1);  // 0.5 rounds up
}

TEST(SimdNumerics, SwizzleOutOfRangeIsZero) {
  V128 a = vec<uint8_t>({10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25});
  V128 s = vec<uint8_t>({0, 15, 16, 255, 3, 0x80, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  V128 r = I8x16Swizzle(a, s);
  EXPECT_EQ(lane<uint8_t>(r, 0), 10);
  EXPECT_EQ(lane<uint8_t>(r, 1), 25);
  EXPECT_EQ(lane<uint8_t>(r, 2), 0);
  EXPECT_EQ(lane<uint8_t>(r, 3), 0);
  EXPECT_EQ(lane<uint8_t>(r, 4), 13);
  EXPECT_EQ(lane<uint8_t>(r, 5), 0);
}

TEST(SimdNumerics, ShufflePicksFromBothOperands) {
  V128 a = splat<uint8_t>(1), b = splat<uint8_t>(2);
  uint8_t idx[16] = {0, 16, 31, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17};
  V128 r = I8x16Shuffle(a, b, idx);
  EXPECT_EQ(lane<uint8_t>(r, 0), 1);
  EXPECT_EQ(lane<uint8_t>(r, 1), 2);
  EXPECT_EQ(lane<uint8_t>(r, 2), 2);
  EXPECT_EQ(lane<uint8_t>(r, 3), 1);
  EXPECT_EQ(lane<uint8_t>(r, 15), 2);
}

TEST(SimdNumerics, PminPmaxAreNotMinMax) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  V128 a = vec<float>({nan, 1.0f, -0.0f, 2.0f}), b = vec<float>({1.0f, nan, 0.0f, 3.0f});
  V128 p = F32x4Pmin(a, b);
  EXPECT_TRUE(std::isnan(lane<float>(p, 0)));  // b < a is false: a (NaN)
  EXPECT_EQ(lane<float>(p, 1), 1.0f);          // b < a false: a
  EXPECT_TRUE(std::signbit(lane<float>(p, 2)));  // -0 vs 0 compare equal: a
  V128 m = F32x4Min(a, b);
  EXPECT_TRUE(std::isnan(lane<float>(m, 0)));
  EXPECT_TRUE(std::isnan(lane<float>(m, 1)));  // min propagates NaN
  EXPECT_TRUE(std::signbit(lane<float>(m, 2)));
  EXPECT_EQ(lane<float>(F32x4Pmax(a, b), 3), 3.0f);
}

TEST(SimdNumerics, TruncSatAndConversions) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  V128 r = I32x4TruncSatF32x4S(vec<float>({nan, 3e9f, -3e9f, -1.7f}));
  EXPECT_EQ(lane<int32_t>(r, 0), 0);
  EXPECT_EQ(lane<int32_t>(r, 1), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(lane<int32_t>(r, 2), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(lane<int32_t>(r, 3), -1);
  V128 u = I32x4TruncSatF64x2UZero(vec<double>({-5.0, 5e9}));
  EXPECT_EQ(lane<uint32_t>(u, 0), 0u);
  EXPECT_EQ(lane<uint32_t>(u, 1), 0xffffffffu);
  EXPECT_EQ(lane<uint32_t>(u, 2), 0u);
  EXPECT_EQ(lane<uint32_t>(u, 3), 0u);
  EXPECT_EQ(lane<double>(F64x2ConvertLowI32x4U(vec<uint32_t>({0xffffffffu, 1, 9, 9})), 0), 4294967295.0);
  EXPECT_EQ(lane<float>(F32x4ConvertI32x4S(vec<int32_t>({-3, 0, 0, 0})), 0), -3.0f);
  V128 d = F32x4DemoteF64x2Zero(vec<double>({1.5, 1e300}));
  EXPECT_EQ(lane<float>(d, 0), 1.5f);
  EXPECT_TRUE(std::isinf(lane<float>(d, 1)));
  EXPECT_EQ(lane<uint32_t>(d, 2), 0u);
}

TEST(SimdNumerics, ShiftCountsWrapPerLaneWidth) {
  EXPECT_EQ(lane<uint8_t>(I8x16Shl(splat<uint8_t>(1), 9), 0), 2);
  EXPECT_EQ(lane<int16_t>(I16x8ShrS(splat<int16_t>(-16), 18), 0), -4);
  EXPECT_EQ(lane<uint32_t>(I32x4ShrU(splat<uint32_t>(0x80000000u), 63), 0), 1u);
  EXPECT_EQ(lane<uint64_t>(I64x2Shl(splat<uint64_t>(1), 64), 1), 1u);
}

TEST(SimdNumerics, IntegerLaneOddities) {
  EXPECT_EQ(lane<int8_t>(I8x16Abs(splat<int8_t>(-128)), 0), -128);
  EXPECT_EQ(lane<uint8_t>(I8x16AvgrU(splat<uint8_t>(255), splat<uint8_t>(0)), 0), 128);
  EXPECT_EQ(lane<uint8_t>(I8x16Popcnt(splat<uint8_t>(0xF7)), 0), 7);
  V128 dot = I32x4DotI16x8S(splat<int16_t>(-32768), splat<int16_t>(-32768));
  EXPECT_EQ(lane<uint32_t>(dot, 0), 0x80000000u);  // 2^31 wraps
  EXPECT_EQ(lane<int16_t>(I16x8ExtaddPairwiseI8x16S(splat<int8_t>(-128)), 0), -256);
  EXPECT_EQ(lane<uint16_t>(I16x8ExtaddPairwiseI8x16U(splat<uint8_t>(255)), 0), 510);
  EXPECT_EQ(lane<int64_t>(I64x2ExtmulHighI32x4S(vec<int32_t>({0, 0, -2, 0}), splat<int32_t>(1 << 30)), 0),
            -(int64_t(1) << 31));
  EXPECT_EQ(I8x16Bitmask(vec<int8_t>({-1, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -128})), 0x8005u);
  EXPECT_EQ(I32x4AllTrue(vec<uint32_t>({1, 2, 3, 0})), 0u);
  EXPECT_EQ(V128AnyTrue(vec<uint64_t>({0, 1})), 1u);
  EXPECT_EQ(I8x16ExtractLaneS(splat<uint8_t>(0xFF), 3), 0xFFFFFFFFu);
  EXPECT_EQ(I16x8ExtractLaneU(splat<uint16_t>(0xFFFF), 3), 0xFFFFu);
}

TEST(SimdNumerics, LoadsExtendAndZero) {
  uint8_t mem[16] = {0xFF, 0x01, 0x80, 0x7F, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  EXPECT_EQ(lane<int16_t>(V128Load8x8S(mem), 0), -1);
  EXPECT_EQ(lane<uint16_t>(V128Load8x8U(mem), 0), 255);
  EXPECT_EQ(lane<uint64_t>(V128Load32Zero(mem), 1), 0u);
  EXPECT_EQ(lane<uint32_t>(V128Load32Zero(mem), 0), 0x7F8001FFu);
  EXPECT_EQ(lane<uint16_t>(V128Load16Splat(mem), 7), 0x01FFu);
  V128 v = V128Load8Lane(mem + 3, splat<uint8_t>(0), 9);
  EXPECT_EQ(lane<uint8_t>(v, 9), 0x7F);
  EXPECT_EQ(lane<uint8_t>(v, 8), 0);
}

}  // namespace
}  // namespace warden::simd
