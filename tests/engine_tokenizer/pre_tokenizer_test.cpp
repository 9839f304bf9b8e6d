#include "engine/tokenizer/pre_tokenizer.h"

#include <gtest/gtest.h>

namespace llm::engine {
namespace {

std::vector<std::string> Split(PreTokenizerType type, const std::string& text) {
  auto pre = PreTokenizer::Create(type);
  EXPECT_TRUE(pre.ok()) << pre.status().ToString();
  return pre.ok() ? (*pre)->SplitRaw(text) : std::vector<std::string>{};
}

using Words = std::vector<std::string>;

TEST(PreTokenizer, EveryPatternListCompiles) {
  for (int t = static_cast<int>(PreTokenizerType::kDefault); t <= static_cast<int>(PreTokenizerType::kJais); ++t) {
    EXPECT_TRUE(PreTokenizer::Create(static_cast<PreTokenizerType>(t)).ok()) << t;
  }
}

TEST(PreTokenizer, Gpt2SplitsContractionsWordsAndTrailingSpaces) {
  EXPECT_EQ(Split(PreTokenizerType::kGpt2, "Hello world's  end"),
            (Words{"Hello", " world", "'s", " ", " end"}));
  EXPECT_EQ(Split(PreTokenizerType::kGpt2, "a\n\nb"), (Words{"a", "\n", "\n", "b"}));
}

TEST(PreTokenizer, Llama3GroupsDigitsByThreeAndKeepsNewlinesTogether) {
  EXPECT_EQ(Split(PreTokenizerType::kLlama3, "12345 x"), (Words{"123", "45", " x"}));
  EXPECT_EQ(Split(PreTokenizerType::kLlama3, "a \n\n b"), (Words{"a", " \n\n", " b"}));
  EXPECT_EQ(Split(PreTokenizerType::kLlama3, "I'M"), (Words{"I", "'M"}));
}

TEST(PreTokenizer, Qwen2SplitsEveryDigit) {
  EXPECT_EQ(Split(PreTokenizerType::kQwen2, "x 123"), (Words{"x", " ", "1", "2", "3"}));
}

TEST(PreTokenizer, DeepseekLlmSeparatesLettersPunctuationCjkAndDigits) {
  EXPECT_EQ(Split(PreTokenizerType::kDeepseekLlm, "Hi, \xCE\xA9\xCE\xB1\xE4\xBD\xA0\xE5\xA5\xBD 42\n"),
            (Words{"Hi", ",", " \xCE\xA9\xCE\xB1", "\xE4\xBD\xA0\xE5\xA5\xBD", " ", "42", "\n"}));
  // The punctuation class [!-/:-~] also spans ASCII letters, so in a mixed word the ASCII
  // run is split off (as in llama.cpp and Hugging Face).
  EXPECT_EQ(Split(PreTokenizerType::kDeepseekLlm, " \xCE\xA9mega"), (Words{" \xCE\xA9", "mega"}));
}

TEST(PreTokenizer, AppliesRegexListsInSequence) {
  // starcoder: digits first, then the gpt-2 regex on what is left.
  EXPECT_EQ(Split(PreTokenizerType::kStarcoder, "ab12 c"), (Words{"ab", "1", "2", " c"}));
}

TEST(PreTokenizer, TreatsNextLineAsWhitespaceLikeLlamaCpp) {
  // U+0085 is White_Space (llama.cpp's \s) though PCRE2's \s leaves it out.
  EXPECT_EQ(Split(PreTokenizerType::kGpt2, "a\xC2\x85\xC2\x85"), (Words{"a", "\xC2\x85\xC2\x85"}));
}

TEST(PreTokenizer, ReplacesInvalidUtf8WithReplacementCharacter) {
  EXPECT_EQ(Split(PreTokenizerType::kGpt2, "a\xFF"), (Words{"a", "\xEF\xBF\xBD"}));
}

TEST(PreTokenizer, SplitEncodesBytesInTheByteAlphabet) {
  auto pre = PreTokenizer::Create(PreTokenizerType::kGpt2);
  ASSERT_TRUE(pre.ok());
  EXPECT_EQ((*pre)->Split(" a"), (Words{"\xC4\xA0" "a"}));
}

TEST(PreTokenizer, ReportsAPatternThatDoesNotCompile) {
  auto pre = PreTokenizer::FromPatterns({"(unclosed"});
  ASSERT_FALSE(pre.ok());
  EXPECT_NE(pre.status().message().find("(unclosed"), std::string::npos);
}

}  // namespace
}  // namespace llm::engine
