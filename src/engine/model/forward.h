// The llama forward pass over a batch of tokens, and the per-session state it needs (the KV
// cache and scratch activations). Internal to engine_model; Session is its public face.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"
#include "engine/kernels/thread_pool.h"
#include "engine/model/attention.h"
#include "engine/model/kv_cache.h"
#include "engine/model/model.h"

namespace llm::engine {

class ForwardState {
 public:
  // n_ctx: positions the cache may hold (1 <= n_ctx).
  ForwardState(const Model& model, int32_t n_ctx);

  int32_t n_past() const { return n_past_; }
  int32_t n_ctx() const { return cache_.n_ctx(); }
  // Forgets positions >= n (n <= n_past()).
  void Truncate(int32_t n) { n_past_ = n < n_past_ ? n : n_past_; }

  // Evaluates `tokens` at positions n_past()..., in batches of at most kMaxBatch, and writes
  // the logits after the last token to `logits` (n_vocab floats) when it is not null.
  // InvalidArgument for an id outside the vocabulary, OutOfRange past the context.
  Status Eval(std::span<const int32_t> tokens, ThreadPool& pool, float* logits);

  static constexpr int32_t kMaxBatch = 512;

 private:
  // One batch of n tokens at positions n_past_ .. n_past_+n-1.
  void EvalBatch(std::span<const int32_t> tokens, ThreadPool& pool, float* logits);
  void Resize(int32_t n_tokens);

  const Model& model_;
  model_internal::KvCache cache_;
  int32_t n_past_ = 0;
  // Scratch activations, n_tokens rows each.
  std::vector<float> x_, xb_, xb2_, q_, k_, v_, att_, gate_, up_;
  std::vector<float> rope_;  // [n_tokens x n_rot] (cos, sin) pairs
  model_internal::AttentionScratch att_scratch_;
};

}  // namespace llm::engine
