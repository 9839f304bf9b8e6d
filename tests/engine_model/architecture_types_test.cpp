// Every architecture of the table runs on every weight type make-synthetic-gguf writes (F32,
// F16, Q8_0, Q4_0), and batched evaluation gives each sequence the bits of its own pass.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "common/shared_dir.h"
#include "engine/model/forward.h"
#include "synthetic_gguf/model_synth.h"

namespace llm::engine {
namespace {

using ArchAndType = std::tuple<std::string, GgmlType>;

std::string WriteModel(const std::string& arch, GgmlType type) {
  tools::SynthConfig c;
  c.arch = arch;
  c.type = type;
  c.dim = 64;
  c.layers = 3;
  c.heads = 4;
  c.kv_heads = 2;
  c.head_dim = 32;  // not dim / heads: key_length is honoured by every architecture
  c.ffn = 96;
  c.sliding_window = 4;
  c.vocab_from = (test_support::SharedDir() / "testdata" / "vocab" / "ggml-vocab-llama-spm.gguf").string();
  c.threads = 1;
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "architecture_types_test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / (arch + "-" + std::string(TraitsOf(type).name) + ".gguf")).string();
  const Status s = tools::WriteSyntheticModel(c, path);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return path;
}

class ArchitectureTypes : public ::testing::TestWithParam<ArchAndType> {};

TEST_P(ArchitectureTypes, BatchedSequencesGetTheBitsOfTheirOwnPasses) {
  const auto& [arch, type] = GetParam();
  Result<std::shared_ptr<const Model>> model = Model::Load(WriteModel(arch, type));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  const Model& m = **model;
  EXPECT_EQ(m.hparams().head_dim, 32);
  ThreadPool pool(2);
  const std::vector<int32_t> a = {1, 450, 2217, 11203, 471, 263, 931, 9038}, b = {1, 4335, 322};
  const size_t n_vocab = static_cast<size_t>(m.hparams().n_vocab);
  std::vector<float> alone_a(n_vocab), alone_b(n_vocab), together_a(n_vocab), together_b(n_vocab);
  ForwardState solo_a(m, 32), solo_b(m, 32), pair_a(m, 32), pair_b(m, 32);
  ASSERT_TRUE(solo_a.Eval(a, pool, alone_a.data()).ok());
  ASSERT_TRUE(solo_b.Eval(b, pool, alone_b.data()).ok());
  ForwardScratch scratch;
  const std::vector<SequenceBatch> batch = {{&pair_a, a, together_a.data()}, {&pair_b, b, together_b.data()}};
  EvalSequences(batch, pool, scratch);
  EXPECT_EQ(std::memcmp(alone_a.data(), together_a.data(), n_vocab * sizeof(float)), 0);
  EXPECT_EQ(std::memcmp(alone_b.data(), together_b.data(), n_vocab * sizeof(float)), 0);
  for (float x : alone_a) ASSERT_TRUE(std::isfinite(x));
}

std::vector<ArchAndType> AllArchitecturesAndTypes() {
  std::vector<ArchAndType> all;
  for (const char* arch : {"llama", "mistral", "qwen2", "qwen3", "gemma2", "gemma3", "phi3"}) {
    for (GgmlType type : {GgmlType::kF32, GgmlType::kF16, GgmlType::kQ8_0, GgmlType::kQ4_0}) {
      all.emplace_back(arch, type);
    }
  }
  return all;
}

INSTANTIATE_TEST_SUITE_P(All, ArchitectureTypes, ::testing::ValuesIn(AllArchitecturesAndTypes()),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" +
                                  std::string(TraitsOf(std::get<1>(info.param)).name);
                         });

}  // namespace
}  // namespace llm::engine
