#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/grammar/grammar.h"
#include "engine/grammar/grammar_constraint.h"
#include "engine/sampling/sampler.h"

namespace llm::engine {
namespace {

// Tokens: "a" "b" "c" "ab" and an end-of-generation token.
std::unique_ptr<GrammarConstraint> Constraint(std::string_view gbnf) {
  auto vocab = std::make_shared<const GrammarVocabulary>(
      std::vector<std::string>{"a", "b", "c", "ab", ""}, std::vector<uint8_t>{0, 0, 0, 0, 1});
  auto g = ParseGrammar(gbnf);
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  return std::make_unique<GrammarConstraint>(*g, vocab);
}

// Samples and accepts until the chain stops (end token, -1 or `limit` tokens): the text.
std::string Generate(SamplerChain& chain, const std::vector<float>& logits, int limit = 20) {
  const char* pieces[] = {"a", "b", "c", "ab"};
  std::string text;
  for (int i = 0; i < limit; ++i) {
    const int32_t id = chain.Sample(logits);
    if (id < 0 || id == 4) break;
    EXPECT_TRUE(chain.AcceptSampled(id).ok());
    text += pieces[id];
    if (chain.ConstraintComplete()) break;
  }
  return text;
}

TEST(ConstraintStage, GreedyPicksTheBestAllowedToken) {
  SamplingParams p;
  p.temperature = 0;
  SamplerChain chain(p, Constraint("root ::= \"b\" \"c\"+"));
  // "a" is the model's favourite, but the grammar wants b then c's; "c" beats the end token.
  EXPECT_EQ(Generate(chain, {5.0f, 1.0f, 2.0f, 4.0f, 0.0f}, 4), "bccc");
  EXPECT_NE(chain.Describe().find("grammar -> "), std::string::npos);
}

TEST(ConstraintStage, GreedyEndsWhenTheGrammarIsComplete) {
  SamplingParams p;
  p.temperature = 0;
  SamplerChain chain(p, Constraint("root ::= \"ab\" \"c\""));
  EXPECT_EQ(Generate(chain, {5.0f, 1.0f, 0.0f, 0.5f, 9.0f}), "abc");
  EXPECT_TRUE(chain.ConstraintComplete());
}

TEST(ConstraintStage, RandomSamplingOnlyProducesGrammaticalText) {
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    SamplingParams p;
    p.temperature = 1.5f;
    p.top_k = 0;
    p.top_p = 1.0f;
    p.min_p = 0.0f;
    p.seed = seed;
    SamplerChain chain(p, Constraint("root ::= (\"a\" | \"b\")+ \"c\""));
    const std::string text = Generate(chain, {0.0f, 0.0f, 1.0f, 3.0f, 2.0f}, 1000);
    ASSERT_GE(text.size(), 2u);
    EXPECT_EQ(text.back(), 'c') << text;
    EXPECT_EQ(text.find('c'), text.size() - 1) << text;
  }
}

TEST(ConstraintStage, ReturnsMinusOneWhenNothingIsAllowed) {
  SamplingParams p;
  p.temperature = 0;
  SamplerChain chain(p, Constraint("root ::= \"x\""));
  EXPECT_EQ(chain.Sample(std::vector<float>{1, 2, 3, 4, 5}), -1);
}

TEST(ConstraintStage, AcceptSampledRefusesATokenOutsideTheGrammar) {
  SamplerChain chain(SamplingParams{}, Constraint("root ::= \"a\""));
  EXPECT_FALSE(chain.AcceptSampled(1).ok());
  EXPECT_TRUE(chain.AcceptSampled(0).ok());
}

}  // namespace
}  // namespace llm::engine
