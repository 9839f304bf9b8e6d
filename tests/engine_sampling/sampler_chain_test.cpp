// The default chain: greedy, seeds, the distribution over many draws, parameter validation.
#include "engine/sampling/sampler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace llm::engine {
namespace {

SamplingParams Greedy() {
  SamplingParams p;
  p.temperature = 0.0f;
  return p;
}

// Full distribution sampling: every truncation off.
SamplingParams Plain(uint64_t seed) {
  SamplingParams p;
  p.temperature = 1.0f;
  p.top_k = 0;
  p.top_p = 1.0f;
  p.min_p = 0.0f;
  p.seed = seed;
  return p;
}

std::vector<float> LogProbs(const std::vector<float>& probs) {
  std::vector<float> logits;
  for (float p : probs) logits.push_back(std::log(p));
  return logits;
}

std::vector<int32_t> Draw(SamplerChain& chain, const std::vector<float>& logits, int n) {
  std::vector<int32_t> out;
  for (int i = 0; i < n; ++i) out.push_back(chain.Sample(logits));
  return out;
}

TEST(SamplerChain, GreedyEqualsArgmax) {
  SamplerChain chain(Greedy());
  const std::vector<float> logits = {0.3f, -1.0f, 7.5f, 7.4f, 2.0f};
  EXPECT_EQ(chain.Sample(logits), 2);
  const std::vector<float> ties = {1.0f, 5.0f, 5.0f};
  EXPECT_EQ(chain.Sample(ties), 1);
}

TEST(SamplerChain, GreedyOnALargeRowFindsTheFirstMaximumAnywhere) {
  SamplerChain chain(Greedy());
  std::vector<float> logits(1003);
  for (size_t i = 0; i < logits.size(); ++i) logits[i] = std::sin(static_cast<float>(i));
  logits[613] = 9.0f;
  logits[37] = 9.0f;
  EXPECT_EQ(chain.Sample(logits), 37);
  logits[1002] = 10.0f;  // in the tail after the last full group of lanes
  EXPECT_EQ(chain.Sample(logits), 1002);
  logits[500] = NAN;
  EXPECT_EQ(chain.Sample(logits), 1002);
}

TEST(SamplerChain, GreedyStillAppliesRepetitionPenalty) {
  SamplingParams p = Greedy();
  p.repeat_penalty = 2.0f;
  SamplerChain chain(p);
  const std::vector<float> logits = {3.0f, 2.0f};
  EXPECT_EQ(chain.Sample(logits), 0);
  chain.Accept(0);  // 3 / 2 = 1.5 < 2
  EXPECT_EQ(chain.Sample(logits), 1);
  chain.Reset();
  EXPECT_EQ(chain.Sample(logits), 0);
}

TEST(SamplerChain, SameSeedReproducesTheRun) {
  const std::vector<float> logits = LogProbs({0.2f, 0.2f, 0.2f, 0.2f, 0.2f});
  SamplerChain a(Plain(1234));
  SamplerChain b(Plain(1234));
  EXPECT_EQ(Draw(a, logits, 200), Draw(b, logits, 200));
  EXPECT_EQ(a.seed(), 1234u);
}

TEST(SamplerChain, DifferentSeedsDiffer) {
  const std::vector<float> logits = LogProbs({0.2f, 0.2f, 0.2f, 0.2f, 0.2f});
  SamplerChain a(Plain(1));
  SamplerChain b(Plain(2));
  EXPECT_NE(Draw(a, logits, 100), Draw(b, logits, 100));
}

TEST(SamplerChain, SeedsAbove32BitsAreDistinct) {
  const std::vector<float> logits = LogProbs({0.2f, 0.2f, 0.2f, 0.2f, 0.2f});
  SamplerChain a(Plain(5));
  SamplerChain b(Plain((uint64_t{1} << 32) + 5));
  EXPECT_NE(Draw(a, logits, 100), Draw(b, logits, 100));
}

TEST(SamplerChain, ResetRestartsTheRandomStream) {
  const std::vector<float> logits = LogProbs({0.25f, 0.25f, 0.25f, 0.25f});
  SamplerChain chain(Plain(99));
  const auto first = Draw(chain, logits, 50);
  chain.Reset();
  EXPECT_EQ(Draw(chain, logits, 50), first);
}

TEST(SamplerChain, RandomSeedIsDrawnAndReported) {
  SamplerChain chain(Plain(kRandomSeed));
  SamplerChain replay(Plain(chain.seed()));
  const std::vector<float> logits = LogProbs({0.25f, 0.25f, 0.25f, 0.25f});
  EXPECT_EQ(Draw(chain, logits, 50), Draw(replay, logits, 50));
}

TEST(SamplerChain, FrequenciesFollowTheDistribution) {
  const std::vector<float> probs = {0.5f, 0.25f, 0.15f, 0.1f};
  const std::vector<float> logits = LogProbs(probs);
  SamplerChain chain(Plain(42));
  constexpr int kDraws = 100000;
  std::vector<int> counts(probs.size(), 0);
  for (int i = 0; i < kDraws; ++i) ++counts[chain.Sample(logits)];
  for (size_t t = 0; t < probs.size(); ++t) {
    EXPECT_NEAR(counts[t] / static_cast<double>(kDraws), probs[t], 0.01) << "token " << t;
  }
}

TEST(SamplerChain, TemperatureSharpensTheDistribution) {
  const std::vector<float> logits = LogProbs({0.6f, 0.4f});
  SamplingParams cold = Plain(3);
  cold.temperature = 0.25f;  // p ∝ p^4: 0.835 / 0.165
  SamplerChain chain(cold);
  int zeros = 0;
  for (int i = 0; i < 20000; ++i) zeros += chain.Sample(logits) == 0;
  const double expected = std::pow(0.6, 4) / (std::pow(0.6, 4) + std::pow(0.4, 4));
  EXPECT_NEAR(zeros / 20000.0, expected, 0.01);
}

TEST(SamplerChain, TopKRunsBeforeTemperature) {
  SamplingParams p = Plain(5);
  p.top_k = 1;
  p.temperature = 2.0f;
  SamplerChain chain(p);
  const std::vector<float> logits = LogProbs({0.3f, 0.34f, 0.36f});
  for (int32_t t : Draw(chain, logits, 100)) EXPECT_EQ(t, 2);
}

TEST(SamplerChain, MinPDropsUnlikelyTokensBeforeSampling) {
  SamplingParams p = Plain(11);
  p.min_p = 0.5f;  // keeps p >= 0.25
  SamplerChain chain(p);
  const std::vector<float> logits = LogProbs({0.5f, 0.3f, 0.15f, 0.05f});
  for (int32_t t : Draw(chain, logits, 500)) EXPECT_LE(t, 1);
}

TEST(SamplerChain, PresencePenaltyShiftsTheDistribution) {
  SamplingParams p = Plain(8);
  p.presence_penalty = 2.0f;
  SamplerChain chain(p);
  chain.Accept(0);
  const std::vector<float> logits = {0.0f, 0.0f};  // 50/50, then e^-2 : 1 against token 0
  int zeros = 0;
  for (int i = 0; i < 20000; ++i) zeros += chain.Sample(logits) == 0;
  EXPECT_NEAR(zeros / 20000.0, std::exp(-2.0) / (1.0 + std::exp(-2.0)), 0.01);
}

TEST(SamplerChain, NaNLogitsAreNeverPicked) {
  std::vector<float> logits(5000, NAN);
  logits[1234] = 0.5f;
  logits[4321] = 0.25f;
  SamplingParams p = Plain(3);
  p.top_p = 0.9f;  // sorts part of the row
  SamplerChain chain(p);
  for (int32_t t : Draw(chain, logits, 200)) EXPECT_TRUE(t == 1234 || t == 4321) << t;
  SamplingParams greedy = Greedy();
  greedy.repeat_penalty = 1.5f;  // the candidate-set path
  SamplerChain g(greedy);
  EXPECT_EQ(g.Sample(logits), 1234);
}

TEST(SamplerChain, DescribesItsLinksInLlamaCppOrder) {
  SamplingParams p;
  p.seed = 42;
  EXPECT_EQ(SamplerChain(p).Describe(),
            "penalties(last_n=64, repeat=1.000, frequency=0.000, presence=0.000) -> top-k(40) -> "
            "top-p(0.950) -> min-p(0.050) -> temperature(0.800) -> dist(seed=42)");
  p.temperature = 0.0f;
  EXPECT_EQ(SamplerChain(p).Describe(),
            "penalties(last_n=64, repeat=1.000, frequency=0.000, presence=0.000) -> greedy");
}

TEST(ValidateSamplingParams, AcceptsDefaultsAndOpenAIExtremes) {
  EXPECT_TRUE(ValidateSamplingParams(SamplingParams{}).ok());
  SamplingParams p;
  p.temperature = 2.0f;
  p.top_p = 0.0f;
  p.frequency_penalty = -2.0f;
  p.presence_penalty = 2.0f;
  p.repeat_last_n = -1;
  EXPECT_TRUE(ValidateSamplingParams(p).ok());
}

TEST(ValidateSamplingParams, NamesTheFieldOutOfRange) {
  struct Case {
    void (*mutate)(SamplingParams&);
    const char* field;
  };
  const Case cases[] = {
      {[](SamplingParams& p) { p.temperature = -0.1f; }, "temperature"},
      {[](SamplingParams& p) { p.temperature = 2.5f; }, "temperature"},
      {[](SamplingParams& p) { p.temperature = NAN; }, "temperature"},
      {[](SamplingParams& p) { p.top_p = 1.5f; }, "top_p"},
      {[](SamplingParams& p) { p.min_p = -0.5f; }, "min_p"},
      {[](SamplingParams& p) { p.frequency_penalty = 2.5f; }, "frequency_penalty"},
      {[](SamplingParams& p) { p.presence_penalty = -3.0f; }, "presence_penalty"},
      {[](SamplingParams& p) { p.repeat_penalty = 0.0f; }, "repeat_penalty"},
      {[](SamplingParams& p) { p.repeat_last_n = -2; }, "repeat_last_n"},
  };
  for (const Case& c : cases) {
    SamplingParams p;
    c.mutate(p);
    const Status s = ValidateSamplingParams(p);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(s.message().rfind(c.field, 0), 0u) << s.message();
  }
}

TEST(SamplerChain, LogitBiasShiftsGreedyAndAMinusInfinityBiasBansAToken) {
  const std::vector<float> logits = {1.0f, 3.0f, 2.0f, 0.5f};
  SamplingParams boosted = Greedy();
  boosted.logit_bias = {{3, 2.6f}};
  EXPECT_EQ(SamplerChain(boosted).Sample(logits), 3);
  SamplingParams banned = Greedy();
  banned.logit_bias = {{1, -std::numeric_limits<float>::infinity()}};
  EXPECT_EQ(SamplerChain(banned).Sample(logits), 2);
  SamplingParams out_of_row = Greedy();
  out_of_row.logit_bias = {{99, 100.0f}};
  EXPECT_EQ(SamplerChain(out_of_row).Sample(logits), 1);
}

TEST(SamplerChain, ABannedTokenIsNeverDrawn) {
  SamplingParams p = Plain(7);
  p.logit_bias = {{0, -std::numeric_limits<float>::infinity()}};
  SamplerChain chain(p);
  for (int32_t id : Draw(chain, LogProbs({0.7f, 0.1f, 0.1f, 0.1f}), 500)) EXPECT_NE(id, 0);
}

}  // namespace
}  // namespace llm::engine
