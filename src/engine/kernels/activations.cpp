#include "engine/kernels/activations.h"

#include <cmath>

#include "engine/kernels/block_types.h"
#include "engine/kernels/vec_ops.h"

namespace llm::engine::kernels {
namespace {

// ggml's nearest_int: round half to even through the float magic-number trick.
int NearestInt(float fval) {
  const float val = fval + 12582912.f;
  const int i = static_cast<int>(FloatToBits(val));
  return (i & 0x007fffff) - 0x00400000;
}

// Q8_0 and Q8_1 blocks as ggml's AVX2 quantize_row_q8_0/_q8_1: d = amax/127 stored as fp16,
// q = round_half_even(x * (127/amax)), and for Q8_1 s = fp16(d * sum(q)).
void ConvertQ8(const float* x, void* dst, int64_t n, bool with_s) {
  ActQ8Row v = ActQ8View(dst, n);
  auto* qs = const_cast<int8_t*>(v.qs);
  auto* qsu = const_cast<uint8_t*>(v.qsu);
  auto* dx8 = const_cast<float*>(v.dx8);
  auto* d = const_cast<float*>(v.d);
  auto* s = const_cast<float*>(v.s);
  auto* sum = const_cast<int32_t*>(v.sum);
  for (int64_t b = 0; b < n / 32; ++b) {
    const float* xb = x + b * 32;
    float amax = 0.0f;
    for (int j = 0; j < 32; ++j) {
      const float ax = std::fabs(xb[j]);
      amax = ax > amax ? ax : amax;
    }
    const float dv = amax / 127.f;
    const float id = amax != 0.0f ? 127.f / amax : 0.0f;
    int32_t total = 0;
    for (int j = 0; j < 32; ++j) {
      const int q = static_cast<int>(std::nearbyint(xb[j] * id));
      qs[b * 32 + j] = static_cast<int8_t>(q);
      qsu[b * 32 + j] = static_cast<uint8_t>(q + 128);
      total += q;
    }
    d[b] = HalfToFloat(FloatToHalf(dv));
    for (int k = 0; k < 8; ++k) dx8[8 * b + k] = d[b];
    s[b] = with_s ? HalfToFloat(FloatToHalf(dv * static_cast<float>(total))) : 0.0f;
    sum[b] = total;
  }
}

// quantize_row_q8_K_ref: scale from the signed value of largest magnitude.
void ConvertQ8K(const float* x, void* dst, int64_t n) {
  auto* y = static_cast<BlockQ8_K*>(dst);
  for (int64_t b = 0; b < n / kQKK; ++b, x += kQKK) {
    float max = 0, amax = 0;
    for (int j = 0; j < kQKK; ++j) {
      const float ax = std::fabs(x[j]);
      if (ax > amax) { amax = ax; max = x[j]; }
    }
    if (amax == 0.0f) {
      y[b].d = 0;
      std::memset(y[b].qs, 0, sizeof(y[b].qs));
      std::memset(y[b].bsums, 0, sizeof(y[b].bsums));
      continue;
    }
    const float iscale = -127.f / max;
    for (int j = 0; j < kQKK; ++j) {
      const int v = NearestInt(iscale * x[j]);
      y[b].qs[j] = static_cast<int8_t>(v < 127 ? v : 127);
    }
    for (int j = 0; j < kQKK / 16; ++j) {
      int total = 0;
      for (int i = 0; i < 16; ++i) total += y[b].qs[j * 16 + i];
      y[b].bsums[j] = static_cast<int16_t>(total);
    }
    y[b].d = 1 / iscale;
  }
}

}  // namespace

size_t ActRowStride(ActType type, int64_t n) {
  size_t bytes = 0;
  switch (type) {
    case ActType::kF32:
    case ActType::kF16:
    case ActType::kBF16: bytes = 4 * n; break;
    case ActType::kQ8_0:
    case ActType::kQ8_1: bytes = 2 * n + 44 * (n / 32); break;
    case ActType::kQ8_K: bytes = sizeof(BlockQ8_K) * (n / kQKK); break;
  }
  return (bytes + 63) & ~size_t{63};
}

void ConvertActivationRow(ActType type, const float* x, void* dst, int64_t n) {
  switch (type) {
    case ActType::kF32: std::memcpy(dst, x, 4 * n); return;
    case ActType::kF16: {  // same bits on every path (round to nearest even), SIMD when available
      auto* out = static_cast<float*>(dst);
      uint16_t half[256];
      for (int64_t i = 0; i < n; i += 256) {
        const int64_t len = n - i < 256 ? n - i : 256;
        F32ToF16Row(x + i, half, len);
        F16ToF32Row(half, out + i, len);
      }
      return;
    }
    case ActType::kBF16: {
      auto* out = static_cast<float*>(dst);
      for (int64_t i = 0; i < n; ++i) out[i] = Bf16ToFloat(FloatToBf16(x[i]));
      return;
    }
    case ActType::kQ8_0: ConvertQ8(x, dst, n, false); return;
    case ActType::kQ8_1: ConvertQ8(x, dst, n, true); return;
    case ActType::kQ8_K: ConvertQ8K(x, dst, n); return;
  }
}

}  // namespace llm::engine::kernels
