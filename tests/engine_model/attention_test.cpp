#include "engine/model/attention.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/kernels/vec_ops.h"

namespace llm::engine::model_internal {
namespace {

std::vector<uint16_t> ToF16(const std::vector<float>& v) {
  std::vector<uint16_t> h(v.size());
  ::llm::engine::F32ToF16Row(v.data(), h.data(), static_cast<int64_t>(v.size()));
  return h;
}

TEST(Attention, FirstPositionReturnsItsOwnValue) {
  // One head of size 16, one position: the softmax is 1, the output is the value row.
  const AttentionShape shape{1, 1, 16};
  std::vector<float> q(16, 0.3f), k(16, -0.7f), v(16);
  for (int i = 0; i < 16; ++i) v[static_cast<size_t>(i)] = 0.25f * static_cast<float>(i) - 1.0f;
  std::vector<float> out(16);
  ThreadPool pool(1);
  AttentionScratch scratch;
  Attention(q.data(), 1, 0, ToF16(k).data(), ToF16(v).data(), shape, out.data(), pool, scratch);
  EXPECT_EQ(out, v);
}

TEST(Attention, IsCausalAndWeightsValuesBySoftmax) {
  // Two positions, head size 8, query . key = 8 * 0.5 * k. Token 0 sees only position 0;
  // token 1 weights both by softmax(scale * scores).
  const AttentionShape shape{1, 1, 8};
  std::vector<float> q(16, 0.5f);
  std::vector<float> k(16, 0.0f), v(16, 0.0f);
  for (int i = 0; i < 8; ++i) {
    k[static_cast<size_t>(8 + i)] = 1.0f;  // position 1: score 4
    v[static_cast<size_t>(i)] = 1.0f;      // position 0: value 1
    v[static_cast<size_t>(8 + i)] = 3.0f;  // position 1: value 3
  }
  std::vector<float> out(16);
  ThreadPool pool(2);
  AttentionScratch scratch;
  Attention(q.data(), 2, 0, ToF16(k).data(), ToF16(v).data(), shape, out.data(), pool, scratch);
  const float s1 = 4.0f / std::sqrt(8.0f);
  const float p1 = 1.0f / (1.0f + std::exp(-s1));
  for (int i = 0; i < 8; ++i) {
    EXPECT_FLOAT_EQ(out[static_cast<size_t>(i)], 1.0f);
    EXPECT_NEAR(out[static_cast<size_t>(8 + i)], (1.0f - p1) * 1.0f + p1 * 3.0f, 2e-3);
  }
}

TEST(Attention, QueryHeadsShareTheirGroupsKeyValueHead) {
  // 4 query heads over 2 KV heads: heads 0-1 read KV head 0, heads 2-3 KV head 1.
  const AttentionShape shape{4, 2, 8};
  std::vector<float> q(32, 0.1f), k(16, 0.2f), v(16);
  for (int i = 0; i < 8; ++i) {
    v[static_cast<size_t>(i)] = 1.5f;
    v[static_cast<size_t>(8 + i)] = -2.5f;
  }
  std::vector<float> out(32);
  ThreadPool pool(2);
  AttentionScratch scratch;
  Attention(q.data(), 1, 0, ToF16(k).data(), ToF16(v).data(), shape, out.data(), pool, scratch);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(out[static_cast<size_t>(i)], 1.5f);
  for (int i = 16; i < 32; ++i) EXPECT_EQ(out[static_cast<size_t>(i)], -2.5f);
}

TEST(AttentionDots, VecDotOrderAddsTheTailInDouble) {
  // n < 64: ggml_vec_dot_f16 has no SIMD block; the products are summed in double, so the
  // 1.0 survives next to 2^25 (a float running sum would drop it).
  const std::vector<float> x = {33554432.0f, 1.0f, -33554432.0f};
  const std::vector<float> y = {1.0f, 1.0f, 1.0f};
  EXPECT_EQ(VecDotOrderDot(x.data(), y.data(), 3), 1.0f);
}

TEST(AttentionDots, VecDotOrderSumsBlocksOf64InLanes) {
  // In a block of 64, element i goes to lane i % 16 of accumulator i / 16, and accumulators
  // 0 and 2 are added first: 2^25 and -2^25 cancel before the 1 joins. A running float sum
  // would give 0 (2^25 + 1 rounds back to 2^25).
  std::vector<float> x(64, 0.0f), y(64, 1.0f);
  x[0] = 33554432.0f;
  x[16] = 1.0f;
  x[32] = -33554432.0f;
  EXPECT_EQ(VecDotOrderDot(x.data(), y.data(), 64), 1.0f);
}

TEST(AttentionDots, TinyBlasOrderMatchesAPlainSumOnExactValues) {
  std::vector<float> x(32), y(32);
  float expected = 0;
  for (int i = 0; i < 32; ++i) {
    x[static_cast<size_t>(i)] = static_cast<float>(i % 7) - 3.0f;
    y[static_cast<size_t>(i)] = static_cast<float>(i % 5);
    expected += x[static_cast<size_t>(i)] * y[static_cast<size_t>(i)];
  }
  EXPECT_EQ(TinyBlasOrderDot(x.data(), y.data(), 32), expected);
  EXPECT_EQ(VecDotOrderDot(x.data(), y.data(), 32), expected);
}

TEST(Attention, SlidingWindowHidesPositionsOlderThanTheWindow) {
  // Three positions, window 2: the last token sees positions 1 and 2 only. Keys are zero, so
  // the visible values are averaged.
  AttentionShape shape{1, 1, 8};
  shape.window = 2;
  std::vector<float> q(24, 0.5f), k(24, 0.0f), v(24);
  for (int p = 0; p < 3; ++p) {
    for (int i = 0; i < 8; ++i) v[static_cast<size_t>(p * 8 + i)] = static_cast<float>(1 + 10 * p);
  }
  std::vector<float> out(24);
  ThreadPool pool(1);
  AttentionScratch scratch;
  Attention(q.data(), 3, 0, ToF16(k).data(), ToF16(v).data(), shape, out.data(), pool, scratch);
  EXPECT_FLOAT_EQ(out[0], 1.0f);
  EXPECT_FLOAT_EQ(out[8], (1.0f + 11.0f) / 2);
  EXPECT_FLOAT_EQ(out[16], (11.0f + 21.0f) / 2);  // position 0 is out of the window
}

TEST(Attention, SoftCappingBoundsTheScoresBeforeTheSoftmax) {
  // Position 1's key scores 400 against position 0's 0: uncapped, it takes all the weight;
  // capped at 1 (scale 1), the scores are tanh(400) = 1 and 0.
  AttentionShape shape{1, 1, 16};
  shape.scale = 1.0f;
  shape.softcap = 1.0f;
  std::vector<float> q(32, 5.0f), k(32, 0.0f), v(32, 0.0f);
  for (int i = 0; i < 16; ++i) {
    k[static_cast<size_t>(16 + i)] = 5.0f;
    v[static_cast<size_t>(16 + i)] = 1.0f;
  }
  std::vector<float> out(32);
  ThreadPool pool(1);
  AttentionScratch scratch;
  Attention(q.data(), 2, 0, ToF16(k).data(), ToF16(v).data(), shape, out.data(), pool, scratch);
  const float p1 = std::exp(1.0f) / (1.0f + std::exp(1.0f));
  EXPECT_NEAR(out[16], p1, 1e-3);
}

}  // namespace
}  // namespace llm::engine::model_internal
