#include <gtest/gtest.h>

#include <random>

#include "engine_grammar/grammar_test_util.h"
#include "engine/grammar/grammar.h"
#include "engine/grammar/grammar_constraint.h"
#include "engine/grammar/json_schema.h"

namespace llm::engine {
namespace {


// A small vocabulary: single bytes, JSON-ish pieces, multi-byte UTF-8 split across tokens,
// an empty (control) token and an end-of-generation token (the last id).
std::shared_ptr<const GrammarVocabulary> TestVocabulary() {
  std::vector<std::string> pieces = {"{", "}", "\"", "a", "b", "ab", "\"a", "\":", ":", ",", " ",
                                     "1", "12", "true", "tr", "ue", "null", "\xC3", "\xA9", "\xC3\xA9",
                                     "{\"", "\"}", "x\"", "[", "]", "-", "", "</s>"};
  std::vector<uint8_t> eog(pieces.size(), 0);
  eog.back() = 1;
  return std::make_shared<const GrammarVocabulary>(std::move(pieces), std::move(eog));
}

// The mask computed through the trie equals asking Allows() token by token.
void ExpectMaskMatchesBruteForce(GrammarConstraint& c, size_t n) {
  std::vector<uint8_t> mask;
  c.ComputeMask(&mask);
  ASSERT_EQ(mask.size(), n);
  for (size_t id = 0; id < n; ++id) {
    EXPECT_EQ(mask[id] != 0, c.Allows(static_cast<int32_t>(id))) << "token " << id;
  }
}

TEST(GrammarConstraint, MaskEqualsPerTokenCheckAlongAGeneration) {
  auto vocab = TestVocabulary();
  auto gbnf = JsonSchemaToGbnf(R"({"type":"object","properties":{"a":{"type":"string"},
      "b":{"type":"boolean"}},"required":["a"]})");
  ASSERT_TRUE(gbnf.ok());
  GrammarConstraint c(testutil::ParseOrFail(*gbnf), vocab);
  // {"a":"éé"} built from tokens (the first é split in two), checking the mask at each step.
  for (int32_t token : {20, 3, 7, 2, 17, 18, 19, 2, 1}) {
    ExpectMaskMatchesBruteForce(c, vocab->pieces.size());
    ASSERT_TRUE(c.Accept(token).ok()) << "token " << token;
  }
  EXPECT_TRUE(c.IsComplete());
  EXPECT_TRUE(c.Allows(27));  // end of generation once complete
}

TEST(GrammarConstraint, EndOfGenerationOnlyWhenTheGrammarCanEnd) {
  GrammarConstraint c(testutil::ParseOrFail("root ::= \"1\" \"2\"*"), TestVocabulary());
  EXPECT_FALSE(c.Allows(27));
  ASSERT_TRUE(c.Accept(11).ok());
  EXPECT_TRUE(c.Allows(27));
  EXPECT_FALSE(c.IsComplete());  // more 2s may follow
  EXPECT_FALSE(c.Allows(26));    // a token without text never
}

TEST(GrammarConstraint, RefusedTokenLeavesTheStateUnchanged) {
  GrammarConstraint c(testutil::ParseOrFail("root ::= \"ab\""), TestVocabulary());
  EXPECT_FALSE(c.Accept(4).ok());
  EXPECT_TRUE(c.Accept(5).ok());
  EXPECT_TRUE(c.IsComplete());
}

TEST(GrammarConstraint, RandomWalksOverTheMaskStayInsideTheGrammar) {
  auto vocab = TestVocabulary();
  auto g = ParseGrammar(AnyJsonObjectGbnf());
  ASSERT_TRUE(g.ok());
  std::mt19937 rng(7);
  for (int walk = 0; walk < 20; ++walk) {
    GrammarConstraint c(*g, vocab);
    std::vector<uint8_t> mask;
    for (int step = 0; step < 40 && !c.IsComplete(); ++step) {
      c.ComputeMask(&mask);
      std::vector<int32_t> allowed;
      for (size_t id = 0; id < mask.size(); ++id) {
        if (mask[id]) allowed.push_back(static_cast<int32_t>(id));
      }
      ASSERT_FALSE(allowed.empty()) << "dead end at step " << step;
      const int32_t pick = allowed[rng() % allowed.size()];
      if (pick == 27) break;
      ASSERT_TRUE(c.Accept(pick).ok());
    }
  }
}

}  // namespace
}  // namespace llm::engine
