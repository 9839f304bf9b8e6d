// The transformer forward pass over a batch of tokens from one or several sequences, and the
// per-sequence state it needs (the KV cache). Internal to engine_model; Session is its public
// face, DecodeBatcher batches the sequences of concurrent Sessions.
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

// Scratch activations of a forward pass (one row per token of the batch), grown on demand.
// One forward pass at a time uses a ForwardScratch.
struct ForwardScratch {
  void Resize(const ModelHparams& hp, int32_t n_tokens);

  std::vector<float> x, xb, xb2, q, k, v, att, gate, up;
  std::vector<float> rope;      // [n_tokens x n_rot] (cos, sin) pairs of the global layers
  std::vector<float> rope_swa;  // [n_tokens x n_rot] the same for local (sliding-window) layers
  std::vector<float> last;  // [n_sequences x n_embd]: the normed last rows whose logits are wanted
  std::vector<float> logits;  // [n_sequences x n_vocab]
  model_internal::AttentionScratch attention;
};

class ForwardState {
 public:
  // n_ctx: positions the cache may hold (1 <= n_ctx). With bound_local_layers, the cache of a
  // sliding-window layer keeps only its last window + kMaxBatch positions (what any token of a
  // batch can see); false keeps every position. rope_ctx: the context length whose RoPE factors
  // are used (LongRoPE picks long or short ones by it; 0: n_ctx), for a state that holds fewer
  // positions than the context it stands for (an embedding input).
  ForwardState(const Model& model, int32_t n_ctx, bool bound_local_layers = true, int32_t rope_ctx = 0);

  const Model& model() const { return model_; }
  int32_t n_past() const { return n_past_; }
  int32_t n_ctx() const { return cache_.n_ctx(); }
  size_t cache_bytes() const { return cache_.bytes(); }
  // Forgets positions >= n (n <= n_past()); forgets everything (n_past() becomes 0) when a
  // sliding-window layer no longer holds the window that position n needs. Callers read
  // n_past() afterwards to know what was kept.
  void Truncate(int32_t n);

  // Evaluates `tokens` at positions n_past()..., in batches of at most kMaxBatch, and writes
  // the logits after the last token to `logits` (n_vocab floats) when it is not null.
  // InvalidArgument for an id outside the vocabulary, OutOfRange past the context.
  Status Eval(std::span<const int32_t> tokens, ThreadPool& pool, float* logits);

  // Checks that `n` more tokens with these ids may be evaluated (the errors of Eval).
  Status CheckAppend(std::span<const int32_t> tokens) const;

  // The RoPE frequency factors of this context size (LongRoPE picks long or short ones).
  const std::vector<float>& rope_factors() const { return *rope_factors_; }

  static constexpr int32_t kMaxBatch = 512;

 private:
  friend class BatchPass;

  const Model& model_;
  model_internal::KvCache cache_;
  int32_t n_past_ = 0;
  const std::vector<float>* rope_factors_;
  ForwardScratch scratch_;
};

// One sequence's part of a batched forward pass: `tokens` are evaluated after the tokens in
// `state`, and the logits after the last one go to `logits` (n_vocab floats) unless null.
// `hidden` (unless null) gets the final hidden state of every token, after the output norm
// and before the output matrix: [tokens x n_embd] (what embeddings pool).
struct SequenceBatch {
  ForwardState* state;
  std::span<const int32_t> tokens;
  float* logits;
  float* hidden = nullptr;
};

// Evaluates the tokens of several sequences of one model in one forward pass: every weight
// matrix is read once for all of them, and each sequence attends only to its own cache. Each
// sequence's results equal those of its own ForwardState::Eval, bit for bit. The states must
// be distinct and of one model, each passing CheckAppend, with at most kMaxBatch tokens in all.
// A model without causal attention (hparams causal_attention false) lets each token see the
// later tokens of its own sequence in the same pass (not those of a later pass).
void EvalSequences(std::span<const SequenceBatch> batch, ThreadPool& pool, ForwardScratch& scratch);

}  // namespace llm::engine
