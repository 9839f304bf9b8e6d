#include "engine/model/forward.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "engine/kernels/vec_ops.h"
#include "engine/model/forward_ops.h"

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

// gate = silu(gate) * up over n_rows rows of `width` values, in chunks spread over the pool.
// Chunks start at row starts and are a multiple of the SIMD width, so each row is computed as
// ggml computes it (vectors, then the row's tail) whatever the other rows of the batch.
void ParallelSwiGlu(float* gate, const float* up, int64_t n_rows, int64_t width, ThreadPool& pool) {
  constexpr int64_t kChunk = 2048;
  const int64_t per_row = (width + kChunk - 1) / kChunk;
  ParallelRows(pool, n_rows * per_row, [&](int64_t i) {
    const int64_t begin = (i / per_row) * width + (i % per_row) * kChunk;
    const int64_t len = std::min(kChunk, width - (i % per_row) * kChunk);
    SwiGlu(gate + begin, up + begin, gate + begin, len);
  });
}

// LongRoPE (llama.cpp's choice): the long factors when the context exceeds the original one,
// else the short ones; otherwise rope_freqs (empty when absent).
const std::vector<float>& SelectRopeFactors(const Model& model, int32_t n_ctx) {
  const ModelWeights& w = model.weights();
  if (!w.rope_freq_factors.empty() || w.rope_factors_long.empty()) return w.rope_freq_factors;
  return n_ctx > model.hparams().n_ctx_orig ? w.rope_factors_long : w.rope_factors_short;
}

template <typename T>
void GrowTo(std::vector<T>& v, int64_t n) {
  if (v.size() < static_cast<size_t>(n)) v.resize(static_cast<size_t>(n));
}

}  // namespace

void ForwardScratch::Resize(const ModelHparams& hp, int32_t n_tokens) {
  const int64_t n = n_tokens;
  const int64_t q_dim = int64_t{hp.n_head} * hp.head_dim;
  const int64_t kv_dim = int64_t{hp.n_head_kv} * hp.head_dim;
  GrowTo(x, n * hp.n_embd);
  GrowTo(xb, n * std::max<int64_t>(hp.n_embd, q_dim));
  GrowTo(xb2, n * hp.n_embd);
  GrowTo(q, n * q_dim);
  GrowTo(k, n * kv_dim);
  GrowTo(v, n * kv_dim);
  GrowTo(att, n * q_dim);
  GrowTo(gate, n * hp.n_ff);
  GrowTo(up, n * hp.n_ff);
  GrowTo(rope, n * hp.n_rot);
  if (hp.n_swa > 0) GrowTo(rope_swa, n * hp.n_rot);
}

// One forward pass over the rows of several sequences (shapes are [rows x cols], one row per
// token; the rows of a sequence are consecutive).
class BatchPass {
 public:
  BatchPass(std::span<const SequenceBatch> batch, ThreadPool& pool, ForwardScratch& s)
      : batch_(batch), pool_(pool), s_(s), model_(batch.front().state->model_),
        hp_(model_.hparams()), w_(model_.weights()) {
    for (size_t i = 0; i < batch.size(); ++i) {
      const SequenceBatch& seq = batch[i];
      seq.state->cache_.Reserve(seq.state->n_past_ + static_cast<int32_t>(seq.tokens.size()));
      row0_.push_back(static_cast<int32_t>(tokens_.size()));
      for (size_t t = 0; t < seq.tokens.size(); ++t) {
        tokens_.push_back(seq.tokens[t]);
        seq_of_row_.push_back(static_cast<int32_t>(i));
        pos_of_row_.push_back(seq.state->n_past_ + static_cast<int32_t>(t));
      }
    }
    n_ = static_cast<int32_t>(tokens_.size());
    s_.Resize(hp_, n_);
  }

  void Run() {
    Embed();
    for (int32_t l = 0; l < hp_.n_layer; ++l) Layer(l);
    for (const SequenceBatch& seq : batch_) seq.state->n_past_ += static_cast<int32_t>(seq.tokens.size());
    Hidden();
    Logits();
  }

 private:
  ForwardState& StateOfRow(int64_t t) const {
    return *batch_[static_cast<size_t>(seq_of_row_[static_cast<size_t>(t)])].state;
  }

  // x = rows of the token embedding (times the embedding scale); rope (rope_swa) = the rotation
  // angles of each row's position in global (local) layers.
  void Embed() {
    const int64_t d = hp_.n_embd;
    ParallelRows(pool_, n_, [&](int64_t t) {
      const auto* row = static_cast<const uint8_t*>(w_.token_embd.data) +
                        static_cast<size_t>(tokens_[static_cast<size_t>(t)]) * w_.token_embd.row_bytes;
      DequantizeRow(w_.token_embd.type, row, &s_.x[static_cast<size_t>(t * d)], d);
      if (hp_.embedding_scale != 1.0f) ScaleF32(&s_.x[static_cast<size_t>(t * d)], hp_.embedding_scale, d);
    });
    for (int32_t t = 0; t < n_; ++t) {
      const int32_t pos = pos_of_row_[static_cast<size_t>(t)];
      const std::vector<float>& factors = StateOfRow(t).rope_factors();
      const size_t at = static_cast<size_t>(t) * hp_.n_rot;
      model_internal::RopeAngles(pos, hp_.n_rot, hp_.rope_freq_base, factors, &s_.rope[at], hp_.rope_freq_scale,
                                 hp_.rope_attn_factor);
      if (hp_.n_swa > 0) {
        model_internal::RopeAngles(pos, hp_.n_rot, hp_.rope_freq_base_swa, factors, &s_.rope_swa[at],
                                   hp_.rope_freq_scale_swa, hp_.rope_attn_factor);
      }
    }
  }

  void Layer(int32_t l) {
    const LayerWeights& lw = w_.layers[static_cast<size_t>(l)];
    const int64_t d = hp_.n_embd;
    float *x = s_.x.data(), *xb = s_.xb.data(), *xb2 = s_.xb2.data();
    // xb = rmsnorm(x) * attn_norm; q, k, v = xb . wq^T, wk^T, wv^T (+ biases, per-head norms)
    ParallelRows(pool_, n_, [&](int64_t t) { RmsNorm(&x[t * d], lw.attn_norm.data(), &xb[t * d], d, hp_.rms_eps); });
    MatMul(lw.wq, xb, n_, s_.q.data(), pool_);
    MatMul(lw.wk, xb, n_, s_.k.data(), pool_);
    MatMul(lw.wv, xb, n_, s_.v.data(), pool_);
    if (!lw.bq.empty() || !lw.q_norm.empty()) BiasAndNormHeads(lw);
    RotateAndStore(l);
    Attend(l);
    // xb2 = att . wo^T (then rmsnorm * post_attn_norm); x += xb2; xb = rmsnorm(x) * ffn_norm
    MatMul(lw.wo, s_.att.data(), n_, xb2, pool_);
    ParallelRows(pool_, n_, [&](int64_t t) {
      if (!lw.post_attn_norm.empty()) RmsNorm(&xb2[t * d], lw.post_attn_norm.data(), &xb2[t * d], d, hp_.rms_eps);
      VecAdd(&x[t * d], &xb2[t * d], &x[t * d], d);
      RmsNorm(&x[t * d], lw.ffn_norm.data(), &xb[t * d], d, hp_.rms_eps);
    });
    // gate, up [n x ff]; gate = act(gate) * up; xb2 = gate . w_down^T (then rmsnorm *
    // post_ffn_norm); x += xb2
    MatMul(lw.w_gate, xb, n_, s_.gate.data(), pool_);
    MatMul(lw.w_up, xb, n_, s_.up.data(), pool_);
    GatedActivation();
    MatMul(lw.w_down, s_.gate.data(), n_, xb2, pool_);
    ParallelRows(pool_, n_, [&](int64_t t) {
      if (!lw.post_ffn_norm.empty()) RmsNorm(&xb2[t * d], lw.post_ffn_norm.data(), &xb2[t * d], d, hp_.rms_eps);
      VecAdd(&x[t * d], &xb2[t * d], &x[t * d], d);
    });
  }

  // gate = act(gate) * up, row by row (SiLU or GELU-tanh, as the architecture says).
  void GatedActivation() {
    const int64_t ff = hp_.n_ff;
    if (hp_.arch->activation == FfnActivation::kSilu) {
      ParallelSwiGlu(s_.gate.data(), s_.up.data(), n_, ff, pool_);
      return;
    }
    ParallelRows(pool_, n_, [&](int64_t t) {
      model_internal::GeluTanhGate(&s_.gate[t * ff], &s_.up[t * ff], &s_.gate[t * ff], ff);
    });
  }

  // q, k, v += their biases; then q and k RMS-normed per head (times q_norm, k_norm).
  void BiasAndNormHeads(const LayerWeights& lw) {
    const int64_t hd = hp_.head_dim;
    const int64_t q_dim = hp_.n_head * hd, kv_dim = hp_.n_head_kv * hd;
    ParallelRows(pool_, n_, [&](int64_t t) {
      float *q = &s_.q[t * q_dim], *k = &s_.k[t * kv_dim], *v = &s_.v[t * kv_dim];
      if (!lw.bq.empty()) {
        VecAdd(q, lw.bq.data(), q, q_dim);
        VecAdd(k, lw.bk.data(), k, kv_dim);
        VecAdd(v, lw.bv.data(), v, kv_dim);
      }
      if (lw.q_norm.empty()) return;
      for (int64_t h = 0; h < hp_.n_head; ++h) RmsNorm(&q[h * hd], lw.q_norm.data(), &q[h * hd], hd, hp_.rms_eps);
      for (int64_t h = 0; h < hp_.n_head_kv; ++h) RmsNorm(&k[h * hd], lw.k_norm.data(), &k[h * hd], hd, hp_.rms_eps);
    });
  }

  // Rotates q and k per head (in the architecture's rope mode, with the layer's angles), scales
  // q when the architecture does so before attention, and stores k, v (f16) in each row's
  // sequence cache at its position.
  void RotateAndStore(int32_t l) {
    const int64_t q_dim = int64_t{hp_.n_head} * hp_.head_dim;
    const int64_t kv_dim = int64_t{hp_.n_head_kv} * hp_.head_dim;
    const std::vector<float>& angle_rows = hp_.IsLocalLayer(l) ? s_.rope_swa : s_.rope;
    const auto rope = hp_.arch->rope_mode == RopeMode::kNeox ? model_internal::RopeHeadNeox
                                                              : model_internal::RopeHead;
    ParallelRows(pool_, n_, [&](int64_t t) {
      const float* angles = &angle_rows[static_cast<size_t>(t) * hp_.n_rot];
      for (int32_t h = 0; h < hp_.n_head; ++h) rope(&s_.q[t * q_dim + int64_t{h} * hp_.head_dim], angles, hp_.n_rot);
      for (int32_t h = 0; h < hp_.n_head_kv; ++h) {
        rope(&s_.k[t * kv_dim + int64_t{h} * hp_.head_dim], angles, hp_.n_rot);
      }
      if (hp_.arch->query_prescale) ScaleF32(&s_.q[t * q_dim], hp_.attention_scale, q_dim);
      model_internal::KvCache& cache = StateOfRow(t).cache_;
      const int32_t pos = pos_of_row_[static_cast<size_t>(t)];
      F32ToF16Row(&s_.k[t * kv_dim], cache.k_row(l, pos), kv_dim);
      F32ToF16Row(&s_.v[t * kv_dim], cache.v_row(l, pos), kv_dim);
    });
  }

  // att = causal grouped-query attention of each sequence's rows over its own cache (within the
  // sliding window in local layers).
  void Attend(int32_t l) {
    const int64_t q_dim = int64_t{hp_.n_head} * hp_.head_dim;
    AttentionShape shape{hp_.n_head, hp_.n_head_kv, hp_.head_dim};
    shape.scale = hp_.arch->query_prescale ? 1.0f : hp_.attention_scale;
    shape.softcap = hp_.attn_softcap;
    shape.window = hp_.IsLocalLayer(l) ? hp_.n_swa : 0;
    shape.causal = hp_.causal_attention;
    for (size_t i = 0; i < batch_.size(); ++i) {
      const SequenceBatch& seq = batch_[i];
      const int64_t row0 = row0_[i];
      const model_internal::KvCache& cache = seq.state->cache_;
      shape.cache_rows = cache.rows(l);
      model_internal::Attention(&s_.q[static_cast<size_t>(row0 * q_dim)], static_cast<int32_t>(seq.tokens.size()),
                                seq.state->n_past_, cache.k_layer(l), cache.v_layer(l), shape,
                                &s_.att[static_cast<size_t>(row0 * q_dim)], pool_, s_.attention);
    }
  }

  // hidden = rmsnorm(x) * output_norm, every row of each sequence that wants them (the same
  // normed rows Logits() multiplies by the output matrix).
  void Hidden() {
    const int64_t d = hp_.n_embd;
    for (size_t i = 0; i < batch_.size(); ++i) {
      float* hidden = batch_[i].hidden;
      if (hidden == nullptr) continue;
      const float* x = &s_.x[static_cast<size_t>(row0_[i] * d)];
      ParallelRows(pool_, static_cast<int64_t>(batch_[i].tokens.size()), [&](int64_t t) {
        RmsNorm(&x[t * d], w_.output_norm.data(), &hidden[t * d], d, hp_.rms_eps);
      });
    }
  }

  // logits = rmsnorm(x[last row]) * output_norm . output^T for each sequence that wants them,
  // in one product (then soft-capped when the architecture caps the final logits).
  void Logits() {
    const int64_t d = hp_.n_embd, n_vocab = hp_.n_vocab;
    std::vector<size_t> wanted;
    for (size_t i = 0; i < batch_.size(); ++i) {
      if (batch_[i].logits != nullptr) wanted.push_back(i);
    }
    if (wanted.empty()) return;
    const int64_t m = static_cast<int64_t>(wanted.size());
    GrowTo(s_.last, m * d);
    GrowTo(s_.logits, m * n_vocab);
    for (int64_t j = 0; j < m; ++j) {
      const size_t i = wanted[static_cast<size_t>(j)];
      const int64_t last_row = row0_[i] + static_cast<int64_t>(batch_[i].tokens.size()) - 1;
      RmsNorm(&s_.x[static_cast<size_t>(last_row * d)], w_.output_norm.data(), &s_.last[static_cast<size_t>(j * d)], d,
              hp_.rms_eps);
    }
    MatMul(w_.output, s_.last.data(), m, s_.logits.data(), pool_);
    if (hp_.final_softcap > 0.0f) model_internal::SoftCapInPlace(s_.logits.data(), m * n_vocab, hp_.final_softcap);
    for (int64_t j = 0; j < m; ++j) {
      std::memcpy(batch_[wanted[static_cast<size_t>(j)]].logits, &s_.logits[static_cast<size_t>(j * n_vocab)],
                  static_cast<size_t>(n_vocab) * sizeof(float));
    }
  }

  std::span<const SequenceBatch> batch_;
  ThreadPool& pool_;
  ForwardScratch& s_;
  const Model& model_;
  const ModelHparams& hp_;
  const ModelWeights& w_;
  int32_t n_ = 0;
  std::vector<int32_t> tokens_, seq_of_row_, pos_of_row_, row0_;
};

ForwardState::ForwardState(const Model& model, int32_t n_ctx, bool bound_local_layers, int32_t rope_ctx)
    : model_(model),
      cache_(model.hparams().n_layer, model.hparams().n_head_kv * model.hparams().head_dim, n_ctx,
             model.hparams().swa_layers,
             bound_local_layers && model.hparams().n_swa > 0 ? model.hparams().n_swa + kMaxBatch : 0),
      rope_factors_(&SelectRopeFactors(model, rope_ctx > 0 ? rope_ctx : n_ctx)) {}

void ForwardState::Truncate(int32_t n) {
  n = std::min(n, n_past_);
  // A bounded (sliding-window) layer keeps positions n_past - rows .. n_past - 1; the next token
  // at position n needs n - window + 1 .. n - 1. When they are gone, start over.
  const int32_t window = model_.hparams().n_swa;
  if (n > 0 && window > 0 && n - window + 1 < n_past_ - cache_.min_rows()) n = 0;
  n_past_ = n;
}

Status ForwardState::CheckAppend(std::span<const int32_t> tokens) const {
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
  return Status::Ok();
}

Status ForwardState::Eval(std::span<const int32_t> tokens, ThreadPool& pool, float* logits) {
  LLM_RETURN_IF_ERROR(CheckAppend(tokens));
  for (size_t begin = 0; begin < tokens.size(); begin += kMaxBatch) {
    const size_t n = std::min<size_t>(kMaxBatch, tokens.size() - begin);
    const bool last = begin + n == tokens.size();
    const SequenceBatch one{this, tokens.subspan(begin, n), last ? logits : nullptr};
    EvalSequences(std::span(&one, 1), pool, scratch_);
  }
  return Status::Ok();
}

void EvalSequences(std::span<const SequenceBatch> batch, ThreadPool& pool, ForwardScratch& scratch) {
  if (batch.empty()) return;
  BatchPass(batch, pool, scratch).Run();
}

}  // namespace llm::engine
