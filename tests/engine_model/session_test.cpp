#include "engine/model/session.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine_model/test_models.h"

namespace llm::engine {
namespace {

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::shared_ptr<const Model>> model =
        Model::Load(testing_util::SharedModelPath("stories260K.gguf"));
    ASSERT_TRUE(model.ok()) << model.status().ToString();
    model_ = *model;
  }
  static GenerateParams Greedy(int32_t max_tokens) {
    GenerateParams params;
    params.max_tokens = max_tokens;
    params.sampling.temperature = 0.0f;
    return params;
  }
  std::string Pieces(const std::vector<int32_t>& tokens) const {
    std::string text;
    for (int32_t id : tokens) text += model_->tokenizer().TokenToPiece(id, false);
    return text;
  }

  std::shared_ptr<const Model> model_;
  ThreadPool pool_{2};
};

TEST_F(SessionTest, GreedyGenerationStopsAtMaxTokensWithLength) {
  Session session(model_, 0, pool_);
  Result<GenerateResult> r = session.Generate("Once upon a time", Greedy(8));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->prompt_tokens, (std::vector<int32_t>{1, 403, 407, 261, 378}));
  EXPECT_EQ(r->tokens.size(), 8u);
  EXPECT_EQ(r->finish_reason, FinishReason::kLength);
  EXPECT_EQ(FinishReasonName(r->finish_reason), "length");
  EXPECT_EQ(r->text, Pieces(r->tokens));
  EXPECT_EQ(r->timings.prompt_n, 5);
  EXPECT_EQ(r->timings.predicted_n, 8);
  EXPECT_GT(r->timings.prompt_per_second, 0.0);
  EXPECT_GT(r->timings.predicted_per_second, 0.0);
}

TEST_F(SessionTest, OnPieceStreamsTheWholeTextInOrder) {
  Session session(model_, 0, pool_);
  std::string streamed;
  GenerateCallbacks cb;
  cb.on_piece = [&](std::string_view piece) {
    EXPECT_FALSE(piece.empty());
    streamed += piece;
    return true;
  };
  Result<GenerateResult> r = session.Generate("The little dog was", Greedy(20), cb);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(streamed, r->text);
  EXPECT_FALSE(streamed.empty());
}

TEST_F(SessionTest, StopStringCutsTheTextBeforeIt) {
  Session session(model_, 0, pool_);
  Result<GenerateResult> full = session.Generate("Once upon a time", Greedy(32));
  ASSERT_TRUE(full.ok());
  ASSERT_GT(full->text.size(), 20u);
  const std::string stop = full->text.substr(12, 5);
  GenerateParams params = Greedy(32);
  params.stop = {stop};
  std::string streamed;
  GenerateCallbacks cb;
  cb.on_piece = [&](std::string_view piece) {
    streamed += piece;
    return true;
  };
  Result<GenerateResult> cut = session.Generate("Once upon a time", params, cb);
  ASSERT_TRUE(cut.ok());
  EXPECT_EQ(cut->finish_reason, FinishReason::kStop);
  EXPECT_EQ(cut->text, full->text.substr(0, full->text.find(stop)));
  EXPECT_EQ(streamed, cut->text);
  EXPECT_LT(cut->tokens.size(), full->tokens.size());
}

TEST_F(SessionTest, OnPieceReturningFalseCancelsWithinOneToken) {
  Session session(model_, 0, pool_);
  GenerateCallbacks cb;
  cb.on_piece = [](std::string_view) { return false; };
  Result<GenerateResult> r = session.Generate("Once upon a time", Greedy(32), cb);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->finish_reason, FinishReason::kCancelled);
  EXPECT_EQ(r->tokens.size(), 1u);
}

TEST_F(SessionTest, ShouldCancelIsPolledBeforeEachToken) {
  Session session(model_, 0, pool_);
  int polls = 0;
  GenerateCallbacks cb;
  cb.should_cancel = [&] { return ++polls > 3; };
  Result<GenerateResult> r = session.Generate("Once upon a time", Greedy(32), cb);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->finish_reason, FinishReason::kCancelled);
  EXPECT_EQ(r->tokens.size(), 3u);
}

TEST_F(SessionTest, APromptLongerThanTheContextIsOutOfRange) {
  Session session(model_, 8, pool_);
  Result<GenerateResult> r =
      session.Generate("Once upon a time there was a little girl named Lily", Greedy(4));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kOutOfRange);
}

TEST_F(SessionTest, GenerationEndsWithLengthWhenTheContextIsFull) {
  Session session(model_, 16, pool_);
  Result<GenerateResult> r = session.Generate("Once upon a time", Greedy(-1));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->finish_reason, FinishReason::kLength);
  // The cache holds 16 tokens; the token sampled after the last of them is still returned.
  EXPECT_EQ(r->prompt_tokens.size() + r->tokens.size(), 17u);
}

TEST_F(SessionTest, InvalidSamplingParamsAreRejected) {
  Session session(model_, 0, pool_);
  GenerateParams params;
  params.sampling.temperature = 5.0f;
  Result<GenerateResult> r = session.Generate("Hi", params);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SessionTest, ASeedMakesSamplingReproducible) {
  Session session(model_, 0, pool_);
  GenerateParams params;
  params.max_tokens = 24;
  params.sampling.temperature = 1.0f;
  params.sampling.seed = 1234;
  Result<GenerateResult> a = session.Generate("Tom and Sue", params);
  Result<GenerateResult> b = session.Generate("Tom and Sue", params);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->tokens, b->tokens);
}

TEST_F(SessionTest, ReusingTheCachedPrefixGivesTheSameTokens) {
  Session fresh(model_, 0, pool_);
  Result<GenerateResult> expected = fresh.Generate("The little dog was", Greedy(16));
  Session session(model_, 0, pool_);
  ASSERT_TRUE(session.Generate("The little dog", Greedy(4)).ok());
  Result<GenerateResult> r = session.Generate("The little dog was", Greedy(16));
  ASSERT_TRUE(expected.ok() && r.ok());
  EXPECT_EQ(r->tokens, expected->tokens);
  EXPECT_LT(r->timings.prompt_n, static_cast<int32_t>(r->prompt_tokens.size()));
}

TEST_F(SessionTest, EvalLogitsRejectsIdsOutsideTheVocabulary) {
  Session session(model_, 0, pool_);
  const std::vector<int32_t> tokens = {1, 600};
  Result<std::vector<float>> logits = session.EvalLogits(tokens);
  ASSERT_FALSE(logits.ok());
  EXPECT_EQ(logits.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SessionTest, BatchedAndTokenByTokenEvaluationAgree) {
  const std::vector<int32_t> tokens = {1, 403, 407, 261, 378, 432, 383};
  Session batched(model_, 0, pool_);
  Result<std::vector<float>> a = batched.EvalLogits(tokens);
  Session stepwise(model_, 0, pool_);
  std::vector<float> b;
  for (int32_t id : tokens) ASSERT_TRUE(stepwise.Append(std::span(&id, 1), &b).ok());
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), b.size());
  for (size_t i = 0; i < b.size(); ++i) EXPECT_NEAR((*a)[i], b[i], 1e-3f) << i;
}

}  // namespace
}  // namespace llm::engine
