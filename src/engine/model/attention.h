// Grouped-query causal self-attention over the f16 KV cache, with llama.cpp's numerics:
// the query is rounded to f16 before its dot products with the keys (ggml converts the f32
// operand of an f16 matrix product), scores are scaled by 1/sqrt(head_dim) and soft-maxed in
// f32 with a double sum, and the probabilities are rounded to f16 before weighting the values.
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
};

// For token t in [0, n_tokens) at position pos0 + t and head h:
//   out[t][h] = softmax(q[t][h] . K[0..pos0+t] * scale) . V[0..pos0+t]
// q and out are n_tokens x (n_head*head_dim); k_cache/v_cache hold one f16 row of
// n_head_kv*head_dim per position, up to position pos0 + n_tokens - 1. Parallel over
// (token, head) pairs; `scratch` is resized as needed (one score row per thread).
void Attention(const float* q, int32_t n_tokens, int32_t pos0, const uint16_t* k_cache,
               const uint16_t* v_cache, const AttentionShape& shape, float* out,
               ThreadPool& pool, std::vector<std::vector<float>>& scratch);

// f16 rows of the cache: dst[i] = f16(src[i]).
void F32ToF16Row(const float* src, uint16_t* dst, int64_t n);

}  // namespace llm::engine::model_internal
