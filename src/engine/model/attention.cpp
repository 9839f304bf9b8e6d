#include "engine/model/attention.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>

#include "engine/model/forward_ops.h"

namespace llm::engine::model_internal {
namespace {

// dot(q, f16 k) accumulated in f32.
float DotF16Scalar(const float* q, const uint16_t* k, int32_t n) {
  float sum = 0.0f;
  for (int32_t i = 0; i < n; ++i) sum += q[i] * F16ToF32(k[i]);
  return sum;
}

// out += a * f16 v.
void AxpyF16Scalar(float a, const uint16_t* v, float* out, int32_t n) {
  for (int32_t i = 0; i < n; ++i) out[i] += a * F16ToF32(v[i]);
}

__attribute__((target("avx2,fma,f16c"))) float DotF16Avx2(const float* q, const uint16_t* k,
                                                           int32_t n) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  int32_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256 k0 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(k + i)));
    const __m256 k1 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(k + i + 8)));
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), k0, acc0);
    acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8), k1, acc1);
  }
  for (; i + 8 <= n; i += 8) {
    const __m256 k0 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(k + i)));
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), k0, acc0);
  }
  const __m256 acc = _mm256_add_ps(acc0, acc1);
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s) + DotF16Scalar(q + i, k + i, n - i);
}

__attribute__((target("avx2,fma,f16c"))) void AxpyF16Avx2(float a, const uint16_t* v, float* out,
                                                          int32_t n) {
  const __m256 va = _mm256_set1_ps(a);
  int32_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v0 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(v + i)));
    _mm256_storeu_ps(out + i, _mm256_fmadd_ps(va, v0, _mm256_loadu_ps(out + i)));
  }
  AxpyF16Scalar(a, v + i, out + i, n - i);
}

__attribute__((target("avx,f16c"))) void F32ToF16RowF16c(const float* src, uint16_t* dst,
                                                         int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), h);
  }
  for (; i < n; ++i) dst[i] = F32ToF16(src[i]);
}

bool HasAvx2F16c() {
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                          __builtin_cpu_supports("f16c");
  return has;
}

// One (token, head) pair: scores, softmax, weighted sum of values.
void AttendOneHead(const float* q_head, int32_t n_keys, const uint16_t* k_cache,
                   const uint16_t* v_cache, int32_t kv_stride, int32_t head_dim, float scale,
                   float* scores, float* out_head) {
  const bool simd = HasAvx2F16c();
  float q16[512];  // the query rounded to f16 (head_dim <= 512 is checked at load)
  for (int32_t i = 0; i < head_dim; ++i) q16[i] = F16ToF32(F32ToF16(q_head[i]));
  float max_score = -INFINITY;
  for (int32_t j = 0; j < n_keys; ++j) {
    const uint16_t* k = k_cache + static_cast<int64_t>(j) * kv_stride;
    const float dot = simd ? DotF16Avx2(q16, k, head_dim) : DotF16Scalar(q16, k, head_dim);
    scores[j] = dot * scale;
    max_score = std::max(max_score, scores[j]);
  }
  double sum = 0.0;
  for (int32_t j = 0; j < n_keys; ++j) {
    scores[j] = std::exp(scores[j] - max_score);
    sum += static_cast<double>(scores[j]);
  }
  const float inv_sum = static_cast<float>(1.0 / sum);
  std::fill(out_head, out_head + head_dim, 0.0f);
  for (int32_t j = 0; j < n_keys; ++j) {
    const float p = F16ToF32(F32ToF16(scores[j] * inv_sum));
    if (p == 0.0f) continue;
    const uint16_t* v = v_cache + static_cast<int64_t>(j) * kv_stride;
    if (simd) {
      AxpyF16Avx2(p, v, out_head, head_dim);
    } else {
      AxpyF16Scalar(p, v, out_head, head_dim);
    }
  }
}

}  // namespace

void F32ToF16Row(const float* src, uint16_t* dst, int64_t n) {
  if (HasAvx2F16c()) {
    F32ToF16RowF16c(src, dst, n);
    return;
  }
  for (int64_t i = 0; i < n; ++i) dst[i] = F32ToF16(src[i]);
}

void Attention(const float* q, int32_t n_tokens, int32_t pos0, const uint16_t* k_cache,
               const uint16_t* v_cache, const AttentionShape& shape, float* out,
               ThreadPool& pool, std::vector<std::vector<float>>& scratch) {
  const int32_t hd = shape.head_dim;
  const int32_t group = shape.n_head / shape.n_head_kv;
  const int32_t kv_stride = shape.n_head_kv * hd;
  const int64_t q_stride = int64_t{shape.n_head} * hd;
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
  const size_t max_keys = static_cast<size_t>(pos0 + n_tokens);
  scratch.resize(static_cast<size_t>(pool.size()));
  for (auto& row : scratch) {
    if (row.size() < max_keys) row.resize(max_keys);
  }
  pool.ParallelFor(int64_t{n_tokens} * shape.n_head, [&](int64_t begin, int64_t end, int thread) {
    float* scores = scratch[static_cast<size_t>(thread)].data();
    for (int64_t item = begin; item < end; ++item) {
      const int32_t t = static_cast<int32_t>(item / shape.n_head);
      const int32_t h = static_cast<int32_t>(item % shape.n_head);
      const int64_t kv_offset = int64_t{h / group} * hd;
      AttendOneHead(q + t * q_stride + int64_t{h} * hd, pos0 + t + 1, k_cache + kv_offset,
                    v_cache + kv_offset, kv_stride, hd, scale, scores,
                    out + t * q_stride + int64_t{h} * hd);
    }
  });
}

}  // namespace llm::engine::model_internal
