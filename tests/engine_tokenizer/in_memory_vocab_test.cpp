// The merge algorithms and the special-token partition on small vocabularies built in memory.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/tokenizer/tokenizer.h"
#include "engine/tokenizer/unicode_util.h"

namespace llm::engine {
namespace {

constexpr const char* kSpace = "\xE2\x96\x81";  // U+2581

// A SentencePiece vocabulary: <unk> <s> </s>, the 256 byte tokens, then `pieces` with scores.
VocabularySpec SpmSpec(const std::vector<std::pair<std::string, float>>& pieces) {
  VocabularySpec spec;
  spec.model = "llama";
  spec.tokens = {"<unk>", "<s>", "</s>"};
  spec.token_types = {2, 3, 3};
  spec.scores = {0, 0, 0};
  for (int b = 0; b < 256; ++b) {
    char buf[8];
    std::snprintf(buf, sizeof(buf), "<0x%02X>", b);
    spec.tokens.push_back(buf);
    spec.token_types.push_back(6);
    spec.scores.push_back(0);
  }
  for (const auto& [text, score] : pieces) {
    spec.tokens.push_back(text);
    spec.token_types.push_back(1);
    spec.scores.push_back(score);
  }
  return spec;
}

std::unique_ptr<Tokenizer> Build(VocabularySpec spec) {
  auto result = Tokenizer::FromSpec(std::move(spec));
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? std::move(result).value() : nullptr;
}

std::vector<std::string> Pieces(const Tokenizer& tok, const std::vector<int32_t>& ids) {
  std::vector<std::string> out;
  for (int32_t id : ids) out.push_back(tok.vocabulary().tokens[id].text);
  return out;
}

TEST(SpmTokenizer, MergesTheHighestScoringPairFirst) {
  const std::string sp = kSpace;
  auto prefers_ab = Build(SpmSpec({{sp, -1}, {"a", -1}, {"b", -1}, {sp + "a", -3}, {"ab", -2}}));
  ASSERT_NE(prefers_ab, nullptr);
  EXPECT_EQ(Pieces(*prefers_ab, prefers_ab->Encode("ab", false, false)),
            (std::vector<std::string>{sp, "ab"}));
  auto prefers_space_a = Build(SpmSpec({{sp, -1}, {"a", -1}, {"b", -1}, {sp + "a", -2}, {"ab", -3}}));
  ASSERT_NE(prefers_space_a, nullptr);
  EXPECT_EQ(Pieces(*prefers_space_a, prefers_space_a->Encode("ab", false, false)),
            (std::vector<std::string>{sp + "a", "b"}));
}

TEST(SpmTokenizer, AddsBosAndEscapesEverySpace) {
  const std::string sp = kSpace;
  auto tok = Build(SpmSpec({{sp, -1}, {"a", -1}, {sp + "a", -1}}));
  ASSERT_NE(tok, nullptr);
  EXPECT_EQ(Pieces(*tok, tok->Encode("a a", true, false)),
            (std::vector<std::string>{"<s>", sp + "a", sp + "a"}));
  EXPECT_EQ(tok->Decode(tok->Encode("a a", false, false), false), "a a");
}

TEST(SpmTokenizer, EmitsByteTokensForPiecesOutsideTheVocabulary) {
  auto tok = Build(SpmSpec({{kSpace, -1}}));
  ASSERT_NE(tok, nullptr);
  EXPECT_EQ(Pieces(*tok, tok->Encode("\xC3\xA9", false, false)),
            (std::vector<std::string>{kSpace, "<0xC3>", "<0xA9>"}));
  EXPECT_EQ(tok->TokenToPiece(tok->FindToken("<0xC3>"), false), "\xC3");
}

TEST(SpmTokenizer, HonoursAddSpacePrefixFalse) {
  VocabularySpec spec = SpmSpec({{"a", -1}});
  spec.add_space_prefix = false;
  auto tok = Build(spec);
  ASSERT_NE(tok, nullptr);
  EXPECT_EQ(Pieces(*tok, tok->Encode("a", false, false)), (std::vector<std::string>{"a"}));
}

// A byte-level BPE vocabulary: the 256 byte-alphabet tokens, then merged tokens.
VocabularySpec BpeSpec(const std::vector<std::string>& merged, const std::vector<std::string>& merges) {
  VocabularySpec spec;
  spec.model = "gpt2";
  spec.pre = "gpt-2";
  for (int b = 0; b < 256; ++b) spec.tokens.emplace_back(ByteToUnicode(static_cast<uint8_t>(b)));
  for (const std::string& t : merged) spec.tokens.push_back(t);
  spec.tokens.push_back("<|endoftext|>");
  spec.token_types.assign(spec.tokens.size(), 1);
  spec.token_types.back() = 3;
  spec.merges = merges;
  spec.eos_id = static_cast<int64_t>(spec.tokens.size() - 1);
  spec.bos_id = spec.eos_id;
  return spec;
}

TEST(BpeTokenizer, AppliesMergesInRankOrder) {
  auto lo_first = Build(BpeSpec({"lo", "ll", "hel", "he"}, {"l o", "h e", "l l", "he l"}));
  ASSERT_NE(lo_first, nullptr);
  EXPECT_EQ(Pieces(*lo_first, lo_first->Encode("hello", false, false)),
            (std::vector<std::string>{"hel", "lo"}));
  auto ll_first = Build(BpeSpec({"lo", "ll", "hel", "he"}, {"l l", "h e", "l o", "he l"}));
  ASSERT_NE(ll_first, nullptr);
  EXPECT_EQ(Pieces(*ll_first, ll_first->Encode("hello", false, false)),
            (std::vector<std::string>{"he", "ll", "o"}));
}

TEST(BpeTokenizer, EncodesSpacesAndBytesInTheByteAlphabet) {
  auto tok = Build(BpeSpec({"\xC4\xA0w"}, {"\xC4\xA0 w"}));  // "Ġw"
  ASSERT_NE(tok, nullptr);
  const auto ids = tok->Encode("a w\n", false, false);
  EXPECT_EQ(Pieces(*tok, ids), (std::vector<std::string>{"a", "\xC4\xA0w", "\xC4\x8A"}));
  EXPECT_EQ(tok->Decode(ids, false), "a w\n");
}

TEST(BpeTokenizer, EndOfTextIsControlEndOfGenerationAndParsedOnRequest) {
  auto tok = Build(BpeSpec({}, {"a b"}));
  ASSERT_NE(tok, nullptr);
  const int32_t eot = tok->FindToken("<|endoftext|>");
  EXPECT_TRUE(tok->IsEndOfGeneration(eot));
  EXPECT_EQ(tok->Encode("x<|endoftext|>", false, true).back(), eot);
  EXPECT_NE(tok->Encode("x<|endoftext|>", false, false).back(), eot);
  EXPECT_FALSE(tok->ShouldAddBos());
  EXPECT_EQ(tok->Encode("x", true, false).size(), 1u);
}

TEST(BpeTokenizer, UserDefinedTokensAreMatchedEvenWithoutParseSpecial) {
  VocabularySpec spec = BpeSpec({}, {"a b"});
  spec.tokens.push_back("<tool>");
  spec.token_types.push_back(4);
  auto tok = Build(spec);
  ASSERT_NE(tok, nullptr);
  const int32_t tool = tok->FindToken("<tool>");
  const auto ids = tok->Encode("a<tool>b", false, false);
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[1], tool);
  EXPECT_EQ(tok->TokenToPiece(tool, false), "<tool>");
}

TEST(TokenizerSpec, RejectsUnknownModelsAndPreTokenizersByName) {
  VocabularySpec bert = BpeSpec({}, {"a b"});
  bert.model = "bert";
  auto r1 = Tokenizer::FromSpec(bert);
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(r1.status().message().find("bert"), std::string::npos);
  VocabularySpec odd = BpeSpec({}, {"a b"});
  odd.pre = "my-new-pre";
  auto r2 = Tokenizer::FromSpec(odd);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(r2.status().message().find("my-new-pre"), std::string::npos);
}

TEST(TokenizerSpec, RejectsScoresShorterThanTokens) {
  VocabularySpec spec = SpmSpec({{"a", -1}});
  spec.scores.resize(3);
  EXPECT_EQ(Tokenizer::FromSpec(spec).status().code(), StatusCode::kInvalidArgument);
}

TEST(Tokenizer, OutOfRangeIdsHaveNoPiece) {
  auto tok = Build(SpmSpec({{"a", -1}}));
  ASSERT_NE(tok, nullptr);
  EXPECT_EQ(tok->TokenToPiece(-1, true), "");
  EXPECT_EQ(tok->TokenToPiece(tok->vocab_size(), true), "");
  EXPECT_EQ(tok->FindToken("zzz"), -1);
}

}  // namespace
}  // namespace llm::engine
