// Tokenizer::FromGguf on small files written in memory: what is read, and clear errors.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/gguf/gguf_writer.h"
#include "engine/tokenizer/tokenizer.h"

namespace llm::engine {
namespace {

// A minimal SentencePiece vocabulary: <unk> <s> </s> and a few pieces.
GgufWriter SpmWriter() {
  GgufWriter w;
  w.AddString("tokenizer.ggml.model", "llama");
  w.AddStringArray("tokenizer.ggml.tokens", {"<unk>", "<s>", "</s>", "\xE2\x96\x81", "a", "\xE2\x96\x81" "a"});
  const std::vector<float> scores = {0, 0, 0, -1, -1, -0.5f};
  w.AddArray<float>("tokenizer.ggml.scores", scores);
  const std::vector<int32_t> types = {2, 3, 3, 1, 1, 1};
  w.AddArray<int32_t>("tokenizer.ggml.token_type", types);
  return w;
}

Result<std::unique_ptr<Tokenizer>> Load(const GgufWriter& w, std::vector<uint8_t>* storage) {
  auto bytes = w.WriteToBuffer();
  if (!bytes.ok()) return bytes.status();
  *storage = std::move(bytes).value();
  auto file = GgufFile::FromBuffer(*storage);
  if (!file.ok()) return file.status();
  return Tokenizer::FromGguf(**file);
}

TEST(TokenizerFromGguf, ReadsTokensScoresTypesAndFlags) {
  GgufWriter w = SpmWriter();
  w.AddU32("tokenizer.ggml.eos_token_id", 2);
  w.AddBool("tokenizer.ggml.add_bos_token", false);
  w.AddU32("tokenizer.ggml.padding_token_id", 4294967295u);  // out of range: ignored
  std::vector<uint8_t> storage;
  auto tok = Load(w, &storage);
  ASSERT_TRUE(tok.ok()) << tok.status().ToString();
  EXPECT_EQ((*tok)->model_name(), "llama");
  EXPECT_EQ((*tok)->vocab_size(), 6);
  EXPECT_FALSE((*tok)->ShouldAddBos());
  EXPECT_EQ((*tok)->bos_id(), 1);
  EXPECT_EQ((*tok)->eos_id(), 2);
  EXPECT_EQ((*tok)->Encode("a", true, false), (std::vector<int32_t>{5}));
  EXPECT_TRUE((*tok)->IsEndOfGeneration(2));
}

TEST(TokenizerFromGguf, NamesAnUnsupportedModel) {
  GgufWriter w;
  w.AddString("tokenizer.ggml.model", "t5");
  w.AddStringArray("tokenizer.ggml.tokens", {"a"});
  std::vector<uint8_t> storage;
  auto tok = Load(w, &storage);
  ASSERT_FALSE(tok.ok());
  EXPECT_EQ(tok.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(tok.status().message().find("t5"), std::string::npos);
}

TEST(TokenizerFromGguf, NamesAnUnsupportedPreTokenizer) {
  GgufWriter w;
  w.AddString("tokenizer.ggml.model", "gpt2");
  w.AddString("tokenizer.ggml.pre", "brand-new-pre");
  w.AddStringArray("tokenizer.ggml.tokens", {"a", "b", "ab"});
  w.AddStringArray("tokenizer.ggml.merges", {"a b"});
  std::vector<uint8_t> storage;
  auto tok = Load(w, &storage);
  ASSERT_FALSE(tok.ok());
  EXPECT_EQ(tok.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(tok.status().message().find("brand-new-pre"), std::string::npos);
}

TEST(TokenizerFromGguf, ReportsMissingKeys) {
  GgufWriter no_model;
  no_model.AddStringArray("tokenizer.ggml.tokens", {"a"});
  std::vector<uint8_t> storage;
  auto a = Load(no_model, &storage);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("tokenizer.ggml.model"), std::string::npos) << a.status().ToString();

  GgufWriter no_merges;
  no_merges.AddString("tokenizer.ggml.model", "gpt2");
  no_merges.AddStringArray("tokenizer.ggml.tokens", {"a"});
  auto b = Load(no_merges, &storage);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("tokenizer.ggml.merges"), std::string::npos) << b.status().ToString();
}

TEST(TokenizerFromGguf, RejectsAKeyOfTheWrongKind) {
  GgufWriter w;
  w.AddString("tokenizer.ggml.model", "llama");
  w.AddU32("tokenizer.ggml.tokens", 7);
  std::vector<uint8_t> storage;
  auto tok = Load(w, &storage);
  ASSERT_FALSE(tok.ok());
  EXPECT_EQ(tok.status().code(), StatusCode::kInvalidArgument) << tok.status().ToString();
}

}  // namespace
}  // namespace llm::engine
