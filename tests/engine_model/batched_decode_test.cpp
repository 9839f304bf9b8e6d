// Batched decoding: EvalSequences over several sequences gives each sequence exactly the
// logits of its own forward pass, and DecodeBatcher combines the steps of Sessions generating
// on different threads without changing what they generate.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "engine/model/decode_batcher.h"
#include "engine/model/forward.h"
#include "engine/model/session.h"
#include "engine_model/test_models.h"

namespace llm::engine {
namespace {

std::shared_ptr<const Model> LoadShared(const std::string& name) {
  Result<std::shared_ptr<const Model>> model = Model::Load(testing_util::SharedModelPath(name));
  EXPECT_TRUE(model.ok()) << name << ": " << model.status().ToString();
  return model.ok() ? *model : nullptr;
}

std::vector<int32_t> Tokens(const Model& model, const std::string& text) {
  return model.tokenizer().Encode(text, /*add_bos=*/true, /*parse_special=*/true);
}

bool SameBits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

class EvalSequencesTest : public ::testing::TestWithParam<std::string> {};

TEST_P(EvalSequencesTest, EachSequenceGetsTheLogitsOfItsOwnForwardPass) {
  std::shared_ptr<const Model> model = LoadShared(GetParam());
  ASSERT_NE(model, nullptr);
  const size_t n_vocab = static_cast<size_t>(model->hparams().n_vocab);
  ThreadPool pool(2);
  // Longer than the gemma models' sliding window (16), so local layers drop positions.
  const std::vector<int32_t> prompt_a =
      Tokens(*model, "Once upon a time there was a little girl who lived in a village near the forest");
  const std::vector<int32_t> prompt_b = Tokens(*model, "The cat");
  const std::vector<int32_t> next_a = {prompt_b[1], prompt_a[1], prompt_a[2]};  // three tokens
  const std::vector<int32_t> next_b = {prompt_a[2]};                              // one token

  // Alone: each sequence evaluates its prompt, then its next tokens.
  std::vector<float> alone_a(n_vocab), alone_b(n_vocab);
  ForwardState solo_a(*model, 64), solo_b(*model, 64);
  ASSERT_TRUE(solo_a.Eval(prompt_a, pool, nullptr).ok());
  ASSERT_TRUE(solo_b.Eval(prompt_b, pool, nullptr).ok());
  ASSERT_TRUE(solo_a.Eval(next_a, pool, alone_a.data()).ok());
  ASSERT_TRUE(solo_b.Eval(next_b, pool, alone_b.data()).ok());

  // Together: the prompts in one pass (no logits), then the next tokens in one pass.
  std::vector<float> batched_a(n_vocab), batched_b(n_vocab);
  ForwardState a(*model, 64), b(*model, 64);
  ForwardScratch scratch;
  const std::vector<SequenceBatch> prompts = {{&a, prompt_a, nullptr}, {&b, prompt_b, nullptr}};
  EvalSequences(prompts, pool, scratch);
  const std::vector<SequenceBatch> next = {{&b, next_b, batched_b.data()}, {&a, next_a, batched_a.data()}};
  EvalSequences(next, pool, scratch);

  ASSERT_GT(prompt_a.size(), 16u);
  EXPECT_EQ(a.n_past(), solo_a.n_past());
  EXPECT_EQ(b.n_past(), solo_b.n_past());
  EXPECT_TRUE(SameBits(batched_a, alone_a));
  EXPECT_TRUE(SameBits(batched_b, alone_b));
}

INSTANTIATE_TEST_SUITE_P(Models, EvalSequencesTest,
                         ::testing::Values("stories260K.gguf", "synth-tiny-q4_0.gguf", "synth-llama3-q4_0.gguf",
                                           "synth-tiny-q8_0.gguf", "synth-tiny-q4_k_m.gguf", "synth-tiny-f16.gguf",
                                           "synth-qwen2-q8_0.gguf", "synth-qwen3-q8_0.gguf", "synth-gemma2-q8_0.gguf",
                                           "synth-gemma3-q8_0.gguf", "synth-gemma3-q4_k_m.gguf", "synth-phi3-q8_0.gguf",
                                           "synth-llama-hd64-q8_0.gguf"),
                         [](const auto& info) {
                           std::string name = info.param.substr(0, info.param.find(".gguf"));
                           for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

TEST(SlidingWindowCache, KeepsOnlyTheWindowAndGivesTheSameLogitsPastIt) {
  // gemma2: window 16 on layers 0 and 2, so those keep 16 + 512 rows; 700 positions wrap them.
  std::shared_ptr<const Model> model = LoadShared("synth-gemma2-q8_0.gguf");
  ASSERT_NE(model, nullptr);
  ThreadPool pool(2);
  ForwardState bounded(*model, 1024), full(*model, 1024, /*bound_local_layers=*/false);
  std::vector<int32_t> tokens(700);
  for (size_t i = 0; i < tokens.size(); ++i) tokens[i] = static_cast<int32_t>(3 + (i * 7919) % 31000);
  const size_t n_vocab = static_cast<size_t>(model->hparams().n_vocab);
  std::vector<float> a(n_vocab), b(n_vocab);
  for (size_t begin = 0; begin < tokens.size(); begin += 100) {
    const std::span<const int32_t> chunk = std::span(tokens).subspan(begin, 100);
    ASSERT_TRUE(bounded.Eval(chunk, pool, a.data()).ok());
    ASSERT_TRUE(full.Eval(chunk, pool, b.data()).ok());
    EXPECT_TRUE(SameBits(a, b)) << "after " << begin + 100 << " tokens";
  }
  EXPECT_LT(bounded.cache_bytes(), full.cache_bytes());
  // Rewinding into what the bounded layers still hold keeps the prefix; further back, nothing.
  bounded.Truncate(690);
  EXPECT_EQ(bounded.n_past(), 690);
  bounded.Truncate(100);
  EXPECT_EQ(bounded.n_past(), 0);
  full.Truncate(100);
  EXPECT_EQ(full.n_past(), 100);
}

GenerateParams Greedy(int32_t max_tokens) {
  GenerateParams params;
  params.max_tokens = max_tokens;
  params.sampling.temperature = 0.0f;
  return params;
}

class ConcurrentDecodeTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ConcurrentDecodeTest, ConcurrentSessionsShareForwardPassesAndGenerateWhatTheyWouldAlone) {
  std::shared_ptr<const Model> model = LoadShared(GetParam());
  ASSERT_NE(model, nullptr);
  const std::vector<std::string> prompts = {"Once upon a time", "The quick brown fox jumps over"};
  std::vector<std::vector<int32_t>> alone;
  for (const std::string& prompt : prompts) {
    ThreadPool pool(1);
    Session session(model, 128, pool);
    Result<GenerateResult> r = session.Generate(prompt, Greedy(24));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    alone.push_back(r->tokens);
  }

  // A long wait: every step of one session waits for the other's while both generate.
  DecodeBatcher batcher(2, std::chrono::seconds(20));
  std::vector<std::vector<int32_t>> together(prompts.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < prompts.size(); ++i) {
    threads.emplace_back([&, i] {
      ThreadPool pool(1);
      Session session(model, 128, pool);
      session.set_batcher(&batcher);
      Result<GenerateResult> r = session.Generate(prompts[i], Greedy(24));
      if (r.ok()) together[i] = r->tokens;
    });
  }
  for (std::thread& t : threads) t.join();

  EXPECT_EQ(together, alone);
  EXPECT_EQ(batcher.steps(), 2 * 24);  // each prompt, then 23 tokens (the 24th needs no pass)
  EXPECT_LT(batcher.passes(), batcher.steps());
}

// Llama, and the architectures with sliding windows and soft-capping (gemma2) and fused
// tensors (phi3); each generation runs past gemma2's window of 16 positions.
INSTANTIATE_TEST_SUITE_P(Models, ConcurrentDecodeTest,
                         ::testing::Values("synth-llama3-q4_0.gguf", "synth-gemma2-q8_0.gguf", "synth-phi3-q8_0.gguf"),
                         [](const auto& info) {
                           std::string name = info.param.substr(0, info.param.find(".gguf"));
                           for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

TEST(DecodeBatcher, ALongPromptGoesInChunksWithTheSameLogits) {
  std::shared_ptr<const Model> model = LoadShared("stories260K.gguf");
  ASSERT_NE(model, nullptr);
  std::string text;
  for (int i = 0; i < 12; ++i) text += "Once upon a time there was a little girl named Lily. ";
  const std::vector<int32_t> tokens = Tokens(*model, text);
  ASSERT_GT(tokens.size(), 2u * DecodeBatcher::kChunkTokens);
  ThreadPool pool(2);
  Session plain(model, 0, pool);
  Result<std::vector<float>> expected = plain.EvalLogits(tokens);
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();

  DecodeBatcher batcher(2);
  Session batched(model, 0, pool);
  batched.set_batcher(&batcher);
  Result<std::vector<float>> logits = batched.EvalLogits(tokens);
  ASSERT_TRUE(logits.ok()) << logits.status().ToString();
  EXPECT_TRUE(SameBits(*logits, *expected));
  EXPECT_EQ(batcher.passes(), static_cast<int64_t>((tokens.size() + DecodeBatcher::kChunkTokens - 1) /
                                                   DecodeBatcher::kChunkTokens));
}

TEST(DecodeBatcher, ALoneSessionDoesNotWaitForOthers) {
  std::shared_ptr<const Model> model = LoadShared("stories260K.gguf");
  ASSERT_NE(model, nullptr);
  DecodeBatcher batcher(1, std::chrono::seconds(60));
  ThreadPool pool(1);
  Session session(model, 0, pool);
  session.set_batcher(&batcher);
  const auto start = std::chrono::steady_clock::now();
  Result<GenerateResult> r = session.Generate("Once upon a time", Greedy(8));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  EXPECT_EQ(batcher.passes(), 8);  // the prompt, then 7 tokens (the 8th needs no pass)
  EXPECT_EQ(batcher.steps(), 8);
}

TEST(DecodeBatcher, AStepPastTheContextIsOutOfRangeAndRunsNothing) {
  std::shared_ptr<const Model> model = LoadShared("stories260K.gguf");
  ASSERT_NE(model, nullptr);
  DecodeBatcher batcher(1);
  ThreadPool pool(1);
  ForwardState state(*model, 2);
  ASSERT_TRUE(state.Eval(std::vector<int32_t>{1, 403}, pool, nullptr).ok());
  std::vector<float> logits(static_cast<size_t>(model->hparams().n_vocab));
  const int32_t past_the_end = 407, outside = -1;
  EXPECT_EQ(batcher.Eval(state, std::span(&past_the_end, 1), logits.data()).code(), StatusCode::kOutOfRange);
  EXPECT_EQ(batcher.Eval(state, std::span(&outside, 1), logits.data()).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(batcher.passes(), 0);
}

}  // namespace
}  // namespace llm::engine
