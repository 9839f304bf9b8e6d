// Embeddings: pooling and normalisation math, the final hidden states checked against the
// logits they produce and against the states of each prefix, batches against single inputs
// (bit for bit), the GGUF's pooling_type and attention.causal, and the refusals.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "common/shared_dir.h"
#include "engine/model/decode_batcher.h"
#include "engine/model/embedding.h"
#include "engine/model/forward.h"
#include "engine/model/session.h"
#include "engine_model/test_models.h"
#include "synthetic_gguf/model_synth.h"

namespace llm::engine {
namespace {

std::shared_ptr<const Model> LoadEmbeddingTestModel(const std::string& path) {
  Result<std::shared_ptr<const Model>> model = Model::Load(path);
  EXPECT_TRUE(model.ok()) << path << ": " << model.status().ToString();
  return model.ok() ? *model : nullptr;
}

std::shared_ptr<const Model> LoadSharedEmbeddingModel(const std::string& name) {
  return LoadEmbeddingTestModel(testing_util::SharedModelPath(name));
}

std::vector<int32_t> EmbeddingTokens(const Model& model, const std::string& text) {
  return model.tokenizer().Encode(text, /*add_bos=*/true, /*parse_special=*/true);
}

double EmbeddingNorm(const std::vector<float>& v) {
  double sq = 0;
  for (float x : v) sq += static_cast<double>(x) * x;
  return std::sqrt(sq);
}

double EmbeddingMaxDiff(const std::vector<float>& a, const std::vector<float>& b) {
  EXPECT_EQ(a.size(), b.size());
  double m = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) m = std::max(m, std::fabs(static_cast<double>(a[i]) - b[i]));
  return m;
}

bool SameEmbeddingBits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// A small random-weight Llama with the llama-spm vocabulary and the given embedding keys.
std::string WriteEmbeddingModel(const std::string& name, int64_t pooling_type, bool non_causal) {
  tools::SynthConfig c;
  c.dim = 64;
  c.layers = 2;
  c.heads = 4;
  c.kv_heads = 2;
  c.ffn = 96;
  c.ctx = 1024;
  c.vocab_from = (test_support::SharedDir() / "testdata" / "vocab" / "ggml-vocab-llama-spm.gguf").string();
  c.threads = 1;
  c.pooling_type = pooling_type;
  c.non_causal = non_causal;
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "embedding_test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / (name + ".gguf")).string();
  const Status s = tools::WriteSyntheticModel(c, path);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return path;
}

TEST(HiddenPool, MeanOfRowsGivenInPartsIsTheMeanOfAllRows) {
  const std::vector<float> rows = {1, 2, 3, 4, 5, 6, 7, 8, 9};  // three rows of three
  HiddenPool pool(Pooling::kMean, 3);
  pool.Add(rows.data(), 2);
  pool.Add(rows.data() + 6, 1);
  EXPECT_EQ(pool.Pooled(), (std::vector<float>{4, 5, 6}));
}

TEST(HiddenPool, ClsKeepsTheFirstRowAndLastTheLastAcrossParts) {
  const std::vector<float> rows = {1, 2, 3, 4, 5, 6};
  HiddenPool cls(Pooling::kCls, 2), last(Pooling::kLast, 2);
  for (HiddenPool* p : {&cls, &last}) {
    p->Add(rows.data(), 1);
    p->Add(rows.data() + 2, 2);
  }
  EXPECT_EQ(cls.Pooled(), (std::vector<float>{1, 2}));
  EXPECT_EQ(last.Pooled(), (std::vector<float>{5, 6}));
}

TEST(L2Normalize, ScalesToUnitLengthAndLeavesZeroAlone) {
  std::vector<float> v = {3, 4};
  L2Normalize(v);
  EXPECT_FLOAT_EQ(v[0], 0.6f);
  EXPECT_FLOAT_EQ(v[1], 0.8f);
  std::vector<float> zero = {0, 0, 0};
  L2Normalize(zero);
  EXPECT_EQ(zero, (std::vector<float>{0, 0, 0}));
}

TEST(ModelPooling, FollowsLlamaCppsPoolingTypeEnum) {
  ModelHparams hp;
  const std::vector<std::pair<int32_t, Pooling>> cases = {
      {0, Pooling::kMean}, {1, Pooling::kMean}, {2, Pooling::kCls}, {3, Pooling::kLast}};
  for (const auto& [type, pooling] : cases) {
    hp.pooling_type = type;
    Result<Pooling> p = ModelPooling(hp);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(*p, pooling) << type;
  }
  hp.pooling_type = 4;
  EXPECT_EQ(ModelPooling(hp).status().code(), StatusCode::kUnsupported);
}

TEST(Embedder, VectorsAreDeterministicUnitLengthAndDifferByText) {
  std::shared_ptr<const Model> model = LoadSharedEmbeddingModel("stories260K.gguf");
  ASSERT_NE(model, nullptr);
  ThreadPool pool(2);
  Embedder embedder(model, 0, pool);
  const std::vector<std::vector<int32_t>> inputs = {EmbeddingTokens(*model, "Once upon a time"), EmbeddingTokens(*model, "The dog ran")};
  auto first = embedder.Embed(inputs);
  auto second = embedder.Embed(inputs);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(first->size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ((*first)[i].size(), static_cast<size_t>(model->hparams().n_embd));
    EXPECT_NEAR(EmbeddingNorm((*first)[i]), 1.0, 1e-6);
    EXPECT_TRUE(SameEmbeddingBits((*first)[i], (*second)[i]));
  }
  EXPECT_GT(EmbeddingMaxDiff((*first)[0], (*first)[1]), 1e-3);
}

// EvalSequences keeps the sequences of a pass apart bit for bit, so an input's vector does not
// depend on the inputs packed with it (nor on whether a long one needs passes of its own).
TEST(Embedder, EachInputOfABatchGetsTheBitsItGetsAlone) {
  std::shared_ptr<const Model> model = LoadSharedEmbeddingModel("synth-tiny-q8_0.gguf");
  ASSERT_NE(model, nullptr);
  ThreadPool pool(2);
  Embedder embedder(model, 0, pool);
  std::vector<int32_t> long_input;
  for (int i = 0; i < 700; ++i) long_input.push_back(1 + (i * 37) % 500);  // more than one pass
  const std::vector<std::vector<int32_t>> inputs = {{1, 20, 30, 40}, {1, 7}, long_input, {1, 300, 200, 100, 5}, {9}};
  auto together = embedder.Embed(inputs);
  ASSERT_TRUE(together.ok()) << together.status().ToString();
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto alone = embedder.Embed(std::span(&inputs[i], 1));
    ASSERT_TRUE(alone.ok());
    EXPECT_TRUE(SameEmbeddingBits((*together)[i], (*alone)[0])) << "input " << i;
  }
}

// The last token's pooled state (not normalised) times the tied output matrix (token_embd)
// is the logit vector the generation path computes: the state is the one before the LM head.
TEST(Embedder, LastHiddenStateTimesTheOutputMatrixGivesTheLogits) {
  std::shared_ptr<const Model> model = LoadSharedEmbeddingModel("synth-tiny-tied-f32.gguf");
  ASSERT_NE(model, nullptr);
  ThreadPool pool(1);
  const std::vector<int32_t> tokens = EmbeddingTokens(*model, "Tom and Sue went to the park");
  Embedder embedder(model, 0, pool);
  auto last = embedder.Embed(std::span(&tokens, 1), {.pooling = Pooling::kLast, .normalize = false});
  ASSERT_TRUE(last.ok());
  Session session(model, 0, pool);
  Result<std::vector<float>> logits = session.EvalLogits(tokens);
  ASSERT_TRUE(logits.ok());
  const int64_t d = model->hparams().n_embd;
  const auto* embd = static_cast<const float*>(model->weights().token_embd.data);  // F32 [n_vocab x d]
  double worst = 0, scale = 0;
  for (int64_t v = 0; v < model->hparams().n_vocab; ++v) {
    double dot = 0;
    for (int64_t i = 0; i < d; ++i) dot += static_cast<double>(embd[v * d + i]) * (*last)[0][static_cast<size_t>(i)];
    worst = std::max(worst, std::fabs(dot - (*logits)[static_cast<size_t>(v)]));
    scale = std::max(scale, std::fabs(dot));
  }
  EXPECT_LT(worst, 1e-4 * std::max(1.0, scale));
}

// With causal attention token i's state is the last state of the prefix 0..i, so the mean of
// a text's states is the mean of its prefixes' last states. Not bit for bit: a one-token pass
// sums attention in ggml's vec_dot order, a longer one in tinyBLAS order (float rounding).
TEST(Embedder, MeanPoolingIsTheMeanOfEachPrefixsLastState) {
  std::shared_ptr<const Model> model = LoadSharedEmbeddingModel("stories260K.gguf");
  ASSERT_NE(model, nullptr);
  ThreadPool pool(1);
  Embedder embedder(model, 0, pool);
  const std::vector<int32_t> tokens = EmbeddingTokens(*model, "Lily saw a big red ball in the garden");
  auto mean = embedder.Embed(std::span(&tokens, 1), {.pooling = Pooling::kMean, .normalize = false});
  ASSERT_TRUE(mean.ok());
  std::vector<double> sum(static_cast<size_t>(model->hparams().n_embd), 0.0);
  for (size_t n = 1; n <= tokens.size(); ++n) {
    const std::vector<int32_t> prefix(tokens.begin(), tokens.begin() + static_cast<long>(n));
    auto last = embedder.Embed(std::span(&prefix, 1), {.pooling = Pooling::kLast, .normalize = false});
    ASSERT_TRUE(last.ok());
    for (size_t i = 0; i < sum.size(); ++i) sum[i] += (*last)[0][i];
  }
  std::vector<float> expected(sum.size());
  for (size_t i = 0; i < sum.size(); ++i) expected[i] = static_cast<float>(sum[i] / static_cast<double>(tokens.size()));
  EXPECT_LT(EmbeddingMaxDiff((*mean)[0], expected), 1e-4);
}

TEST(Embedder, PoolingTypeOfTheGgufIsTheDefault) {
  std::shared_ptr<const Model> model = LoadEmbeddingTestModel(WriteEmbeddingModel("pooling-last", 3, false));
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->hparams().pooling_type, 3);
  ThreadPool pool(1);
  Embedder embedder(model, 0, pool);
  const std::vector<std::vector<int32_t>> inputs = {{1, 450, 2217, 11203, 471}};
  auto by_default = embedder.Embed(inputs);
  auto last = embedder.Embed(inputs, {.pooling = Pooling::kLast});
  auto mean = embedder.Embed(inputs, {.pooling = Pooling::kMean});
  ASSERT_TRUE(by_default.ok() && last.ok() && mean.ok());
  EXPECT_TRUE(SameEmbeddingBits((*by_default)[0], (*last)[0]));
  EXPECT_FALSE(SameEmbeddingBits((*by_default)[0], (*mean)[0]));

  std::shared_ptr<const Model> ranker = LoadEmbeddingTestModel(WriteEmbeddingModel("pooling-rank", 4, false));
  ASSERT_NE(ranker, nullptr);
  Embedder rank_embedder(ranker, 0, pool);
  EXPECT_EQ(rank_embedder.Embed(inputs).status().code(), StatusCode::kUnsupported);
}

// attention.causal = false: the first token sees the tokens after it, so its state depends on
// them; with causal attention it does not.
TEST(Embedder, NonCausalModelLetsTheFirstTokenSeeTheRest) {
  std::shared_ptr<const Model> causal = LoadEmbeddingTestModel(WriteEmbeddingModel("causal", 2, false));
  std::shared_ptr<const Model> bidirectional = LoadEmbeddingTestModel(WriteEmbeddingModel("non-causal", 2, true));
  ASSERT_NE(causal, nullptr);
  ASSERT_NE(bidirectional, nullptr);
  EXPECT_TRUE(causal->hparams().causal_attention);
  EXPECT_FALSE(bidirectional->hparams().causal_attention);
  ThreadPool pool(1);
  const std::vector<std::vector<int32_t>> inputs = {{1, 450, 2217}, {1, 4335, 322}};  // same first token
  Embedder c(causal, 0, pool), b(bidirectional, 0, pool);
  auto cls_causal = c.Embed(inputs);
  auto cls_bidirectional = b.Embed(inputs);
  ASSERT_TRUE(cls_causal.ok() && cls_bidirectional.ok());
  EXPECT_TRUE(SameEmbeddingBits((*cls_causal)[0], (*cls_causal)[1]));
  EXPECT_GT(EmbeddingMaxDiff((*cls_bidirectional)[0], (*cls_bidirectional)[1]), 1e-4);
  // A bidirectional input must fit one pass.
  const std::vector<int32_t> too_long(600, 450);
  EXPECT_EQ(b.Embed(std::span(&too_long, 1)).status().code(), StatusCode::kOutOfRange);
  EXPECT_TRUE(c.Embed(std::span(&too_long, 1)).ok());
}

// An embedding input's state holds its own positions only (a state of the whole context
// reserves 256 positions at least).
TEST(Embedder, AStateSizedToItsInputHoldsOnlyItsPositions) {
  std::shared_ptr<const Model> model = LoadSharedEmbeddingModel("synth-phi3-q8_0.gguf");
  ASSERT_NE(model, nullptr);
  const ModelHparams& hp = model->hparams();
  ThreadPool pool(1);
  const std::vector<int32_t> tokens = {1, 450, 2217};
  ForwardState sized(*model, 3, true, hp.n_ctx_train), whole(*model, hp.n_ctx_train);
  ASSERT_TRUE(sized.Eval(tokens, pool, nullptr).ok());
  ASSERT_TRUE(whole.Eval(tokens, pool, nullptr).ok());
  EXPECT_EQ(sized.cache_bytes(), size_t{2} * hp.n_layer * 3 * hp.n_head_kv * hp.head_dim * sizeof(uint16_t));
  EXPECT_GT(whole.cache_bytes(), sized.cache_bytes() * 80);
}

TEST(Embedder, RefusesEmptyInputsUnknownIdsAndInputsLongerThanTheContext) {
  std::shared_ptr<const Model> model = LoadSharedEmbeddingModel("stories260K.gguf");
  ASSERT_NE(model, nullptr);
  ThreadPool pool(1);
  Embedder embedder(model, 16, pool);
  const std::vector<std::vector<int32_t>> empty = {{1, 2}, {}};
  EXPECT_EQ(embedder.Embed(empty).status().code(), StatusCode::kInvalidArgument);
  const std::vector<std::vector<int32_t>> unknown = {{1, model->hparams().n_vocab}};
  EXPECT_EQ(embedder.Embed(unknown).status().code(), StatusCode::kInvalidArgument);
  const std::vector<std::vector<int32_t>> too_long = {std::vector<int32_t>(17, 5)};
  EXPECT_EQ(embedder.Embed(too_long).status().code(), StatusCode::kOutOfRange);
  const std::vector<std::vector<int32_t>> fits = {std::vector<int32_t>(16, 5)};
  EXPECT_TRUE(embedder.Embed(fits).ok());
}

// Through a DecodeBatcher the vectors are those of a plain pool, and a generation running on
// the batcher at the same time generates exactly what it generates alone.
TEST(Embedder, BatcherPassesGiveTheSameVectorsAndLeaveGenerationsUnchanged) {
  std::shared_ptr<const Model> model = LoadSharedEmbeddingModel("stories260K.gguf");
  ASSERT_NE(model, nullptr);
  const std::vector<std::vector<int32_t>> inputs = {EmbeddingTokens(*model, "A cat"), EmbeddingTokens(*model, "Once upon a time")};
  ThreadPool pool(2);
  auto plain = Embedder(model, 0, pool).Embed(inputs);
  ASSERT_TRUE(plain.ok());
  DecodeBatcher batcher(2);
  Embedder through_batcher(model, 0, batcher);
  auto batched = through_batcher.Embed(inputs);
  ASSERT_TRUE(batched.ok());
  for (size_t i = 0; i < inputs.size(); ++i) EXPECT_TRUE(SameEmbeddingBits((*plain)[i], (*batched)[i]));

  GenerateParams params;
  params.max_tokens = 40;
  params.sampling.temperature = 0;
  ThreadPool session_pool(1);
  Session alone(model, 0, session_pool);
  auto expected = alone.Generate("Once upon a time", params);
  ASSERT_TRUE(expected.ok());
  Session session(model, 0, session_pool);
  session.set_batcher(&batcher);
  Result<GenerateResult> got = Status::Internal("not run");
  std::thread generation([&] { got = session.Generate("Once upon a time", params); });
  for (int i = 0; i < 20; ++i) {
    auto again = through_batcher.Embed(inputs);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(SameEmbeddingBits((*again)[0], (*plain)[0]));
  }
  generation.join();
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->tokens, expected->tokens);
}

}  // namespace
}  // namespace llm::engine
