// The synthetic model generator (tools/synthetic_gguf): its quantizers and the files it writes.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "engine/gguf/gguf_reader.h"
#include "gguf_test_util.h"
#include "engine/model/session.h"
#include "synthetic_gguf/model_synth.h"
#include "synthetic_gguf/quantize.h"

namespace llm::tools {
namespace {

using engine::GgmlType;
using engine::GgufFile;

TEST(SyntheticQuantize, Q8_0KeepsEveryValueWithinHalfAStep) {
  std::vector<float> x(64);
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(static_cast<float>(i)) * (i < 32 ? 1 : 50);
  std::vector<uint8_t> q(2 * 34);
  QuantizeRowQ8_0(x.data(), q.data(), 64);
  std::vector<float> y(64);
  DequantizeRowQ8_0(q.data(), y.data(), 64);
  for (size_t i = 0; i < x.size(); ++i) {
    float step = (i < 32 ? 1.0f : 50.0f) / 127.0f;
    EXPECT_NEAR(y[i], x[i], step * 0.51f + 1e-3f * step) << i;
  }
  EXPECT_EQ(static_cast<int8_t>(q[2 + 0]), 0);  // sin(0) = 0
}

TEST(SyntheticQuantize, Q4_0UsesTheSignedMaximumAsMinusEight) {
  float x[32];
  for (int j = 0; j < 32; ++j) x[j] = static_cast<float>(j - 16);  // max magnitude: -16
  uint8_t q[18];
  QuantizeRowQ4_0(x, q, 32);
  EXPECT_EQ(HalfToFloat(static_cast<uint16_t>(q[0] | (q[1] << 8))), 2.0f);  // d = -16 / -8
  EXPECT_EQ(q[2] & 15, 0);   // -16 -> 0
  EXPECT_EQ(q[2 + 15] >> 4, 15);  // 15 -> min(15, 16)
  float y[32];
  DequantizeRowQ4_0(q, y, 32);
  for (int j = 0; j < 32; ++j) EXPECT_NEAR(y[j], x[j], 1.0f + 1e-6f) << j;
}

std::filesystem::path TempPath(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / "synthetic_gguf_test";
  std::filesystem::create_directories(dir);
  return dir / name;
}

SynthConfig SmallConfig(GgmlType type) {
  SynthConfig c;
  c.type = type;
  c.dim = 64;
  c.layers = 2;
  c.heads = 4;
  c.kv_heads = 2;
  c.ffn = 96;
  c.vocab_from = (engine::testing::SharedDir() / "testdata" / "vocab" / "ggml-vocab-llama-spm.gguf").string();
  c.threads = 2;
  return c;
}

TEST(SyntheticLlama, WritesTheLlamaCppLayoutForEveryType) {
  for (GgmlType type : {GgmlType::kF32, GgmlType::kF16, GgmlType::kQ8_0, GgmlType::kQ4_0}) {
    SCOPED_TRACE(std::string(engine::TraitsOf(type).name));
    SynthConfig c = SmallConfig(type);
    auto path = TempPath("small.gguf");
    ASSERT_TRUE(WriteSyntheticModel(c, path.string()).ok());
    auto f = GgufFile::Open(path.string());
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    const GgufFile& g = **f;
    EXPECT_EQ(g.GetString("general.architecture").value(), "llama");
    EXPECT_EQ(g.GetUInt("llama.embedding_length").value(), 64u);
    EXPECT_EQ(g.GetUInt("llama.block_count").value(), 2u);
    EXPECT_EQ(g.GetUInt("llama.attention.head_count_kv").value(), 2u);
    EXPECT_EQ(g.GetUInt("llama.rope.dimension_count").value(), 16u);
    EXPECT_EQ(g.GetString("tokenizer.ggml.model").value(), "llama");
    const auto* embd = g.FindTensor("token_embd.weight");
    ASSERT_NE(embd, nullptr);
    EXPECT_EQ(embd->type, type);
    EXPECT_EQ(embd->dims, (std::vector<int64_t>{64, 32000}));
    const auto* k = g.FindTensor("blk.1.attn_k.weight");
    ASSERT_NE(k, nullptr);
    EXPECT_EQ(k->dims, (std::vector<int64_t>{64, 32}));
    const auto* down = g.FindTensor("blk.0.ffn_down.weight");
    ASSERT_NE(down, nullptr);
    EXPECT_EQ(down->dims, (std::vector<int64_t>{96, 64}));
    const auto* norm = g.FindTensor("blk.0.ffn_norm.weight");
    ASSERT_NE(norm, nullptr);
    EXPECT_EQ(norm->type, GgmlType::kF32);
    EXPECT_EQ(reinterpret_cast<const float*>(norm->data)[63], 1.0f);
    EXPECT_NE(g.FindTensor("output.weight"), nullptr);
    EXPECT_EQ(g.tensors().size(), 1u + 2 * 9 + 2);
  }
}

// The metadata keys and tensor names of a shared synthetic model (made with llama.cpp's tools)
// all appear in ours, so the engine and llama.cpp load both the same way.
TEST(SyntheticLlama, HasEveryKeyAndTensorOfTheSharedSyntheticModels) {
  auto ref = GgufFile::Open((engine::testing::SharedDir() / "models" / "synth-tiny-f32.gguf").string());
  ASSERT_TRUE(ref.ok()) << ref.status().ToString();
  SynthConfig c = SmallConfig(GgmlType::kF32);
  c.layers = static_cast<int64_t>((*ref)->GetUInt("llama.block_count").value());
  auto path = TempPath("layout.gguf");
  ASSERT_TRUE(WriteSyntheticModel(c, path.string()).ok());
  auto ours = GgufFile::Open(path.string());
  ASSERT_TRUE(ours.ok()) << ours.status().ToString();
  for (std::string_view key : (*ref)->keys()) {
    if (key.starts_with("llama.") || key == "general.architecture" || key == "general.file_type") {
      EXPECT_TRUE((*ours)->Has(key)) << key;
      EXPECT_EQ((*ours)->TypeOf(key), (*ref)->TypeOf(key)) << key;
    }
  }
  for (const auto& t : (*ref)->tensors()) {
    const auto* mine = (*ours)->FindTensor(t.name);
    ASSERT_NE(mine, nullptr) << t.name;
    EXPECT_EQ(mine->dims.size(), t.dims.size()) << t.name;
  }
}

TEST(SyntheticLlama, SameSeedSameBytesOtherSeedOtherWeights) {
  SynthConfig c = SmallConfig(GgmlType::kQ4_0);
  c.vocab_from.clear();
  c.vocab = 256;
  auto a = TempPath("a.gguf"), b = TempPath("b.gguf"), d = TempPath("d.gguf");
  ASSERT_TRUE(WriteSyntheticModel(c, a.string()).ok());
  c.threads = 1;  // the thread count must not change the output
  ASSERT_TRUE(WriteSyntheticModel(c, b.string()).ok());
  c.seed += 1;
  ASSERT_TRUE(WriteSyntheticModel(c, d.string()).ok());
  EXPECT_EQ(engine::testing::ReadBytes(a), engine::testing::ReadBytes(b));
  EXPECT_NE(engine::testing::ReadBytes(a), engine::testing::ReadBytes(d));
  auto f = GgufFile::Open(a.string());
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE((*f)->Has("tokenizer.ggml.tokens"));
  const auto* output = (*f)->FindTensor("output.weight");
  ASSERT_NE(output, nullptr);
  EXPECT_EQ(output->dims, (std::vector<int64_t>{64, 256}));
}

TEST(SyntheticLlama, TiedModelsHaveNoOutputWeight) {
  SynthConfig c = SmallConfig(GgmlType::kF16);
  c.tied = true;
  auto path = TempPath("tied.gguf");
  ASSERT_TRUE(WriteSyntheticModel(c, path.string()).ok());
  auto f = GgufFile::Open(path.string());
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ((*f)->FindTensor("output.weight"), nullptr);
  EXPECT_NE((*f)->FindTensor("output_norm.weight"), nullptr);
  EXPECT_EQ((*f)->GetUInt("general.file_type").value(), 1u);  // MOSTLY_F16
}

// For each architecture of the table with a shared model made by llama.cpp's tools: ours has
// every `{arch}.` key and every tensor (with the same shape) of that model, and the engine
// loads it and evaluates a token.
class SyntheticArchitecture : public ::testing::TestWithParam<std::string> {};

TEST_P(SyntheticArchitecture, HasTheLayoutOfTheSharedModelAndRuns) {
  const std::string arch = GetParam() == "llama-hd64" ? "llama" : GetParam();
  auto ref = GgufFile::Open(
      (engine::testing::SharedDir() / "models" / ("synth-" + GetParam() + "-q8_0.gguf")).string());
  ASSERT_TRUE(ref.ok()) << ref.status().ToString();
  const GgufFile& r = **ref;
  SynthConfig c = SmallConfig(GgmlType::kQ8_0);
  c.arch = arch;
  c.dim = r.GetUInt(arch + ".embedding_length").value();
  c.layers = r.GetUInt(arch + ".block_count").value();
  c.heads = r.GetUInt(arch + ".attention.head_count").value();
  c.kv_heads = r.GetUInt(arch + ".attention.head_count_kv").value();
  c.ffn = r.GetUInt(arch + ".feed_forward_length").value();
  if (r.Has(arch + ".attention.key_length")) c.head_dim = r.GetUInt(arch + ".attention.key_length").value();
  c.tied = r.FindTensor("output.weight") == nullptr;
  auto path = TempPath(GetParam() + ".gguf");
  ASSERT_TRUE(WriteSyntheticModel(c, path.string()).ok());
  auto ours = GgufFile::Open(path.string());
  ASSERT_TRUE(ours.ok()) << ours.status().ToString();
  for (std::string_view key : r.keys()) {
    if (key.starts_with(arch + ".") && key != arch + ".vocab_size") {
      EXPECT_TRUE((*ours)->Has(key)) << key;
    }
  }
  for (const auto& t : r.tensors()) {
    if (t.name.starts_with("token_embd") || t.name.starts_with("output.")) continue;  // vocab sizes differ
    const auto* mine = (*ours)->FindTensor(t.name);
    ASSERT_NE(mine, nullptr) << t.name;
    EXPECT_EQ(mine->dims, t.dims) << t.name;
  }
  EXPECT_EQ((*ours)->tensors().size(), r.tensors().size());
  auto model = engine::Model::Load(path.string());
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  engine::ThreadPool pool(1);
  engine::Session session(*model, 16, pool);
  auto logits = session.EvalLogits(std::vector<int32_t>{1, 450});
  ASSERT_TRUE(logits.ok()) << logits.status().ToString();
  EXPECT_TRUE(std::isfinite((*logits)[0]));
}

INSTANTIATE_TEST_SUITE_P(Shared, SyntheticArchitecture,
                         ::testing::Values("qwen2", "qwen3", "gemma2", "gemma3", "phi3", "llama-hd64"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& ch : name) ch = std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
                           return name;
                         });

TEST(SyntheticArchitecture, Gemma27BShapesScaleQueriesByEmbeddingPerHead) {
  // 46 blocks is Gemma 2 27B: 1/sqrt(n_embd / n_head) = 1/sqrt(16), not 1/sqrt(head size 32).
  for (const int64_t layers : {46, 4}) {
    SynthConfig c = SmallConfig(GgmlType::kQ8_0);
    c.arch = "gemma2";
    c.layers = layers;
    c.head_dim = 32;
    auto path = TempPath("gemma2-" + std::to_string(layers) + ".gguf");
    ASSERT_TRUE(WriteSyntheticModel(c, path.string()).ok());
    auto model = engine::Model::Load(path.string());
    ASSERT_TRUE(model.ok()) << model.status().ToString();
    EXPECT_FLOAT_EQ((*model)->hparams().attention_scale, layers == 46 ? 0.25f : 1.0f / std::sqrt(32.0f));
  }
}

TEST(SyntheticLlama, RejectsAnArchitectureOutsideTheTable) {
  SynthConfig c = SmallConfig(GgmlType::kQ4_0);
  c.arch = "gpt2";
  const Status s = ValidateConfig(c);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_NE(s.message().find("gpt2"), std::string::npos);
}

TEST(SyntheticLlama, RejectsShapesTheModelCannotHave) {
  SynthConfig c = SmallConfig(GgmlType::kQ4_0);
  EXPECT_TRUE(ValidateConfig(c).ok());
  c.kv_heads = 3;
  EXPECT_FALSE(ValidateConfig(c).ok());
  c = SmallConfig(GgmlType::kQ4_0);
  c.ffn = 100;  // not a multiple of 32
  EXPECT_FALSE(ValidateConfig(c).ok());
  c = SmallConfig(GgmlType::kQ4_1);
  EXPECT_FALSE(ValidateConfig(c).ok());
  c = SmallConfig(GgmlType::kF32);
  c.vocab_from = "/nonexistent/vocab.gguf";
  EXPECT_FALSE(WriteSyntheticModel(c, TempPath("x.gguf").string()).ok());
}

}  // namespace
}  // namespace llm::tools
