#include "engine/model/attention.h"

#include <algorithm>
#include <cmath>

#include "engine/kernels/vec_ops.h"

namespace llm::engine::model_internal {
namespace {

constexpr int32_t kLanes = 16;           // floats per AVX-512 vector
constexpr int32_t kVecDotSlots = 4 * kLanes;  // ggml_vec_dot_f16: GGML_F16_STEP
// llama.cpp pads the attended cells to 256 (32 before its KV cache padding became 256 in 2025,
// when flash attention became automatic). Masked cells have zero weight, but the padded count
// decides which cells ggml_vec_dot_f16 sums in vectors and which in its tail, so it shows in
// the last bits of one-token decoding: the references of the 2026 build match only with 256,
// and those of b4748 (padding 32) still match to the same cosine and greedy tokens.
constexpr int32_t kKvPad = 256;

bool HasFma() {
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
}

// _mm512_reduce_add_ps: halves 16 -> 8 -> 4 lanes, then (0+2) + (1+3).
float ReduceLanes(const float* v) {
  float t8[8], t4[4];
  for (int i = 0; i < 8; ++i) t8[i] = v[8 + i] + v[i];
  for (int i = 0; i < 4; ++i) t4[i] = t8[4 + i] + t8[i];
  return (t4[0] + t4[2]) + (t4[1] + t4[3]);
}

// Lane l of ggml's 4 vec_dot accumulators after GGML_F32x16_REDUCE's pairwise adds.
float CombineVecDotLanes(const float* acc, int32_t l, int32_t stride) {
  return (acc[l * stride] + acc[(2 * kLanes + l) * stride]) +
         (acc[(kLanes + l) * stride] + acc[(3 * kLanes + l) * stride]);
}

// acc[slot][d] += x[j][d] * p[j] for j in [0, n), slot = j % slots (fused multiply-add).
// Inlined into a build for FMA hardware and a portable one (std::fma in software).
[[gnu::always_inline]] inline void AccumulateRowsBody(float* acc, int32_t slots, const float* rows,
                                                      const float* p, int32_t n, int32_t width) {
  for (int32_t j = 0; j < n; ++j) {
    if (p[j] == 0.0f) continue;
    float* a = acc + static_cast<int64_t>(j % slots) * width;
    const float* x = rows + static_cast<int64_t>(j) * width;
    for (int32_t d = 0; d < width; ++d) a[d] = std::fma(x[d], p[j], a[d]);
  }
}

__attribute__((target("avx2,fma"))) void AccumulateRowsFma(float* acc, int32_t slots,
                                                          const float* rows, const float* p,
                                                          int32_t n, int32_t width) {
  AccumulateRowsBody(acc, slots, rows, p, n, width);
}

void AccumulateRowsPortable(float* acc, int32_t slots, const float* rows, const float* p,
                            int32_t n, int32_t width) {
  AccumulateRowsBody(acc, slots, rows, p, n, width);
}

void AccumulateRows(float* acc, int32_t slots, const float* rows, const float* p, int32_t n,
                    int32_t width) {
  if (HasFma()) {
    AccumulateRowsFma(acc, slots, rows, p, n, width);
  } else {
    AccumulateRowsPortable(acc, slots, rows, p, n, width);
  }
}

struct HeadJob {
  const float* q;         // [head_dim]
  int32_t first;          // the first visible key (> 0 with a sliding window)
  int32_t pos;            // the token's position: keys first..pos are visible
  int32_t n_kv;           // attended cells (padded)
  bool batch;             // a batch of >= 2 tokens: tinyBLAS order, else vec_dot order
  const uint16_t* k;      // row 0 of this KV head's keys
  const uint16_t* v;      // row 0 of this KV head's values
  int32_t kv_stride;      // elements between positions
  int32_t rows;           // position p is in row p % rows
  int32_t head_dim;
  float scale;
  float softcap;          // 0: none
  float* out;             // [head_dim]
};

// Scratch of one head: q16 [hd] | k row [hd] | scores [n_kv] | v rows [n_kv x hd] | acc.
void AttendOneHead(const HeadJob& job, AttentionScratch::Buffers& buffers) {
  std::vector<float>& scratch = buffers.floats;
  const int32_t hd = job.head_dim, n_keys = job.pos + 1;
  const bool tiny_blas_kq = job.batch && hd % kLanes == 0;
  const int32_t slots = job.batch ? kLanes : kVecDotSlots;
  const size_t need = static_cast<size_t>(2 * hd + job.n_kv + int64_t{n_keys} * hd + slots * hd);
  if (scratch.size() < need) scratch.resize(need);
  float* q16 = scratch.data();
  float* k_row = q16 + hd;
  float* scores = k_row + hd;
  float* v_rows = scores + job.n_kv;
  float* acc = v_rows + static_cast<size_t>(n_keys) * hd;

  std::vector<uint16_t>& halves = buffers.halves;
  if (halves.size() < static_cast<size_t>(std::max(hd, n_keys))) halves.resize(std::max(hd, n_keys));
  // q16 = f32(f16(q)); scores = cap(k . q16) * scale, -inf outside first..pos.
  F32ToF16Row(job.q, halves.data(), hd);
  F16ToF32Row(halves.data(), q16, hd);
  std::fill(scores, scores + job.first, -INFINITY);
  const float inv_cap = job.softcap > 0.0f ? 1.0f / job.softcap : 0.0f;
  for (int32_t j = job.first; j < n_keys; ++j) {
    F16ToF32Row(job.k + static_cast<int64_t>(j % job.rows) * job.kv_stride, k_row, hd);
    float dot = tiny_blas_kq ? TinyBlasOrderDot(k_row, q16, hd) : VecDotOrderDot(k_row, q16, hd);
    if (job.softcap > 0.0f) dot = std::tanh(dot * inv_cap) * job.softcap;
    scores[j] = dot * job.scale;
  }
  std::fill(scores + n_keys, scores + job.n_kv, -INFINITY);
  SoftmaxInPlace(scores, job.n_kv);
  // p16 = f32(f16(p)): ggml converts the probabilities for the f16 product with V.
  F32ToF16Row(scores, halves.data(), n_keys);
  F16ToF32Row(halves.data(), scores, n_keys);
  for (int32_t j = job.first; j < n_keys; ++j) {
    F16ToF32Row(job.v + static_cast<int64_t>(j % job.rows) * job.kv_stride, v_rows + static_cast<int64_t>(j) * hd, hd);
  }
  // out[d] = sum_j v[j][d] * p[j] in the kernel's order (masked cells have p = 0 and are
  // skipped: their value rows are not read).
  std::fill(acc, acc + static_cast<size_t>(slots) * hd, 0.0f);
  const int32_t n_simd = job.batch ? job.n_kv : job.n_kv & ~(kVecDotSlots - 1);
  AccumulateRows(acc, slots, v_rows, scores, std::min(n_simd, n_keys), hd);
  float lanes[kLanes];
  for (int32_t d = 0; d < hd; ++d) {
    for (int32_t l = 0; l < kLanes; ++l) {
      lanes[l] = job.batch ? acc[l * hd + d] : CombineVecDotLanes(acc + d, l, hd);
    }
    double sum = ReduceLanes(lanes);
    for (int32_t j = std::max(n_simd, job.first); j < n_keys; ++j) {
      sum += static_cast<double>(v_rows[static_cast<int64_t>(j) * hd + d] * scores[j]);
    }
    job.out[d] = static_cast<float>(sum);
  }
}

}  // namespace

namespace {

// The dot kernels' bodies; instantiated with and without FMA instructions (std::fma is exact
// either way, but a library call without them).
#define LLM_VEC_DOT_ORDER_BODY                                                                 \
  float acc[kVecDotSlots] = {};                                                                \
  const int32_t np = n & ~(kVecDotSlots - 1);                                                  \
  for (int32_t i = 0; i < np; i += kVecDotSlots) {                                             \
    for (int32_t s = 0; s < kVecDotSlots; ++s) acc[s] = std::fma(x[i + s], y[i + s], acc[s]);  \
  }                                                                                            \
  float lanes[kLanes];                                                                         \
  for (int32_t l = 0; l < kLanes; ++l) lanes[l] = CombineVecDotLanes(acc, l, 1);               \
  double sum = np > 0 ? ReduceLanes(lanes) : 0.0f;                                             \
  for (int32_t i = np; i < n; ++i) sum += static_cast<double>(x[i] * y[i]);                   \
  return static_cast<float>(sum);

#define LLM_TINY_BLAS_ORDER_BODY                                                             \
  float acc[kLanes] = {};                                                                    \
  for (int32_t i = 0; i < n; i += kLanes) {                                                  \
    for (int32_t l = 0; l < kLanes; ++l) acc[l] = std::fma(x[i + l], y[i + l], acc[l]);      \
  }                                                                                          \
  return ReduceLanes(acc);

__attribute__((target("avx2,fma"))) float VecDotOrderFma(const float* x, const float* y,
                                                        int32_t n) {
  LLM_VEC_DOT_ORDER_BODY
}
float VecDotOrderPortable(const float* x, const float* y, int32_t n) { LLM_VEC_DOT_ORDER_BODY }
__attribute__((target("avx2,fma"))) float TinyBlasOrderFma(const float* x, const float* y,
                                                          int32_t n) {
  LLM_TINY_BLAS_ORDER_BODY
}
float TinyBlasOrderPortable(const float* x, const float* y, int32_t n) { LLM_TINY_BLAS_ORDER_BODY }

#undef LLM_VEC_DOT_ORDER_BODY
#undef LLM_TINY_BLAS_ORDER_BODY

}  // namespace

float VecDotOrderDot(const float* x, const float* y, int32_t n) {
  return HasFma() ? VecDotOrderFma(x, y, n) : VecDotOrderPortable(x, y, n);
}

float TinyBlasOrderDot(const float* x, const float* y, int32_t n) {
  return HasFma() ? TinyBlasOrderFma(x, y, n) : TinyBlasOrderPortable(x, y, n);
}

void Attention(const float* q, int32_t n_tokens, int32_t pos0, const uint16_t* k_cache,
               const uint16_t* v_cache, const AttentionShape& shape, float* out,
               ThreadPool& pool, AttentionScratch& scratch) {
  const int32_t hd = shape.head_dim;
  const int32_t group = shape.n_head / shape.n_head_kv;
  const int32_t kv_stride = shape.n_head_kv * hd;
  const int64_t q_stride = int64_t{shape.n_head} * hd;
  const float scale = shape.scale != 0.0f ? shape.scale : 1.0f / std::sqrt(static_cast<float>(hd));
  const int32_t used = pos0 + n_tokens;
  const int32_t rows = shape.cache_rows > 0 ? shape.cache_rows : used;
  const int32_t n_kv = (used + kKvPad - 1) / kKvPad * kKvPad;
  scratch.per_thread.resize(static_cast<size_t>(pool.size()));
  const auto attend = [&](int64_t begin, int64_t end, int thread) {
    for (int64_t item = begin; item < end; ++item) {
      const int32_t t = static_cast<int32_t>(item / shape.n_head);
      const int32_t h = static_cast<int32_t>(item % shape.n_head);
      const int64_t kv_offset = int64_t{h / group} * hd;
      const int32_t pos = pos0 + t;
      const int32_t first = shape.window > 0 ? std::max(0, pos - shape.window + 1) : 0;
      const int32_t last = shape.causal ? pos : used - 1;
      const HeadJob job{q + t * q_stride + int64_t{h} * hd, first, last, n_kv, n_tokens >= 2,
                        k_cache + kv_offset, v_cache + kv_offset, kv_stride, rows, hd, scale,
                        shape.softcap, out + t * q_stride + int64_t{h} * hd};
      AttendOneHead(job, scratch.per_thread[static_cast<size_t>(thread)]);
    }
  };
  // Multiply-adds of the whole call; below ~64K the threads' hand-off costs more than it saves.
  const int64_t work = int64_t{n_tokens} * shape.n_head * used * hd * 2;
  const int64_t items = int64_t{n_tokens} * shape.n_head;
  if (work < 65536 || pool.size() == 1) {
    attend(0, items, 0);
  } else {
    pool.ParallelFor(items, attend);
  }
}

}  // namespace llm::engine::model_internal
