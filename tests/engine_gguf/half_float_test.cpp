// The f16/bf16 conversions of every GGUF reader, kernel and writer (engine/gguf/half_float.h).
#include "engine/gguf/half_float.h"

#include <gtest/gtest.h>

#include <cmath>

namespace llm::engine {
namespace {

TEST(HalfFloat, RoundTripsEveryFiniteHalf) {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    const uint16_t half = static_cast<uint16_t>(h);
    if ((half & 0x7c00u) == 0x7c00u && (half & 0x3ffu) != 0) continue;  // NaN payloads
    EXPECT_EQ(FloatToHalf(HalfToFloat(half)), half) << std::hex << h;
  }
}

TEST(HalfFloat, RoundsToNearestEven) {
  EXPECT_EQ(FloatToHalf(1.0f), 0x3c00);
  EXPECT_EQ(FloatToHalf(1.0f + 0x1p-11f), 0x3c00);       // tie: stays on the even mantissa
  EXPECT_EQ(FloatToHalf(1.0f + 3 * 0x1p-11f), 0x3c02);   // tie: rounds up to the even mantissa
  EXPECT_EQ(FloatToHalf(1.0f + 0x1p-11f + 0x1p-20f), 0x3c01);
  EXPECT_EQ(FloatToHalf(-2.0f), 0xc000);
  EXPECT_EQ(FloatToHalf(65504.0f), 0x7bff);
  EXPECT_EQ(FloatToHalf(65519.0f), 0x7bff);
  EXPECT_EQ(FloatToHalf(65520.0f), 0x7c00);  // overflows to infinity
  EXPECT_EQ(FloatToHalf(0x1p-24f), 0x0001);  // smallest subnormal
  EXPECT_EQ(FloatToHalf(0x1p-26f), 0x0000);  // below half of it: zero
  EXPECT_EQ(FloatToHalf(0x1.8p-24f), 0x0002);  // tie between subnormals 1 and 2: even
  EXPECT_EQ(FloatToHalf(INFINITY), 0x7c00);
  EXPECT_TRUE(std::isnan(HalfToFloat(FloatToHalf(NAN))));
}

TEST(HalfFloat, NanStaysANanAndInfinityStaysInfinite) {
  EXPECT_EQ(FloatToHalf(std::nanf("")) & 0x7e00, 0x7e00);
  EXPECT_EQ(FloatToHalf(-INFINITY), 0xfc00);
  EXPECT_TRUE(std::isinf(HalfToFloat(0x7c00)));
}

TEST(Bfloat16, RoundsToNearestEvenAndQuietsNans) {
  EXPECT_EQ(FloatToBf16(1.0f), 0x3f80);
  EXPECT_EQ(FloatToBf16(1.0f + 0x1p-8f), 0x3f80);       // tie: stays even
  EXPECT_EQ(FloatToBf16(1.0f + 3 * 0x1p-8f), 0x3f82);   // tie: rounds up to even
  EXPECT_EQ(FloatToBf16(-2.0f), 0xc000);
  EXPECT_EQ(Bf16ToFloat(0x3f80), 1.0f);
  EXPECT_TRUE(std::isnan(Bf16ToFloat(FloatToBf16(std::nanf("")))));
  for (uint32_t h = 0; h < 0x10000; h += 7) {
    const uint16_t b = static_cast<uint16_t>(h);
    if ((b & 0x7f80u) == 0x7f80u && (b & 0x7fu) != 0) continue;  // NaN payloads
    EXPECT_EQ(FloatToBf16(Bf16ToFloat(b)), b) << std::hex << h;
  }
}

}  // namespace
}  // namespace llm::engine
