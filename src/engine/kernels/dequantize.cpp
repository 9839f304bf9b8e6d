// DequantizeRow: the scalar dequantizers of ggml (dequantize_row_*), one per tensor type.
#include <cassert>

#include "engine/kernels/block_types.h"
#include "engine/kernels/matmul.h"

namespace llm::engine {
namespace {

using namespace kernels;

void DequantQ4_0(const BlockQ4_0* x, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, y += 32) {
    const float d = HalfToFloat(x[i].d);
    for (int j = 0; j < 16; ++j) {
      y[j] = static_cast<float>((x[i].qs[j] & 0x0F) - 8) * d;
      y[j + 16] = static_cast<float>((x[i].qs[j] >> 4) - 8) * d;
    }
  }
}

void DequantQ4_1(const BlockQ4_1* x, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, y += 32) {
    const float d = HalfToFloat(x[i].d), m = HalfToFloat(x[i].m);
    for (int j = 0; j < 16; ++j) {
      y[j] = static_cast<float>(x[i].qs[j] & 0x0F) * d + m;
      y[j + 16] = static_cast<float>(x[i].qs[j] >> 4) * d + m;
    }
  }
}

template <typename Block>
uint32_t HighBits(const Block& b) {
  uint32_t qh;
  std::memcpy(&qh, b.qh, 4);
  return qh;
}

void DequantQ5_0(const BlockQ5_0* x, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, y += 32) {
    const float d = HalfToFloat(x[i].d);
    const uint32_t qh = HighBits(x[i]);
    for (int j = 0; j < 16; ++j) {
      const int h0 = ((qh >> j) << 4) & 0x10, h1 = (qh >> (j + 12)) & 0x10;
      y[j] = static_cast<float>(((x[i].qs[j] & 0x0F) | h0) - 16) * d;
      y[j + 16] = static_cast<float>(((x[i].qs[j] >> 4) | h1) - 16) * d;
    }
  }
}

void DequantQ5_1(const BlockQ5_1* x, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, y += 32) {
    const float d = HalfToFloat(x[i].d), m = HalfToFloat(x[i].m);
    const uint32_t qh = HighBits(x[i]);
    for (int j = 0; j < 16; ++j) {
      const int h0 = ((qh >> j) << 4) & 0x10, h1 = (qh >> (j + 12)) & 0x10;
      y[j] = static_cast<float>((x[i].qs[j] & 0x0F) | h0) * d + m;
      y[j + 16] = static_cast<float>((x[i].qs[j] >> 4) | h1) * d + m;
    }
  }
}

void DequantQ8_0(const BlockQ8_0* x, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, y += 32) {
    const float d = HalfToFloat(x[i].d);
    for (int j = 0; j < 32; ++j) y[j] = static_cast<float>(x[i].qs[j]) * d;
  }
}

void DequantQ2_K(const BlockQ2_K* x, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i) {
    const float d = HalfToFloat(x[i].d), dmin = HalfToFloat(x[i].dmin);
    const uint8_t* q = x[i].qs;
    int is = 0;
    for (int n = 0; n < kQKK; n += 128, q += 32) {
      for (int shift = 0; shift < 8; shift += 2) {
        for (int half = 0; half < 2; ++half) {
          const uint8_t sc = x[i].scales[is++];
          const float dl = d * static_cast<float>(sc & 0xF), ml = dmin * static_cast<float>(sc >> 4);
          for (int l = 0; l < 16; ++l) *y++ = dl * static_cast<float>((q[l + 16 * half] >> shift) & 3) - ml;
        }
      }
    }
  }
}

void DequantQ3_K(const BlockQ3_K* x, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i) {
    const float d_all = HalfToFloat(x[i].d);
    int8_t scales[16];
    UnpackQ3KScales(x[i].scales, scales);
    const uint8_t* q = x[i].qs;
    uint8_t m = 1;
    int is = 0;
    for (int n = 0; n < kQKK; n += 128, q += 32) {
      for (int shift = 0; shift < 8; shift += 2, m = static_cast<uint8_t>(m << 1)) {
        for (int half = 0; half < 2; ++half) {
          const float dl = d_all * static_cast<float>(scales[is++]);
          for (int l = 16 * half; l < 16 * half + 16; ++l) {
            const int v = ((q[l] >> shift) & 3) - ((x[i].hmask[l] & m) ? 0 : 4);
            *y++ = dl * static_cast<float>(v);
          }
        }
      }
    }
  }
}

uint8_t HighByte(const BlockQ4_K&, int) { return 0; }
uint8_t HighByte(const BlockQ5_K& b, int l) { return b.qh[l]; }

template <typename Block>
void DequantQ45K(const Block* x, float* y, int64_t nb, bool has_high) {
  for (int64_t i = 0; i < nb; ++i) {
    const float d = HalfToFloat(x[i].d), dmin = HalfToFloat(x[i].dmin);
    const uint8_t* q = x[i].qs;
    for (int j = 0; j < 4; ++j, q += 32) {
      for (int nib = 0; nib < 2; ++nib) {
        uint8_t sc, m;
        ScaleMinK4(2 * j + nib, x[i].scales, &sc, &m);
        const float dl = d * sc, ml = dmin * m;
        for (int l = 0; l < 32; ++l) {
          int v = nib ? (q[l] >> 4) : (q[l] & 0xF);
          if (has_high) v += ((HighByte(x[i], l) >> (2 * j + nib)) & 1) << 4;
          *y++ = dl * static_cast<float>(v) - ml;
        }
      }
    }
  }
}


void DequantQ6_K(const BlockQ6_K* x, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i) {
    const float d = HalfToFloat(x[i].d);
    const uint8_t* ql = x[i].ql;
    const uint8_t* qh = x[i].qh;
    const int8_t* sc = x[i].scales;
    for (int n = 0; n < kQKK; n += 128, y += 128, ql += 64, qh += 32, sc += 8) {
      for (int l = 0; l < 32; ++l) {
        const int is = l / 16;
        const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
        const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
        const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
        const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
        y[l] = d * sc[is + 0] * static_cast<float>(q1);
        y[l + 32] = d * sc[is + 2] * static_cast<float>(q2);
        y[l + 64] = d * sc[is + 4] * static_cast<float>(q3);
        y[l + 96] = d * sc[is + 6] * static_cast<float>(q4);
      }
    }
  }
}

}  // namespace

void DequantizeRow(GgmlType type, const void* src, float* dst, int64_t n) {
  switch (type) {
    case GgmlType::kF32: std::memcpy(dst, src, 4 * n); return;
    case GgmlType::kF16: {
      const auto* h = static_cast<const uint16_t*>(src);
      for (int64_t i = 0; i < n; ++i) dst[i] = HalfToFloat(h[i]);
      return;
    }
    case GgmlType::kBF16: {
      const auto* h = static_cast<const uint16_t*>(src);
      for (int64_t i = 0; i < n; ++i) dst[i] = Bf16ToFloat(h[i]);
      return;
    }
    case GgmlType::kQ4_0: return DequantQ4_0(static_cast<const BlockQ4_0*>(src), dst, n / kQK);
    case GgmlType::kQ4_1: return DequantQ4_1(static_cast<const BlockQ4_1*>(src), dst, n / kQK);
    case GgmlType::kQ5_0: return DequantQ5_0(static_cast<const BlockQ5_0*>(src), dst, n / kQK);
    case GgmlType::kQ5_1: return DequantQ5_1(static_cast<const BlockQ5_1*>(src), dst, n / kQK);
    case GgmlType::kQ8_0: return DequantQ8_0(static_cast<const BlockQ8_0*>(src), dst, n / kQK);
    case GgmlType::kQ2_K: return DequantQ2_K(static_cast<const BlockQ2_K*>(src), dst, n / kQKK);
    case GgmlType::kQ3_K: return DequantQ3_K(static_cast<const BlockQ3_K*>(src), dst, n / kQKK);
    case GgmlType::kQ4_K: return DequantQ45K(static_cast<const BlockQ4_K*>(src), dst, n / kQKK, false);
    case GgmlType::kQ5_K: return DequantQ45K(static_cast<const BlockQ5_K*>(src), dst, n / kQKK, true);
    case GgmlType::kQ6_K: return DequantQ6_K(static_cast<const BlockQ6_K*>(src), dst, n / kQKK);
    default: assert(false && "DequantizeRow: unsupported type");
  }
}

}  // namespace llm::engine
