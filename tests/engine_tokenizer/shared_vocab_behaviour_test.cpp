// Behaviour of the real vocabularies beyond the conformance vectors: special tokens, EOG,
// BOS flags, decoding.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine_tokenizer/shared_data.h"

namespace llm::engine {
namespace {

using testing::LoadSharedTokenizer;

TEST(Llama3Vocab, ParsesControlTokensOnlyWhenAsked) {
  auto tok = LoadSharedTokenizer("testdata/vocab/ggml-vocab-llama3.gguf");
  ASSERT_NE(tok, nullptr);
  const int32_t eot = tok->FindToken("<|eot_id|>");
  ASSERT_EQ(eot, 128009);
  const std::vector<int32_t> parsed = tok->Encode("Hi<|eot_id|>", false, true);
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[1], eot);
  const std::vector<int32_t> literal = tok->Encode("Hi<|eot_id|>", false, false);
  EXPECT_GT(literal.size(), 2u);
  EXPECT_EQ(std::count(literal.begin(), literal.end(), eot), 0);
  EXPECT_EQ(tok->Decode(literal, false), "Hi<|eot_id|>");
}

TEST(Llama3Vocab, MarksEndOfGenerationAndBos) {
  auto tok = LoadSharedTokenizer("testdata/vocab/ggml-vocab-llama3.gguf");
  ASSERT_NE(tok, nullptr);
  EXPECT_EQ(tok->model_name(), "gpt2");
  EXPECT_EQ(tok->pre_name(), "llama-bpe");
  EXPECT_TRUE(tok->ShouldAddBos());
  EXPECT_EQ(tok->bos_id(), 128000);
  EXPECT_EQ(tok->Encode("Hello", true, false).front(), 128000);
  EXPECT_TRUE(tok->IsEndOfGeneration(128009));  // <|eot_id|>
  EXPECT_TRUE(tok->IsEndOfGeneration(128001));  // eos <|end_of_text|>
  EXPECT_FALSE(tok->IsEndOfGeneration(128000));
  EXPECT_FALSE(tok->IsEndOfGeneration(9906));
  EXPECT_EQ(tok->TokenToPiece(128009, false), "");
  EXPECT_EQ(tok->TokenToPiece(128009, true), "<|eot_id|>");
}

TEST(Qwen3Vocab, ImEndAndEndOfTextEndGenerationWithoutBos) {
  auto tok = LoadSharedTokenizer("testdata/vocab/ggml-vocab-qwen3.gguf");
  ASSERT_NE(tok, nullptr);
  EXPECT_FALSE(tok->ShouldAddBos());
  EXPECT_TRUE(tok->IsEndOfGeneration(tok->FindToken("<|im_end|>")));
  EXPECT_TRUE(tok->IsEndOfGeneration(tok->FindToken("<|endoftext|>")));
  const auto ids = tok->Encode("<|im_start|>user\nhi<|im_end|>", true, true);
  EXPECT_EQ(ids.front(), tok->FindToken("<|im_start|>"));
  EXPECT_EQ(ids.back(), tok->FindToken("<|im_end|>"));
}

TEST(SpmVocab, AddsBosAndASpacePrefixAndDecodesBack) {
  auto tok = LoadSharedTokenizer("testdata/vocab/ggml-vocab-llama-spm.gguf");
  ASSERT_NE(tok, nullptr);
  const auto ids = tok->Encode("Hello world", true, false);
  ASSERT_GE(ids.size(), 3u);
  EXPECT_EQ(ids[0], 1);
  EXPECT_EQ(tok->TokenToPiece(ids[1], false), " Hello");
  EXPECT_EQ(tok->Decode(std::vector<int32_t>(ids.begin() + 1, ids.end()), false), "Hello world");
  EXPECT_TRUE(tok->IsEndOfGeneration(2));
}

TEST(SpmVocab, FallsBackToByteTokensForUnknownCharacters) {
  auto tok = LoadSharedTokenizer("testdata/vocab/ggml-vocab-llama-spm.gguf");
  ASSERT_NE(tok, nullptr);
  const std::string text = "\xF0\x9F\xA6\x99";  // U+1F999, not in the vocabulary
  const auto ids = tok->Encode(text, false, false);
  std::string bytes;
  for (int32_t id : ids) bytes += tok->TokenToPiece(id, false);
  EXPECT_EQ(bytes, " " + text);
  EXPECT_EQ(tok->Decode(ids, false), text);
}

TEST(Phi3Vocab, StripsSpacesAfterSpecialTokens) {
  auto tok = LoadSharedTokenizer("testdata/vocab/ggml-vocab-phi-3.gguf");
  ASSERT_NE(tok, nullptr);
  const int32_t user = tok->FindToken("<|user|>");
  const auto a = tok->Encode("<|user|>\nHi", false, true);
  const auto b = tok->Encode("<|user|>Hi", false, true);
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a.front(), user);
  EXPECT_EQ(a, b);  // rstrip drops the newline after <|user|>
  EXPECT_TRUE(tok->IsEndOfGeneration(tok->FindToken("<|end|>")));
}

TEST(RoundTrip, DecodeOfEncodeGivesTheTextBack) {
  const char* texts[] = {"Hello, world!", "  leading and trailing  ", "tab\tand\nnewline",
                         "Unicode: \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x81 \xE4\xBD\xA0\xE5\xA5\xBD", "3.14159"};
  for (const char* vocab : {"ggml-vocab-llama-spm", "ggml-vocab-gpt-2", "ggml-vocab-llama3",
                            "ggml-vocab-qwen3", "ggml-vocab-deepseek-coder", "ggml-vocab-phi-3"}) {
    auto tok = LoadSharedTokenizer(std::string("testdata/vocab/") + vocab + ".gguf");
    ASSERT_NE(tok, nullptr) << vocab;
    for (const char* text : texts) {
      EXPECT_EQ(tok->Decode(tok->Encode(text, false, false), false), text) << vocab << ": " << text;
    }
  }
}

TEST(CleanSpaces, Gpt2DecodingRemovesSpacesBeforePunctuation) {
  auto tok = LoadSharedTokenizer("testdata/vocab/ggml-vocab-gpt-2.gguf");
  ASSERT_NE(tok, nullptr);
  EXPECT_EQ(tok->Decode(tok->Encode("Hi , there !", false, false), false), "Hi, there!");
  EXPECT_EQ(tok->Decode(tok->Encode("it 's", false, false), false), "it's");
}

}  // namespace
}  // namespace llm::engine
