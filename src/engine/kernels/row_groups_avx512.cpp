// The AVX-512 VNNI kernel of the row-group layout (row_groups.h); compiled with the avx512
// path's flags and only reached after PathSupported(Path::kAvx512) said yes.
//
// One i32 lane per weight row: each quant vector (4 elements of 16 rows) meets the same 4
// activation bytes of a token broadcast to every lane, so a token costs one vpdpbusd per 4
// elements of 16 rows, and the float scaling runs once per block for 16 rows. A pass keeps
// several tokens' sums in registers, so each quant vector is unpacked once for all of them.
#include <immintrin.h>

#include <cstring>

#include "engine/kernels/activations.h"
#include "engine/kernels/block_types.h"
#include "engine/kernels/row_groups.h"

namespace llm::engine::kernels {
namespace {

static inline __m512i Broadcast4(const int8_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof v);
  return _mm512_set1_epi32(v);
}

// NT tokens x 16 rows of a Q4_0 group, over every block.
template <int NT>
void PassQ4_0(const uint8_t* group, int64_t cols, const uint8_t* act, size_t act_stride, float* y, size_t out_stride) {
  constexpr size_t kBlockBytes = 32 + 4 * 64;
  const int64_t nb = cols / kQK;
  ActQ8Row a[NT];
  for (int t = 0; t < NT; ++t) a[t] = ActQ8View(act + t * act_stride, cols);
  __m512 acc[NT];
  for (int t = 0; t < NT; ++t) acc[t] = _mm512_setzero_ps();
  const __m512i low4 = _mm512_set1_epi8(0x0F);
  for (int64_t b = 0; b < nb; ++b) {
    const uint8_t* block = group + b * kBlockBytes;
    __m512i isum[NT];
    for (int t = 0; t < NT; ++t) isum[t] = _mm512_set1_epi32(-8 * a[t].sum[b]);
    for (int j = 0; j < 4; ++j) {
      const __m512i v = _mm512_loadu_si512(block + 32 + 64 * j);
      const __m512i lo = _mm512_and_si512(v, low4);
      const __m512i hi = _mm512_and_si512(_mm512_srli_epi16(v, 4), low4);
      for (int t = 0; t < NT; ++t) {
        const int8_t* x = a[t].qs + b * kQK;
        isum[t] = _mm512_dpbusd_epi32(isum[t], lo, Broadcast4(x + 4 * j));
        isum[t] = _mm512_dpbusd_epi32(isum[t], hi, Broadcast4(x + 16 + 4 * j));
      }
    }
    const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(block)));
    for (int t = 0; t < NT; ++t) {
      const __m512 scale = _mm512_mul_ps(dw, _mm512_set1_ps(a[t].d[b]));
      acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum[t]), scale, acc[t]);
    }
  }
  for (int t = 0; t < NT; ++t) _mm512_storeu_ps(y + t * out_stride, acc[t]);
}

// NT tokens x 16 rows of a Q4_K group, over every super-block (layout in row_groups.h).
template <int NT>
void PassQ4_K(const uint8_t* group, int64_t cols, const uint8_t* act, size_t act_stride, float* y, size_t out_stride) {
  constexpr size_t kScales = 64, kMins = kScales + 128, kQuants = kMins + 256, kBlockBytes = kQuants + 2048;
  const int64_t nb = cols / kQKK;
  const BlockQ8_K* a[NT];
  for (int t = 0; t < NT; ++t) a[t] = reinterpret_cast<const BlockQ8_K*>(act + t * act_stride);
  __m512 acc[NT];
  for (int t = 0; t < NT; ++t) acc[t] = _mm512_setzero_ps();
  const __m512i low4 = _mm512_set1_epi8(0x0F);
  for (int64_t b = 0; b < nb; ++b) {
    const uint8_t* block = group + b * kBlockBytes;
    __m512i isum[NT];
    for (int t = 0; t < NT; ++t) isum[t] = _mm512_setzero_si512();
    for (int i = 0; i < 4; ++i) {  // sub-blocks 2i (low nibbles) and 2i+1 (high nibbles)
      __m512i lo_sum[NT], hi_sum[NT];
      for (int t = 0; t < NT; ++t) lo_sum[t] = hi_sum[t] = _mm512_setzero_si512();
      for (int k = 0; k < 8; ++k) {
        const __m512i v = _mm512_loadu_si512(block + kQuants + 64 * (8 * i + k));
        const __m512i lo = _mm512_and_si512(v, low4);
        const __m512i hi = _mm512_and_si512(_mm512_srli_epi16(v, 4), low4);
        for (int t = 0; t < NT; ++t) {
          const int8_t* x = a[t][b].qs + 64 * i + 4 * k;
          lo_sum[t] = _mm512_dpbusd_epi32(lo_sum[t], lo, Broadcast4(x));
          hi_sum[t] = _mm512_dpbusd_epi32(hi_sum[t], hi, Broadcast4(x + 32));
        }
      }
      const __m512i sc_lo = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(block + kScales + 32 * i)));
      const __m512i sc_hi =
          _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(block + kScales + 32 * i + 16)));
      for (int t = 0; t < NT; ++t) {
        isum[t] = _mm512_add_epi32(isum[t], _mm512_mullo_epi32(lo_sum[t], sc_lo));
        isum[t] = _mm512_add_epi32(isum[t], _mm512_mullo_epi32(hi_sum[t], sc_hi));
      }
    }
    const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(block)));
    const __m512 dmin = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + 32)));
    for (int t = 0; t < NT; ++t) {
      const int16_t* bs = a[t][b].bsums;
      __m512i msum = _mm512_setzero_si512();
      for (int p = 0; p < 4; ++p) {
        const auto lo = static_cast<uint16_t>(bs[4 * p] + bs[4 * p + 1]);
        const auto hi = static_cast<uint16_t>(bs[4 * p + 2] + bs[4 * p + 3]);
        const __m512i pair = _mm512_set1_epi32(static_cast<int32_t>(lo | (static_cast<uint32_t>(hi) << 16)));
        msum = _mm512_dpwssd_epi32(msum, _mm512_loadu_si512(block + kMins + 64 * p), pair);
      }
      const __m512 da = _mm512_set1_ps(a[t][b].d);
      acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum[t]), _mm512_mul_ps(dw, da), acc[t]);
      acc[t] = _mm512_fnmadd_ps(_mm512_cvtepi32_ps(msum), _mm512_mul_ps(dmin, da), acc[t]);
    }
  }
  for (int t = 0; t < NT; ++t) _mm512_storeu_ps(y + t * out_stride, acc[t]);
}

using PassFn = void (*)(const uint8_t*, int64_t, const uint8_t*, size_t, float*, size_t);

// Every token, `max_nt` at a time; passes[nt - 1] handles nt tokens.
void AllTokens(const PassFn* passes, int max_nt, const uint8_t* group, int64_t cols, const uint8_t* act,
               size_t act_stride, int64_t n_tokens, float* y, size_t out_stride) {
  for (int64_t t0 = 0; t0 < n_tokens; t0 += max_nt) {
    const int64_t nt = n_tokens - t0 < max_nt ? n_tokens - t0 : max_nt;
    passes[nt - 1](group, cols, act + t0 * act_stride, act_stride, y + t0 * out_stride, out_stride);
  }
}

constexpr PassFn kQ4_0Passes[] = {PassQ4_0<1>, PassQ4_0<2>, PassQ4_0<3>, PassQ4_0<4>,
                                  PassQ4_0<5>, PassQ4_0<6>, PassQ4_0<7>, PassQ4_0<8>};
constexpr PassFn kQ4_KPasses[] = {PassQ4_K<1>, PassQ4_K<2>, PassQ4_K<3>, PassQ4_K<4>};

}  // namespace

void Avx512GroupMatMul(GgmlType type, const uint8_t* group, int64_t cols, const uint8_t* act, size_t act_stride,
                       int64_t n_tokens, float* y, size_t out_stride) {
  if (type == GgmlType::kQ4_0) {
    AllTokens(kQ4_0Passes, 8, group, cols, act, act_stride, n_tokens, y, out_stride);
  } else {
    AllTokens(kQ4_KPasses, 4, group, cols, act, act_stride, n_tokens, y, out_stride);
  }
}

}  // namespace llm::engine::kernels
