#include "engine/sampling/logprobs.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace llm::engine {
namespace {

TEST(Logprobs, AreTheLogOfTheSoftmaxOfTheRawLogits) {
  const std::vector<float> logits = {1.0f, 2.0f, 3.0f, 0.5f};
  double z = 0;
  for (float l : logits) z += std::exp(l);
  TokenLogprob lp = ComputeLogprob(logits, 1, 0);
  EXPECT_EQ(lp.id, 1);
  EXPECT_NEAR(lp.logprob, 2.0 - std::log(z), 1e-5);
  EXPECT_TRUE(lp.top.empty());
}

TEST(Logprobs, TopAlternativesAreTheMostLikelyFirstWithTiesByLowerId) {
  const std::vector<float> logits = {0.0f, 5.0f, 1.0f, 5.0f, 3.0f};
  TokenLogprob lp = ComputeLogprob(logits, 0, 3);
  ASSERT_EQ(lp.top.size(), 3u);
  EXPECT_EQ(lp.top[0].first, 1);
  EXPECT_EQ(lp.top[1].first, 3);
  EXPECT_EQ(lp.top[2].first, 4);
  EXPECT_FLOAT_EQ(lp.top[0].second, lp.top[1].second);
  EXPECT_LT(lp.top[2].second, lp.top[1].second);
  double total = 0;
  for (size_t i = 0; i < logits.size(); ++i) total += std::exp(ComputeLogprob(logits, static_cast<int32_t>(i), 0).logprob);
  EXPECT_NEAR(total, 1.0, 1e-5);
}

TEST(Logprobs, AskingForMoreThanTheLimitOrTheVocabularyIsBounded) {
  std::vector<float> logits(100);
  for (size_t i = 0; i < logits.size(); ++i) logits[i] = static_cast<float>(i % 17);
  EXPECT_EQ(ComputeLogprob(logits, 3, 50).top.size(), static_cast<size_t>(kMaxTopLogprobs));
  EXPECT_EQ(ComputeLogprob(std::vector<float>{1, 2}, 0, 20).top.size(), 2u);
}

TEST(Logprobs, ABannedTokenHasMinusInfinity) {
  const std::vector<float> logits = {0.0f, -std::numeric_limits<float>::infinity(), 1.0f};
  EXPECT_EQ(ComputeLogprob(logits, 1, 0).logprob, -std::numeric_limits<float>::infinity());
}

}  // namespace
}  // namespace llm::engine
