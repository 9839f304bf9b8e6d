#include "engine/model/forward.h"

#include <algorithm>
#include <string>

#include "engine/model/forward_ops.h"
#include "engine/kernels/vec_ops.h"

namespace llm::engine {
namespace {

using model_internal::AttentionShape;

// Runs fn(i) for i in [0, n) over the pool in contiguous chunks.
template <typename Fn>
void ParallelRows(ThreadPool& pool, int64_t n, const Fn& fn) {
  if (n == 1 || pool.size() == 1) {
    for (int64_t i = 0; i < n; ++i) fn(i);
    return;
  }
  pool.ParallelFor(n, [&](int64_t begin, int64_t end, int) {
    for (int64_t i = begin; i < end; ++i) fn(i);
  });
}

// gate = silu(gate) * up over n values, in chunks spread over the pool.
void ParallelSwiGlu(float* gate, const float* up, int64_t n, ThreadPool& pool) {
  constexpr int64_t kChunk = 2048;
  ParallelRows(pool, (n + kChunk - 1) / kChunk, [&](int64_t c) {
    const int64_t begin = c * kChunk;
    const int64_t len = std::min(kChunk, n - begin);
    SwiGlu(gate + begin, up + begin, gate + begin, len);
  });
}

}  // namespace

ForwardState::ForwardState(const Model& model, int32_t n_ctx)
    : model_(model),
      cache_(model.hparams().n_layer, model.hparams().n_head_kv * model.hparams().head_dim,
             n_ctx) {}

void ForwardState::Resize(int32_t n_tokens) {
  const ModelHparams& hp = model_.hparams();
  const auto rows = [&](int64_t width) { return static_cast<size_t>(n_tokens * width); };
  const int64_t q_dim = int64_t{hp.n_head} * hp.head_dim;
  const int64_t kv_dim = int64_t{hp.n_head_kv} * hp.head_dim;
  if (x_.size() >= rows(hp.n_embd)) return;
  x_.resize(rows(hp.n_embd));
  xb_.resize(rows(std::max<int64_t>(hp.n_embd, q_dim)));
  xb2_.resize(rows(hp.n_embd));
  q_.resize(rows(q_dim));
  k_.resize(rows(kv_dim));
  v_.resize(rows(kv_dim));
  att_.resize(rows(q_dim));
  gate_.resize(rows(hp.n_ff));
  up_.resize(rows(hp.n_ff));
  rope_.resize(rows(hp.n_rot));
}

Status ForwardState::Eval(std::span<const int32_t> tokens, ThreadPool& pool, float* logits) {
  const int32_t n_vocab = model_.hparams().n_vocab;
  for (int32_t id : tokens) {
    if (id < 0 || id >= n_vocab) {
      return Status::InvalidArgument("token id " + std::to_string(id) +
                                     " is outside the vocabulary (size " +
                                     std::to_string(n_vocab) + ")");
    }
  }
  if (static_cast<int64_t>(n_past_) + static_cast<int64_t>(tokens.size()) > cache_.n_ctx()) {
    return Status::OutOfRange("the context is full: " + std::to_string(n_past_) + " + " +
                              std::to_string(tokens.size()) + " tokens exceed n_ctx " +
                              std::to_string(cache_.n_ctx()));
  }
  if (tokens.empty()) return Status::InvalidArgument("no tokens to evaluate");
  cache_.Reserve(n_past_ + static_cast<int32_t>(tokens.size()));
  for (size_t begin = 0; begin < tokens.size(); begin += kMaxBatch) {
    const size_t n = std::min<size_t>(kMaxBatch, tokens.size() - begin);
    const bool last = begin + n == tokens.size();
    EvalBatch(tokens.subspan(begin, n), pool, last ? logits : nullptr);
  }
  return Status::Ok();
}

// The forward pass of n tokens (shapes are [rows x cols], one row per token).
void ForwardState::EvalBatch(std::span<const int32_t> tokens, ThreadPool& pool, float* logits) {
  const ModelHparams& hp = model_.hparams();
  const ModelWeights& w = model_.weights();
  const int32_t n = static_cast<int32_t>(tokens.size());
  const int64_t d = hp.n_embd, q_dim = int64_t{hp.n_head} * hp.head_dim;
  const int64_t kv_dim = int64_t{hp.n_head_kv} * hp.head_dim, ff = hp.n_ff;
  const int32_t pos0 = n_past_;
  Resize(n);

  // x [n x d] = rows of the token embedding.
  ParallelRows(pool, n, [&](int64_t t) {
    const auto* row = static_cast<const uint8_t*>(w.token_embd.data) +
                      static_cast<size_t>(tokens[static_cast<size_t>(t)]) * w.token_embd.row_bytes;
    DequantizeRow(w.token_embd.type, row, &x_[static_cast<size_t>(t * d)], d);
  });
  // rope_ [n x n_rot]: the rotation angles of each position, shared by every layer.
  for (int32_t t = 0; t < n; ++t) {
    model_internal::RopeAngles(pos0 + t, hp.n_rot, hp.rope_freq_base, w.rope_freq_factors,
                               &rope_[static_cast<size_t>(t) * hp.n_rot]);
  }
  const AttentionShape shape{hp.n_head, hp.n_head_kv, hp.head_dim};

  for (int32_t l = 0; l < hp.n_layer; ++l) {
    const LayerWeights& lw = w.layers[static_cast<size_t>(l)];
    // xb [n x d] = rmsnorm(x) * attn_norm
    ParallelRows(pool, n, [&](int64_t t) {
      RmsNorm(&x_[t * d], lw.attn_norm.data(), &xb_[t * d], d, hp.rms_eps);
    });
    // q [n x q_dim], k, v [n x kv_dim]
    MatMul(lw.wq, xb_.data(), n, q_.data(), pool);
    MatMul(lw.wk, xb_.data(), n, k_.data(), pool);
    MatMul(lw.wv, xb_.data(), n, v_.data(), pool);
    // Rotate q and k per head; store k, v (f16) at positions pos0.. of the cache.
    ParallelRows(pool, n, [&](int64_t t) {
      const float* angles = &rope_[static_cast<size_t>(t) * hp.n_rot];
      for (int32_t h = 0; h < hp.n_head; ++h) {
        model_internal::RopeHead(&q_[t * q_dim + int64_t{h} * hp.head_dim], angles, hp.n_rot);
      }
      for (int32_t h = 0; h < hp.n_head_kv; ++h) {
        model_internal::RopeHead(&k_[t * kv_dim + int64_t{h} * hp.head_dim], angles, hp.n_rot);
      }
      const int32_t pos = pos0 + static_cast<int32_t>(t);
      F32ToF16Row(&k_[t * kv_dim], cache_.k_row(l, pos), kv_dim);
      F32ToF16Row(&v_[t * kv_dim], cache_.v_row(l, pos), kv_dim);
    });
    // att [n x q_dim] = causal grouped-query attention over positions 0..pos0+t
    model_internal::Attention(q_.data(), n, pos0, cache_.k_layer(l), cache_.v_layer(l), shape,
                              att_.data(), pool, att_scratch_);
    // x += att . wo^T
    MatMul(lw.wo, att_.data(), n, xb2_.data(), pool);
    ParallelRows(pool, n, [&](int64_t t) {
      VecAdd(&x_[t * d], &xb2_[t * d], &x_[t * d], d);
      // xb = rmsnorm(x) * ffn_norm
      RmsNorm(&x_[t * d], lw.ffn_norm.data(), &xb_[t * d], d, hp.rms_eps);
    });
    // gate, up [n x ff]; gate = silu(gate) * up; x += gate . w_down^T
    MatMul(lw.w_gate, xb_.data(), n, gate_.data(), pool);
    MatMul(lw.w_up, xb_.data(), n, up_.data(), pool);
    ParallelSwiGlu(gate_.data(), up_.data(), n * ff, pool);
    MatMul(lw.w_down, gate_.data(), n, xb2_.data(), pool);
    ParallelRows(pool, n, [&](int64_t t) { VecAdd(&x_[t * d], &xb2_[t * d], &x_[t * d], d); });
  }
  n_past_ += n;
  if (logits == nullptr) return;
  // logits [1 x n_vocab] = rmsnorm(x[last]) * output_norm . output^T
  const float* last = &x_[static_cast<size_t>(n - 1) * d];
  RmsNorm(last, w.output_norm.data(), xb_.data(), d, hp.rms_eps);
  MatMul(w.output, xb_.data(), 1, logits, pool);
}

}  // namespace llm::engine
