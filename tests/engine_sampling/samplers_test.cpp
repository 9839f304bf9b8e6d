// Each sampler of the chain on small hand-checked distributions.
#include "engine/sampling/samplers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace llm::engine {
namespace {

CandidateSet FromLogits(const std::vector<float>& logits) {
  CandidateSet c;
  for (size_t i = 0; i < logits.size(); ++i) {
    c.items.push_back({static_cast<int32_t>(i), logits[i], 0.0f});
  }
  return c;
}

// Logits whose softmax is exactly the given probabilities.
CandidateSet FromProbs(const std::vector<float>& probs) {
  std::vector<float> logits;
  for (float p : probs) logits.push_back(std::log(p));
  return FromLogits(logits);
}

std::vector<int32_t> Ids(const CandidateSet& c) {
  std::vector<int32_t> ids;
  for (const auto& t : c.items) ids.push_back(t.id);
  return ids;
}

TEST(Softmax, NormalisesInPlaceWithoutReordering) {
  CandidateSet c = FromProbs({0.15f, 0.5f, 0.05f, 0.3f});
  SoftmaxCandidates(c);
  EXPECT_EQ(Ids(c), (std::vector<int32_t>{0, 1, 2, 3}));
  EXPECT_NEAR(c.items[0].p, 0.15f, 1e-6);
  EXPECT_NEAR(c.items[1].p, 0.5f, 1e-6);
  EXPECT_NEAR(c.items[2].p, 0.05f, 1e-6);
}

TEST(Softmax, PutsAllMassOnTheTopWhenEveryOtherLogitIsMinusInfinity) {
  const float inf = std::numeric_limits<float>::infinity();
  CandidateSet c = FromLogits({-inf, -inf, -inf});
  SoftmaxCandidates(c);
  EXPECT_EQ(c.items[0].p, 1.0f);
  EXPECT_EQ(c.items[1].p, 0.0f);
}

TEST(TopP, NeedsOnlyAPartialSortOfALargeVocabulary) {
  // 1000 tokens: token 999 holds half the mass, the rest share the other half evenly.
  std::vector<float> probs(1000, 0.5f / 999);
  probs[999] = 0.5f;
  CandidateSet c = FromProbs(probs);
  MakeTopPSampler(0.75f)->Apply(c);
  // 0.5 + n * 0.5/999 >= 0.75 first holds at n = 500 (floating sums may add one).
  ASSERT_GE(c.items.size(), 501u);
  ASSERT_LE(c.items.size(), 502u);
  EXPECT_EQ(c.items[0].id, 999);
  for (size_t i = 2; i < c.items.size(); ++i) EXPECT_LT(c.items[i - 1].id, c.items[i].id);
}

TEST(Softmax, BreaksTiesByLowestId) {
  CandidateSet c = FromLogits({1.0f, 3.0f, 3.0f, 1.0f});
  SortCandidates(c);
  EXPECT_EQ(Ids(c), (std::vector<int32_t>{1, 2, 0, 3}));
}

TEST(TopK, KeepsTheKHighestLogits) {
  CandidateSet c = FromLogits({0.1f, 2.0f, -1.0f, 1.5f, 0.7f});
  MakeTopKSampler(2)->Apply(c);
  EXPECT_EQ(Ids(c), (std::vector<int32_t>{1, 3}));
  EXPECT_TRUE(c.sorted);
}

TEST(TopK, ZeroOrNegativeIsOffAndKLargerThanVocabKeepsAll) {
  CandidateSet c = FromLogits({0.1f, 2.0f, -1.0f});
  MakeTopKSampler(0)->Apply(c);
  EXPECT_EQ(c.items.size(), 3u);
  MakeTopKSampler(10)->Apply(c);
  EXPECT_EQ(Ids(c), (std::vector<int32_t>{1, 0, 2}));
}

TEST(TopP, KeepsTheSmallestHeadReachingP) {
  // Probabilities 0.5, 0.3, 0.15, 0.05: mass 0.8 after two, 0.95 after three.
  CandidateSet c = FromProbs({0.05f, 0.3f, 0.5f, 0.15f});
  MakeTopPSampler(0.75f)->Apply(c);
  EXPECT_EQ(Ids(c), (std::vector<int32_t>{2, 1}));

  CandidateSet d = FromProbs({0.05f, 0.3f, 0.5f, 0.15f});
  MakeTopPSampler(0.85f)->Apply(d);
  EXPECT_EQ(Ids(d), (std::vector<int32_t>{2, 1, 3}));
}

TEST(TopP, AlwaysKeepsAtLeastOneAndOneIsOff) {
  CandidateSet c = FromProbs({0.5f, 0.3f, 0.2f});
  MakeTopPSampler(0.0f)->Apply(c);
  EXPECT_EQ(Ids(c), (std::vector<int32_t>{0}));
  CandidateSet d = FromProbs({0.5f, 0.3f, 0.2f});
  MakeTopPSampler(1.0f)->Apply(d);
  EXPECT_EQ(d.items.size(), 3u);
}

TEST(MinP, DropsTokensBelowPTimesTheTopProbability) {
  // Top probability 0.5; min_p 0.2 keeps p >= 0.1: the 0.05 token goes.
  CandidateSet c = FromProbs({0.5f, 0.3f, 0.15f, 0.05f});
  MakeMinPSampler(0.2f)->Apply(c);
  EXPECT_EQ(Ids(c), (std::vector<int32_t>{0, 1, 2}));
  // min_p 0.5 keeps p >= 0.25.
  CandidateSet d = FromProbs({0.5f, 0.3f, 0.15f, 0.05f});
  MakeMinPSampler(0.5f)->Apply(d);
  EXPECT_EQ(Ids(d), (std::vector<int32_t>{0, 1}));
}

TEST(MinP, ZeroIsOff) {
  CandidateSet c = FromProbs({0.5f, 0.3f, 0.15f, 0.05f});
  MakeMinPSampler(0.0f)->Apply(c);
  EXPECT_EQ(c.items.size(), 4u);
}

TEST(Temperature, DividesEveryLogit) {
  CandidateSet c = FromLogits({1.0f, -2.0f, 0.5f});
  MakeTemperatureSampler(0.5f)->Apply(c);
  EXPECT_FLOAT_EQ(c.items[0].logit, 2.0f);
  EXPECT_FLOAT_EQ(c.items[1].logit, -4.0f);
  EXPECT_FLOAT_EQ(c.items[2].logit, 1.0f);
}

TEST(Greedy, SelectsTheArgmaxAndTheLowestIdOnTies) {
  CandidateSet c = FromLogits({0.1f, 4.0f, -1.0f, 4.0f});
  MakeGreedySampler()->Apply(c);
  EXPECT_EQ(c.selected, 1);
}

TEST(Penalties, RepeatDividesPositiveAndMultipliesNegativeLogits) {
  auto penalties = MakePenaltySampler(2.0f, 64, 0.0f, 0.0f);
  penalties->Accept(0);
  penalties->Accept(1);
  CandidateSet c = FromLogits({3.0f, -1.5f, 1.0f, 0.0f});
  penalties->Apply(c);
  EXPECT_FLOAT_EQ(c.items[0].logit, 1.5f);
  EXPECT_FLOAT_EQ(c.items[1].logit, -3.0f);
  EXPECT_FLOAT_EQ(c.items[2].logit, 1.0f);  // never seen: untouched
  EXPECT_FLOAT_EQ(c.items[3].logit, 0.0f);
}

TEST(Penalties, FrequencyScalesWithCountAndPresenceIsFlat) {
  auto penalties = MakePenaltySampler(1.0f, 64, 0.5f, 0.25f);
  for (int32_t t : {2, 2, 2, 1}) penalties->Accept(t);
  CandidateSet c = FromLogits({1.0f, 1.0f, 1.0f});
  penalties->Apply(c);
  EXPECT_FLOAT_EQ(c.items[0].logit, 1.0f);
  EXPECT_FLOAT_EQ(c.items[1].logit, 1.0f - 0.5f - 0.25f);
  EXPECT_FLOAT_EQ(c.items[2].logit, 1.0f - 3 * 0.5f - 0.25f);
}

TEST(Penalties, RepeatAppliesBeforeFrequencyAndPresence) {
  auto penalties = MakePenaltySampler(2.0f, 64, 0.5f, 1.0f);
  penalties->Accept(0);
  penalties->Accept(0);
  CandidateSet c = FromLogits({4.0f});
  penalties->Apply(c);
  EXPECT_FLOAT_EQ(c.items[0].logit, 4.0f / 2.0f - 2 * 0.5f - 1.0f);
}

TEST(Penalties, OnlyTheLastNTokensCount) {
  auto penalties = MakePenaltySampler(2.0f, 2, 0.0f, 0.0f);
  for (int32_t t : {0, 1, 2}) penalties->Accept(t);  // token 0 has left the window
  CandidateSet c = FromLogits({2.0f, 2.0f, 2.0f});
  penalties->Apply(c);
  EXPECT_FLOAT_EQ(c.items[0].logit, 2.0f);
  EXPECT_FLOAT_EQ(c.items[1].logit, 1.0f);
  EXPECT_FLOAT_EQ(c.items[2].logit, 1.0f);
}

TEST(Penalties, WindowOfZeroIsOffAndResetForgets) {
  auto off = MakePenaltySampler(2.0f, 0, 1.0f, 1.0f);
  off->Accept(0);
  CandidateSet c = FromLogits({2.0f});
  off->Apply(c);
  EXPECT_FLOAT_EQ(c.items[0].logit, 2.0f);

  auto on = MakePenaltySampler(2.0f, -1, 0.0f, 0.0f);
  on->Accept(0);
  on->Reset();
  on->Apply(c);
  EXPECT_FLOAT_EQ(c.items[0].logit, 2.0f);
}

TEST(Penalties, FindsTokensAfterTheSetWasReordered) {
  auto penalties = MakePenaltySampler(2.0f, 64, 0.0f, 0.0f);
  penalties->Accept(2);
  CandidateSet c = FromLogits({1.0f, 2.0f, 4.0f});
  SortCandidates(c);  // ids now 2, 1, 0: index != id
  penalties->Apply(c);
  const float expected_by_id[] = {1.0f, 2.0f, 4.0f / 2.0f};
  for (const auto& t : c.items) EXPECT_FLOAT_EQ(t.logit, expected_by_id[t.id]) << t.id;
}

TEST(Dist, SelectsOnlyAmongTheCandidatesLeft) {
  auto dist = MakeDistSampler(7);
  for (int i = 0; i < 50; ++i) {
    CandidateSet c = FromProbs({0.1f, 0.6f, 0.3f});
    MakeTopKSampler(2)->Apply(c);
    dist->Apply(c);
    ASSERT_GE(c.selected, 0);
    EXPECT_NE(c.items[c.selected].id, 0);
  }
}

}  // namespace
}  // namespace llm::engine
