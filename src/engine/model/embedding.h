// Embeddings: one vector per token sequence, made of the model's final hidden states (after
// the output norm, before the output matrix), pooled as the GGUF declares and L2-normalised.
//
//   Embedder embedder(model, /*n_ctx=*/0, pool);
//   auto vectors = embedder.Embed({tokens_a, tokens_b});  // one forward pass for both
//
// Attention is the model's: causal for the decoder models (each token sees the tokens before
// it, so mean pooling weighs early tokens' context less than an encoder would), bidirectional
// within the input when the GGUF says `{arch}.attention.causal = false`.
// Every input gets a KV cache (ForwardState) of its own, sized to the input, so embedding never
// touches the cache of a generation session and many short inputs cost little memory. Inputs are packed into forward passes of at most
// ForwardState::kMaxBatch tokens; each input's vector is bit-identical whatever the other
// inputs of the call (EvalSequences keeps the sequences of a pass apart).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "engine/kernels/thread_pool.h"
#include "engine/model/model.h"

namespace llm::engine {

class DecodeBatcher;
struct ForwardScratch;
struct SequenceBatch;

enum class Pooling {
  kMean,  // the mean of every token's hidden state
  kCls,   // the first token's (a BERT-style [CLS] / BOS token)
  kLast,  // the last token's (what a causal decoder has read the whole input with)
};

// "mean" | "cls" | "last".
std::string_view PoolingName(Pooling pooling);

// The pooling a model declares by {arch}.pooling_type: 0 (none) and 1 -> mean, 2 -> CLS,
// 3 -> last; Unsupported for 4 (rank: a reranker's classification head).
Result<Pooling> ModelPooling(const ModelHparams& hp);

// Folds the hidden rows of one sequence, given in order in one or more parts, into one vector.
class HiddenPool {
 public:
  HiddenPool(Pooling pooling, int32_t n_embd);
  // Adds the next n_rows rows [n_rows x n_embd] of the sequence.
  void Add(const float* rows, int64_t n_rows);
  // The pooled vector [n_embd] (the mean sums in double, in row order); zeros before any row.
  std::vector<float> Pooled() const;

 private:
  Pooling pooling_;
  int32_t n_embd_;
  int64_t n_rows_ = 0;
  std::vector<double> sum_;    // mean
  std::vector<float> picked_;  // CLS: the first row; last: the latest row
};

// Scales v to unit Euclidean length (a zero vector stays zero).
void L2Normalize(std::span<float> v);

struct EmbedOptions {
  std::optional<Pooling> pooling;  // default: the model's (ModelPooling)
  bool normalize = true;           // L2-normalise each vector
};

class Embedder {
 public:
  // Computes on `pool` (which must not run another call at the same time). n_ctx: the most
  // tokens an input may have (0: the model's trained context); as a Session's n_ctx it also
  // picks the LongRoPE factors, so a slot of that context and the embedder agree.
  Embedder(std::shared_ptr<const Model> model, int32_t n_ctx, ThreadPool& pool);
  // Computes in passes of `batcher`'s own, run between the generations' shared passes.
  Embedder(std::shared_ptr<const Model> model, int32_t n_ctx, DecodeBatcher& batcher);
  ~Embedder();
  Embedder(const Embedder&) = delete;
  Embedder& operator=(const Embedder&) = delete;

  // One vector of n_embd floats per input, in input order. InvalidArgument for an empty
  // input or an id outside the vocabulary; OutOfRange for an input longer than n_ctx, or,
  // without causal attention, longer than one pass (ForwardState::kMaxBatch tokens);
  // Unsupported for rank pooling.
  Result<std::vector<std::vector<float>>> Embed(std::span<const std::vector<int32_t>> inputs,
                                                const EmbedOptions& options = {});

  int32_t n_ctx() const { return n_ctx_; }
  const Model& model() const { return *model_; }

 private:
  Status Check(std::span<const std::vector<int32_t>> inputs) const;
  // Inputs that fit one pass together, in one pass.
  Status EmbedGroup(std::span<const std::vector<int32_t>> inputs, Pooling pooling,
                    std::vector<float>* out);
  // One input longer than a pass, in consecutive passes over its own cache.
  Status EmbedLong(std::span<const int32_t> input, Pooling pooling, std::vector<float>* out);
  Status RunPass(std::span<const SequenceBatch> batch);

  std::shared_ptr<const Model> model_;
  int32_t n_ctx_;
  ThreadPool* pool_ = nullptr;
  DecodeBatcher* batcher_ = nullptr;
  std::unique_ptr<ForwardScratch> scratch_;  // for passes on pool_
};

}  // namespace llm::engine
