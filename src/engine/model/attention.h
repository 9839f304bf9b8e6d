// Grouped-query causal self-attention over the f16 KV cache, with llama.cpp's numerics (CPU
// backend, AVX-512 build, no flash attention):
//   - the query is rounded to f16 (ggml converts the f32 operand of an f16 matrix product);
//   - scores span n_kv = the used cells padded to 256, masked with -inf past the token's
//     position (and, with a sliding window w, at positions <= pos - w), soft-capped when asked
//     (cap * tanh(s / cap)), scaled and soft-maxed (vec_ops SoftmaxInPlace);
//   - the probabilities are rounded to f16 and multiply the f16 values;
//   - every dot product sums in the order of the ggml kernel llama.cpp uses for it:
//     ggml_vec_dot_f16 (4 x 16 lanes, double tail) for one token, tinyBLAS (16 lanes) for a
//     batch of two or more tokens.
// Internal to engine_model.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/kernels/thread_pool.h"

namespace llm::engine::model_internal {

struct AttentionShape {
  int32_t n_head;
  int32_t n_head_kv;
  int32_t head_dim;
  float scale = 0.0f;    // multiplies the scores; 0: 1/sqrt(head_dim)
  float softcap = 0.0f;  // attention-logit soft-capping (0: none)
  int32_t window = 0;    // sliding window: a token sees its last `window` positions (0: all)
  int32_t cache_rows = 0;  // rows of a ring-buffer cache: position p in row p % cache_rows (0: row p)
  bool causal = true;      // false: every token of the call also sees the later tokens of the call
};

// Per-thread scratch of Attention (grown on demand).
struct AttentionScratch {
  struct Buffers {
    std::vector<float> floats;
    std::vector<uint16_t> halves;
  };
  std::vector<Buffers> per_thread;
};

// For token t in [0, n_tokens) at position p = pos0 + t and head h, with f = 0 (or
// max(0, p - window + 1) with a window) and e = p (non-causal: e = pos0 + n_tokens - 1):
//   out[t][h] = softmax(cap(q[t][h] . K[f..e]) * scale) . V[f..e]
// q and out are n_tokens x (n_head*head_dim); k_cache/v_cache hold one f16 row of
// n_head_kv*head_dim per position (in row p % cache_rows for a ring buffer), up to position
// pos0 + n_tokens - 1; a ring must hold every visible position. Parallel over
// (token, head) pairs when the work is large enough.
void Attention(const float* q, int32_t n_tokens, int32_t pos0, const uint16_t* k_cache,
               const uint16_t* v_cache, const AttentionShape& shape, float* out,
               ThreadPool& pool, AttentionScratch& scratch);

// The sum of x[i] * y[i] in the order of ggml_vec_dot_f16 (AVX-512): 4 accumulators of 16
// lanes over blocks of 64 (fused multiply-adds), reduced, then the tail added in double.
float VecDotOrderDot(const float* x, const float* y, int32_t n);
// The sum of x[i] * y[i] in the order of llamafile's tinyBLAS (AVX-512): one accumulator of
// 16 lanes; n is a multiple of 16.
float TinyBlasOrderDot(const float* x, const float* y, int32_t n);

}  // namespace llm::engine::model_internal
