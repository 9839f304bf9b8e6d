// The portable dot products: ggml's reference vec_dot_* formulas, one activation row at a time.
#include "engine/kernels/block_types.h"
#include "engine/kernels/kernel_table.h"

namespace llm::engine::kernels {
namespace {

using RowDot = float (*)(int64_t n, const void* w, const void* act);

template <RowDot kDot>
void ForEachColumn(int64_t n, const void* w, const void* act, size_t stride, int ncols, float* out) {
  for (int c = 0; c < ncols; ++c) out[c] = kDot(n, w, static_cast<const uint8_t*>(act) + c * stride);
}

float DotF32(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const float*>(w);
  const auto* y = static_cast<const float*>(act);
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(x[i] * y[i]);
  return static_cast<float>(sum);
}

template <float (*kToF32)(uint16_t)>
float DotHalf(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const uint16_t*>(w);
  const auto* y = static_cast<const float*>(act);  // already rounded to the weight's type
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(kToF32(x[i]) * y[i]);
  return static_cast<float>(sum);
}

float Fp16Value(uint16_t h) { return HalfToFloat(h); }
float Bf16Value(uint16_t h) { return Bf16ToFloat(h); }

uint32_t Qh(const uint8_t* qh) {
  uint32_t v;
  std::memcpy(&v, qh, 4);
  return v;
}

// Integer dot of one 32-element weight block (values q[j] - offset) with activation quants.
int BlockDot(const int* q, const int8_t* a) {
  int sum = 0;
  for (int j = 0; j < 32; ++j) sum += q[j] * a[j];
  return sum;
}

// Unpacks a Q4/Q5 block's 32 unsigned quants (0..15 or 0..31) in element order.
void Unpack4(const uint8_t* qs, const uint8_t* qh, int* q) {
  const uint32_t h = qh != nullptr ? Qh(qh) : 0;
  for (int j = 0; j < 16; ++j) {
    q[j] = (qs[j] & 0x0F) | (((h >> j) << 4) & 0x10);
    q[j + 16] = (qs[j] >> 4) | ((h >> (j + 12)) & 0x10);
  }
}

template <typename Block, int kOffset, bool kHasMin>
float DotQ4Q5(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const Block*>(w);
  const ActQ8Row a = ActQ8View(act, n);
  float sumf = 0;
  for (int64_t b = 0; b < n / kQK; ++b) {
    int q[32];
    if constexpr (requires(const Block& blk) { blk.qh; }) {
      Unpack4(x[b].qs, x[b].qh, q);
    } else {
      Unpack4(x[b].qs, nullptr, q);
    }
    for (int& v : q) v -= kOffset;
    const int sumi = BlockDot(q, a.qs + b * kQK);
    if constexpr (kHasMin) {
      sumf += (HalfToFloat(x[b].d) * a.d[b]) * static_cast<float>(sumi) + HalfToFloat(x[b].m) * a.s[b];
    } else {
      sumf += static_cast<float>(sumi) * (HalfToFloat(x[b].d) * a.d[b]);
    }
  }
  return sumf;
}

float DotQ8_0(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockQ8_0*>(w);
  const ActQ8Row a = ActQ8View(act, n);
  float sumf = 0;
  for (int64_t b = 0; b < n / kQK; ++b) {
    int sumi = 0;
    for (int j = 0; j < 32; ++j) sumi += x[b].qs[j] * a.qs[b * kQK + j];
    sumf += static_cast<float>(sumi) * (HalfToFloat(x[b].d) * a.d[b]);
  }
  return sumf;
}

// Sum over 16-element groups g of scale[g] * dot(q[16g..], a[16g..]).
int ScaledGroupDot(const int* q, const int8_t* a, const int* scale) {
  int total = 0;
  for (int g = 0; g < 16; ++g) {
    int s = 0;
    for (int l = 0; l < 16; ++l) s += q[16 * g + l] * a[16 * g + l];
    total += scale[g] * s;
  }
  return total;
}

float DotQ2_K(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockQ2_K*>(w);
  const auto* y = static_cast<const BlockQ8_K*>(act);
  float sumf = 0;
  for (int64_t b = 0; b < n / kQKK; ++b) {
    int q[256], scale[16], summs = 0;
    for (int g = 0; g < 16; ++g) {
      scale[g] = x[b].scales[g] & 0xF;
      summs += y[b].bsums[g] * (x[b].scales[g] >> 4);
    }
    for (int e = 0; e < 256; ++e) q[e] = (x[b].qs[32 * (e / 128) + e % 32] >> (2 * ((e % 128) / 32))) & 3;
    const int isum = ScaledGroupDot(q, y[b].qs, scale);
    const float dall = y[b].d * HalfToFloat(x[b].d), dmin = y[b].d * HalfToFloat(x[b].dmin);
    sumf += dall * static_cast<float>(isum) - dmin * static_cast<float>(summs);
  }
  return sumf;
}

float DotQ3_K(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockQ3_K*>(w);
  const auto* y = static_cast<const BlockQ8_K*>(act);
  float sumf = 0;
  for (int64_t b = 0; b < n / kQKK; ++b) {
    int q[256], scale[16];
    int8_t sc[16];
    UnpackQ3KScales(x[b].scales, sc);
    for (int g = 0; g < 16; ++g) scale[g] = sc[g];
    for (int e = 0; e < 256; ++e) {
      const int chunk = e / 32, l = e % 32;  // chunk 0..7 selects the 2-bit field and hmask bit
      const int lo = (x[b].qs[32 * (chunk / 4) + l] >> (2 * (chunk % 4))) & 3;
      q[e] = lo - ((x[b].hmask[l] >> chunk) & 1 ? 0 : 4);
    }
    const int isum = ScaledGroupDot(q, y[b].qs, scale);
    sumf += HalfToFloat(x[b].d) * y[b].d * static_cast<float>(isum);
  }
  return sumf;
}

template <typename Block, bool kHasHigh>
float DotQ45K(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const Block*>(w);
  const auto* y = static_cast<const BlockQ8_K*>(act);
  float sumf = 0;
  for (int64_t b = 0; b < n / kQKK; ++b) {
    int isum = 0, summs = 0;
    for (int sub = 0; sub < 8; ++sub) {
      uint8_t sc, m;
      ScaleMinK4(sub, x[b].scales, &sc, &m);
      const uint8_t* q = x[b].qs + 32 * (sub / 2);
      int s = 0;
      for (int l = 0; l < 32; ++l) {
        int v = (sub & 1) ? (q[l] >> 4) : (q[l] & 0xF);
        if constexpr (kHasHigh) v |= ((x[b].qh[l] >> sub) & 1) << 4;
        s += v * y[b].qs[32 * sub + l];
      }
      isum += sc * s;
      summs += m * (y[b].bsums[2 * sub] + y[b].bsums[2 * sub + 1]);
    }
    const float d = HalfToFloat(x[b].d) * y[b].d, dmin = HalfToFloat(x[b].dmin) * y[b].d;
    sumf += d * static_cast<float>(isum) - dmin * static_cast<float>(summs);
  }
  return sumf;
}

float DotQ6_K(int64_t n, const void* w, const void* act) {
  const auto* x = static_cast<const BlockQ6_K*>(w);
  const auto* y = static_cast<const BlockQ8_K*>(act);
  float sumf = 0;
  for (int64_t b = 0; b < n / kQKK; ++b) {
    int q[256], scale[16];
    for (int g = 0; g < 16; ++g) scale[g] = x[b].scales[g];
    for (int half = 0; half < 2; ++half) {
      const uint8_t* ql = x[b].ql + 64 * half;
      const uint8_t* qh = x[b].qh + 32 * half;
      int* o = q + 128 * half;
      for (int l = 0; l < 32; ++l) {
        o[l] = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
        o[l + 32] = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
        o[l + 64] = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
        o[l + 96] = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
      }
    }
    const int isum = ScaledGroupDot(q, y[b].qs, scale);
    sumf += HalfToFloat(x[b].d) * y[b].d * static_cast<float>(isum);
  }
  return sumf;
}

}  // namespace

static DotFn ScalarDotFn(GgmlType type);

DotKernel ScalarDot(GgmlType type) {
  return {ScalarDotFn(type), 4};
}

static DotFn ScalarDotFn(GgmlType type) {
  switch (type) {
    case GgmlType::kF32: return ForEachColumn<DotF32>;
    case GgmlType::kF16: return ForEachColumn<DotHalf<Fp16Value>>;
    case GgmlType::kBF16: return ForEachColumn<DotHalf<Bf16Value>>;
    case GgmlType::kQ4_0: return ForEachColumn<DotQ4Q5<BlockQ4_0, 8, false>>;
    case GgmlType::kQ4_1: return ForEachColumn<DotQ4Q5<BlockQ4_1, 0, true>>;
    case GgmlType::kQ5_0: return ForEachColumn<DotQ4Q5<BlockQ5_0, 16, false>>;
    case GgmlType::kQ5_1: return ForEachColumn<DotQ4Q5<BlockQ5_1, 0, true>>;
    case GgmlType::kQ8_0: return ForEachColumn<DotQ8_0>;
    case GgmlType::kQ2_K: return ForEachColumn<DotQ2_K>;
    case GgmlType::kQ3_K: return ForEachColumn<DotQ3_K>;
    case GgmlType::kQ4_K: return ForEachColumn<DotQ45K<BlockQ4_K, false>>;
    case GgmlType::kQ5_K: return ForEachColumn<DotQ45K<BlockQ5_K, true>>;
    case GgmlType::kQ6_K: return ForEachColumn<DotQ6_K>;
    default: return nullptr;
  }
}

}  // namespace llm::engine::kernels
