#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/gguf/gguf_writer.h"
#include "engine/kernels/kernel_table.h"
#include "engine/model/model.h"
#include "engine/model/session.h"
#include "engine_model/test_models.h"

namespace llm::engine {
namespace {

using testing_util::SharedModelPath;

// A copy of stories260K with some metadata strings replaced or added, tensors dropped or reshaped.
struct Variant {
  std::map<std::string, std::string> strings = {};
  std::set<std::string> drop = {};
  std::map<std::string, std::vector<int64_t>> reshape = {};
};

std::string WriteVariant(const Variant& variant, const std::string& file_name) {
  Result<std::unique_ptr<GgufFile>> src = GgufFile::Open(SharedModelPath("stories260K.gguf"));
  EXPECT_TRUE(src.ok()) << src.status().ToString();
  if (!src.ok()) return "";
  GgufWriter writer;
  for (std::string_view key : (*src)->keys()) {
    auto it = variant.strings.find(std::string(key));
    if (it != variant.strings.end()) {
      writer.AddString(it->first, it->second);
    } else {
      EXPECT_TRUE(writer.CopyFrom(**src, key).ok());
    }
  }
  for (const auto& [key, value] : variant.strings) {
    if (!(*src)->Has(key)) writer.AddString(key, value);
  }
  for (const GgufTensorInfo& t : (*src)->tensors()) {
    if (variant.drop.count(t.name) != 0) continue;
    auto shape = variant.reshape.find(t.name);
    writer.AddTensor(t.name, t.type, shape != variant.reshape.end() ? shape->second : t.dims,
                     std::vector<uint8_t>(t.data, t.data + t.size_bytes));
  }
  const std::string path = ::testing::TempDir() + "/" + file_name;
  EXPECT_TRUE(writer.WriteFile(path).ok());
  return path;
}

TEST(ModelLoad, ReadsStories260KHyperparametersAndInfo) {
  Result<std::shared_ptr<const Model>> model = Model::Load(SharedModelPath("stories260K.gguf"));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  const ModelHparams& hp = (*model)->hparams();
  EXPECT_EQ(hp.architecture, "llama");
  EXPECT_EQ(hp.n_ctx_train, 2048);
  EXPECT_EQ(hp.n_embd, 64);
  EXPECT_EQ(hp.n_layer, 5);
  EXPECT_EQ(hp.n_ff, 172);
  EXPECT_EQ(hp.n_head, 8);
  EXPECT_EQ(hp.n_head_kv, 4);
  EXPECT_EQ(hp.head_dim, 8);
  EXPECT_EQ(hp.n_rot, 8);
  EXPECT_EQ(hp.n_vocab, 512);
  EXPECT_FLOAT_EQ(hp.rope_freq_base, 10000.0f);
  const ModelInfo& info = (*model)->info();
  EXPECT_EQ(info.file_type, "F32");
  EXPECT_EQ(info.context_length, 2048);
  EXPECT_FALSE(info.tied_embeddings);
  EXPECT_EQ(info.bos_text, "<s>");
  EXPECT_EQ(info.eos_text, "</s>");
  EXPECT_GT(info.file_size, 1000000u);
  // 2 x 512 x 64 embeddings + 5 layers x (2 x 64x64 + 2 x 64x32 + 3 x 64x172 + 2 x 64) + 64
  EXPECT_EQ(info.parameter_count, 2 * 512 * 64 + 5 * (2 * 4096 + 2 * 2048 + 3 * 11008 + 128) + 64);
  EXPECT_EQ((*model)->weights().layers[0].wq.type, GgmlType::kF32);
}

TEST(ModelLoad, RejectsAnUnsupportedArchitectureByName) {
  const std::string path = WriteVariant({.strings = {{"general.architecture", "gpt2"}}}, "arch.gguf");
  Result<std::shared_ptr<const Model>> model = Model::Load(path);
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(model.status().message().find("'gpt2'"), std::string::npos) << model.status().message();
  EXPECT_NE(model.status().message().find("llama, mistral, qwen2, qwen3, gemma2, gemma3, phi3"),
            std::string::npos)
      << model.status().message();
}

TEST(ModelLoad, TakesTheHeadSizeFromKeyLength) {
  Result<std::shared_ptr<const Model>> model = Model::Load(SharedModelPath("synth-llama-hd64-q8_0.gguf"));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  const ModelHparams& hp = (*model)->hparams();
  EXPECT_EQ(hp.n_embd, 256);
  EXPECT_EQ(hp.n_head, 8);
  EXPECT_EQ(hp.head_dim, 64);  // not 256 / 8
  EXPECT_EQ((*model)->weights().layers[0].wq.rows, 8 * 64);
  EXPECT_EQ((*model)->weights().layers[0].wo.cols, 8 * 64);
  EXPECT_FLOAT_EQ(hp.attention_scale, 0.125f);
  EXPECT_EQ((*model)->info().head_dim, 64);
}

TEST(ModelLoad, ReadsQwen2BiasesAndQwen3HeadNorms) {
  Result<std::shared_ptr<const Model>> qwen2 = Model::Load(SharedModelPath("synth-qwen2-q8_0.gguf"));
  ASSERT_TRUE(qwen2.ok()) << qwen2.status().ToString();
  const LayerWeights& l2 = (*qwen2)->weights().layers[3];
  EXPECT_EQ(l2.bq.size(), 256u);
  EXPECT_EQ(l2.bk.size(), 128u);
  EXPECT_EQ(l2.bv.size(), 128u);
  EXPECT_TRUE(l2.q_norm.empty());
  EXPECT_EQ((*qwen2)->hparams().arch->rope_mode, RopeMode::kNeox);
  Result<std::shared_ptr<const Model>> qwen3 = Model::Load(SharedModelPath("synth-qwen3-q8_0.gguf"));
  ASSERT_TRUE(qwen3.ok()) << qwen3.status().ToString();
  const LayerWeights& l3 = (*qwen3)->weights().layers[0];
  EXPECT_EQ(l3.q_norm.size(), 64u);
  EXPECT_EQ(l3.k_norm.size(), 64u);
  EXPECT_TRUE(l3.bq.empty());
  EXPECT_TRUE((*qwen3)->info().tied_embeddings);
}

TEST(ModelLoad, MarksGemmaSlidingWindowLayersAndTheirRopeBase) {
  Result<std::shared_ptr<const Model>> gemma2 = Model::Load(SharedModelPath("synth-gemma2-q8_0.gguf"));
  ASSERT_TRUE(gemma2.ok()) << gemma2.status().ToString();
  const ModelHparams& g2 = (*gemma2)->hparams();
  EXPECT_EQ(g2.n_swa, 16);
  EXPECT_EQ(g2.swa_layers, (std::vector<uint8_t>{1, 0, 1, 0}));
  EXPECT_FLOAT_EQ(g2.attn_softcap, 10.0f);
  EXPECT_FLOAT_EQ(g2.final_softcap, 8.0f);
  EXPECT_FLOAT_EQ(g2.embedding_scale, 16.0f);
  EXPECT_EQ((*gemma2)->weights().layers[1].post_ffn_norm.size(), 256u);
  Result<std::shared_ptr<const Model>> gemma3 = Model::Load(SharedModelPath("synth-gemma3-q8_0.gguf"));
  ASSERT_TRUE(gemma3.ok()) << gemma3.status().ToString();
  const ModelHparams& g3 = (*gemma3)->hparams();
  EXPECT_EQ(g3.swa_layers, (std::vector<uint8_t>{1, 1, 1, 1, 1, 0}));
  EXPECT_FLOAT_EQ(g3.rope_freq_base, 1e6f);
  EXPECT_FLOAT_EQ(g3.rope_freq_base_swa, 1e4f);
  EXPECT_FLOAT_EQ(g3.attn_softcap, 0.0f);
  EXPECT_EQ((*gemma3)->info().sliding_window, 16);
}

TEST(ModelLoad, SplitsPhi3FusedTensorsIntoConsecutiveRowRanges) {
  Result<std::shared_ptr<const Model>> model = Model::Load(SharedModelPath("synth-phi3-q8_0.gguf"));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  const LayerWeights& l = (*model)->weights().layers[2];
  const GgufTensorInfo* qkv = (*model)->gguf().FindTensor("blk.2.attn_qkv.weight");
  const GgufTensorInfo* up = (*model)->gguf().FindTensor("blk.2.ffn_up.weight");
  ASSERT_NE(qkv, nullptr);
  ASSERT_NE(up, nullptr);
  // The address of row `row` of a tensor.
  const auto row_at = [](const GgufTensorInfo* t, size_t row, size_t row_bytes) {
    return static_cast<const void*>(t->data + row * row_bytes);
  };
  EXPECT_EQ(l.wq.data, row_at(qkv, 0, l.wq.row_bytes));
  EXPECT_EQ(l.wq.rows, 256);
  EXPECT_EQ(l.wk.data, row_at(qkv, 256, l.wq.row_bytes));
  EXPECT_EQ(l.wk.rows, 128);
  EXPECT_EQ(l.wv.data, row_at(qkv, 384, l.wq.row_bytes));
  EXPECT_EQ(l.w_gate.data, row_at(up, 0, l.w_gate.row_bytes));
  EXPECT_EQ(l.w_up.data, row_at(up, 768, l.w_gate.row_bytes));
  EXPECT_EQ(l.w_up.rows, 768);
  EXPECT_TRUE((*model)->weights().rope_factors_long.empty());
}

TEST(ModelLoad, RefusesRopeScalingItDoesNotImplement) {
  const std::string path = WriteVariant({.strings = {{"llama.rope.scaling.type", "yarn"}}}, "yarn.gguf");
  Result<std::shared_ptr<const Model>> model = Model::Load(path);
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(model.status().message().find("'yarn'"), std::string::npos) << model.status().message();
  const std::string linear = WriteVariant({.strings = {{"llama.rope.scaling.type", "linear"}}}, "linear.gguf");
  EXPECT_TRUE(Model::Load(linear).ok());
}

TEST(ModelLoad, NamesAMissingTensor) {
  const std::string path = WriteVariant({.drop = {"blk.3.ffn_up.weight"}}, "missing.gguf");
  Result<std::shared_ptr<const Model>> model = Model::Load(path);
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().message().find("blk.3.ffn_up.weight"), std::string::npos)
      << model.status().message();
}

TEST(ModelLoad, NamesATensorWithTheWrongShape) {
  const std::string path =
      WriteVariant({.reshape = {{"blk.1.attn_q.weight", {32, 128}}}}, "shape.gguf");
  Result<std::shared_ptr<const Model>> model = Model::Load(path);
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), StatusCode::kCorruption);
  EXPECT_NE(model.status().message().find("blk.1.attn_q.weight"), std::string::npos);
  EXPECT_NE(model.status().message().find("[32, 128]"), std::string::npos);
}

TEST(ModelLoad, TiesTheOutputToTheTokenEmbeddingWhenAbsent) {
  const std::string path = WriteVariant({.drop = {"output.weight"}}, "tied.gguf");
  Result<std::shared_ptr<const Model>> model = Model::Load(path);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_TRUE((*model)->info().tied_embeddings);
  EXPECT_EQ((*model)->weights().output.data, (*model)->weights().token_embd.data);
}

TEST(ModelLoad, ReadsLlama3RopeFrequencyFactorsAndFileType) {
  Result<std::shared_ptr<const Model>> model =
      Model::Load(SharedModelPath("synth-llama3-q8_0.gguf"));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ((*model)->weights().rope_freq_factors.size(), 32u);
  EXPECT_EQ((*model)->info().file_type, "Q8_0");
  EXPECT_FLOAT_EQ((*model)->hparams().rope_freq_base, 500000.0f);
  EXPECT_EQ((*model)->hparams().n_vocab, 128256);
  EXPECT_FALSE((*model)->info().chat_template.empty());
  EXPECT_EQ((*model)->info().eos_text, "<|eot_id|>");
}

TEST(ModelLoad, ReadIntoMemoryGivesTheSameLogitsAsMapped) {
  Result<std::shared_ptr<const Model>> mapped = Model::Load(SharedModelPath("synth-tiny-q4_0.gguf"));
  Result<std::shared_ptr<const Model>> read =
      Model::Load(SharedModelPath("synth-tiny-q4_0.gguf"), LoadMode::kReadIntoMemory);
  ASSERT_TRUE(mapped.ok()) << mapped.status().ToString();
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ((*mapped)->info().load_mode, LoadMode::kMap);
  EXPECT_EQ((*read)->info().load_mode, LoadMode::kReadIntoMemory);
  EXPECT_NE((*read)->weights().token_embd.data, (*mapped)->weights().token_embd.data);
  ThreadPool pool(2);
  Session a(*mapped, 64, pool), b(*read, 64, pool);
  const std::vector<int32_t> tokens = {1, 15, 200, 7};
  Result<std::vector<float>> la = a.EvalLogits(tokens), lb = b.EvalLogits(tokens);
  ASSERT_TRUE(la.ok() && lb.ok());
  EXPECT_EQ(*la, *lb);
}

TEST(ModelLoad, ReportsAMissingFile) {
  for (LoadMode mode : {LoadMode::kMap, LoadMode::kReadIntoMemory}) {
    Result<std::shared_ptr<const Model>> model = Model::Load("/nonexistent/model.gguf", mode);
    ASSERT_FALSE(model.ok());
    EXPECT_NE(model.status().message().find("/nonexistent/model.gguf"), std::string::npos);
  }
}

// Matrices of the types with a row-group kernel are packed at load where the CPU runs that
// kernel (AVX-512 VNNI); the token embedding stays row-major (its rows are looked up).
TEST(ModelLoad, PacksQ4_0AndQ4_KMatricesForTheKernelsThatWantThem) {
  const bool packs = std::getenv("LLM_PACK_WEIGHTS") == nullptr && std::getenv("LLM_KERNELS") == nullptr &&
                     kernels::PathSupported(kernels::Path::kAvx512);
  for (const char* name : {"synth-tiny-q4_0.gguf", "synth-tiny-q4_k_m.gguf", "synth-tiny-q8_0.gguf"}) {
    Result<std::shared_ptr<const Model>> model = Model::Load(SharedModelPath(name));
    ASSERT_TRUE(model.ok()) << model.status().ToString();
    const ModelWeights& w = (*model)->weights();
    EXPECT_EQ(w.token_embd.layout, WeightLayout::kRows) << name;
    int packed = 0, total = 0;
    for (const LayerWeights& l : w.layers) {
      for (const WeightMatrix* m : {&l.wq, &l.wk, &l.wv, &l.wo, &l.w_gate, &l.w_up, &l.w_down}) {
        const bool packable = m->type == GgmlType::kQ4_0 || m->type == GgmlType::kQ4_K;
        EXPECT_EQ(m->layout == WeightLayout::kRowGroups16, packs && packable) << name << " " << TraitsOf(m->type).name;
        packed += m->layout == WeightLayout::kRowGroups16;
        ++total;
      }
    }
    std::printf("%s: %d of %d layer matrices packed\n", name, packed, total);
  }
}

}  // namespace
}  // namespace llm::engine
