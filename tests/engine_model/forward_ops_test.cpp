#include "engine/model/forward_ops.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/gguf/half_float.h"

namespace llm::engine::model_internal {
namespace {

TEST(Rope, PositionZeroIsTheIdentity) {
  std::vector<float> angles(8);
  RopeAngles(0, 8, 10000.0f, {}, angles.data());
  std::vector<float> head = {1, 2, 3, 4, 5, 6, 7, 8};
  const std::vector<float> before = head;
  RopeHead(head.data(), angles.data(), 8);
  EXPECT_EQ(head, before);
}

TEST(Rope, RotatesAdjacentPairsByPositionTimesFrequency) {
  // n_rot 4, base 100: pair 0 turns by pos, pair 1 by pos / 100^(2/4) = pos / 10.
  std::vector<float> angles(4);
  RopeAngles(3, 4, 100.0f, {}, angles.data());
  std::vector<float> head = {1, 0, 0, 1, 9, 9};  // the last two values are not rotated
  RopeHead(head.data(), angles.data(), 4);
  EXPECT_NEAR(head[0], std::cos(3.0f), 1e-6);
  EXPECT_NEAR(head[1], std::sin(3.0f), 1e-6);
  EXPECT_NEAR(head[2], -std::sin(0.3f), 1e-6);
  EXPECT_NEAR(head[3], std::cos(0.3f), 1e-6);
  EXPECT_EQ(head[4], 9);
  EXPECT_EQ(head[5], 9);
}

TEST(Rope, FrequencyFactorsDivideTheAngles) {
  std::vector<float> plain(4), scaled(4);
  RopeAngles(5, 4, 100.0f, {}, plain.data());
  RopeAngles(5, 4, 100.0f, {1.0f, 4.0f}, scaled.data());
  EXPECT_FLOAT_EQ(scaled[0], plain[0]);
  EXPECT_NEAR(scaled[2], std::cos(0.5f / 4.0f), 1e-6);
  EXPECT_NEAR(scaled[3], std::sin(0.5f / 4.0f), 1e-6);
}

TEST(Rope, NeoxModeRotatesDimensionIWithDimensionIPlusHalf) {
  // n_rot 4, base 100: pair (0, 2) turns by pos, pair (1, 3) by pos / 10.
  std::vector<float> angles(4);
  RopeAngles(3, 4, 100.0f, {}, angles.data());
  std::vector<float> head = {1, 0, 0, 1, 9, 9};
  RopeHeadNeox(head.data(), angles.data(), 4);
  EXPECT_NEAR(head[0], std::cos(3.0f), 1e-6);
  EXPECT_NEAR(head[2], std::sin(3.0f), 1e-6);
  EXPECT_NEAR(head[1], -std::sin(0.3f), 1e-6);
  EXPECT_NEAR(head[3], std::cos(0.3f), 1e-6);
  EXPECT_EQ(head[4], 9);
  EXPECT_EQ(head[5], 9);
}

TEST(Rope, LinearScalingAndAttentionFactorScaleAnglesAndMagnitudes) {
  std::vector<float> angles(4);
  RopeAngles(8, 4, 100.0f, {}, angles.data(), 0.25f, 2.0f);
  EXPECT_NEAR(angles[0], 2.0f * std::cos(2.0f), 1e-6);
  EXPECT_NEAR(angles[1], 2.0f * std::sin(2.0f), 1e-6);
  EXPECT_NEAR(angles[3], 2.0f * std::sin(0.2f), 1e-6);
}

TEST(GeluTanhGate, RoundsInputAndOutputThroughHalfPrecision) {
  const std::vector<float> gate = {-12.0f, -1.0f, 0.0f, 0.1234567f, 1.5f, 11.0f};
  const std::vector<float> up = {2.0f, 2.0f, 2.0f, 1.0f, 1.0f, 0.5f};
  std::vector<float> out(gate.size());
  GeluTanhGate(gate.data(), up.data(), out.data(), static_cast<int64_t>(gate.size()));
  const auto gelu = [](float x) {
    return 0.5f * x * (1.0f + std::tanh(0.7978845608f * x * (1.0f + 0.044715f * x * x)));
  };
  EXPECT_EQ(out[0], 0.0f);    // <= -10: zero
  EXPECT_EQ(out[5], 5.5f);    // >= 10: the input itself
  EXPECT_EQ(out[2], 0.0f);
  for (size_t i : {1u, 3u, 4u}) {
    const float expected = HalfToFloat(FloatToHalf(gelu(HalfToFloat(FloatToHalf(gate[i]))))) * up[i];
    EXPECT_EQ(out[i], expected) << i;
  }
  // 0.1234567 is not a half: the table is indexed by its f16 rounding, so the result differs
  // from the f32 formula.
  EXPECT_NE(out[3], gelu(gate[3]));
}

TEST(SoftCap, BoundsValuesByTheCapAndKeepsSmallOnesAlmostUnchanged) {
  std::vector<float> x = {0.01f, -1000.0f, 1000.0f, 5.0f};
  SoftCapInPlace(x.data(), 4, 8.0f);
  EXPECT_NEAR(x[0], 0.01f, 1e-6);
  EXPECT_FLOAT_EQ(x[1], -8.0f);
  EXPECT_FLOAT_EQ(x[2], 8.0f);
  EXPECT_FLOAT_EQ(x[3], 8.0f * std::tanh(5.0f / 8.0f));
}

}  // namespace
}  // namespace llm::engine::model_internal
