// Test-side reference: element values read straight from ggml's block layouts (ggml-common.h),
// written independently of src/engine/kernels, plus ggml's activation quantizers.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "engine/gguf/ggml_type.h"

namespace llm::engine::testref {

inline float Half(const uint8_t* p) {
  uint16_t h;
  std::memcpy(&h, p, 2);
  const int exp = (h >> 10) & 31, mant = h & 1023;
  const float sign = (h & 0x8000) ? -1.0f : 1.0f;
  if (exp == 0) return sign * std::ldexp(static_cast<float>(mant), -24);
  if (exp == 31) return mant ? NAN : sign * INFINITY;
  return sign * std::ldexp(static_cast<float>(mant + 1024), exp - 25);
}

inline float Bf16(const uint8_t* p) {
  uint16_t h;
  std::memcpy(&h, p, 2);
  const uint32_t u = static_cast<uint32_t>(h) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

struct Geometry {
  int64_t block;
  size_t bytes;
};

inline Geometry GeometryOf(GgmlType t) {
  switch (t) {
    case GgmlType::kF32: return {1, 4};
    case GgmlType::kF16: return {1, 2};
    case GgmlType::kBF16: return {1, 2};
    case GgmlType::kQ4_0: return {32, 18};
    case GgmlType::kQ4_1: return {32, 20};
    case GgmlType::kQ5_0: return {32, 22};
    case GgmlType::kQ5_1: return {32, 24};
    case GgmlType::kQ8_0: return {32, 34};
    case GgmlType::kQ2_K: return {256, 84};
    case GgmlType::kQ3_K: return {256, 110};
    case GgmlType::kQ4_K: return {256, 144};
    case GgmlType::kQ5_K: return {256, 176};
    case GgmlType::kQ6_K: return {256, 210};
    default: return {0, 0};
  }
}

// Byte offsets of the fp16 scale/min fields inside one block (used to make random blocks sane).
inline std::vector<size_t> HalfFieldOffsets(GgmlType t) {
  switch (t) {
    case GgmlType::kQ4_0: case GgmlType::kQ5_0: case GgmlType::kQ8_0: return {0};
    case GgmlType::kQ4_1: case GgmlType::kQ5_1: case GgmlType::kQ4_K: case GgmlType::kQ5_K: return {0, 2};
    case GgmlType::kQ2_K: return {80, 82};
    case GgmlType::kQ3_K: return {108};
    case GgmlType::kQ6_K: return {208};
    default: return {};
  }
}

inline uint32_t U32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// The 6-bit scale (which=0) or min (which=1) of sub-block s of a Q4_K/Q5_K block.
inline int K4Scale(const uint8_t* sc, int s, int which) {
  if (s < 4) return sc[s + 4 * which] & 63;
  const int low = which == 0 ? (sc[s + 4] & 15) : (sc[s + 4] >> 4);
  return low | ((sc[s - 4 * (1 - which)] >> 6) << 4);
}

// The signed scale of 16-element group g of a Q3_K block.
inline int Q3Scale(const uint8_t* sc, int g) {
  const int low = g < 8 ? (sc[g] & 15) : (sc[g - 8] >> 4);
  const int high = (sc[8 + g % 4] >> (2 * (g / 4))) & 3;
  return (low | (high << 4)) - 32;
}

// Element i of a row of type t.
inline float Element(GgmlType t, const uint8_t* row, int64_t i) {
  const Geometry g = GeometryOf(t);
  const uint8_t* p = row + (i / g.block) * g.bytes;
  const int e = static_cast<int>(i % g.block);
  const int l = e % 32, lo16 = e % 16;
  switch (t) {
    case GgmlType::kF32: { float f; std::memcpy(&f, p, 4); return f; }
    case GgmlType::kF16: return Half(p);
    case GgmlType::kBF16: return Bf16(p);
    case GgmlType::kQ4_0: return static_cast<float>(((e < 16 ? p[2 + e] : p[2 + e - 16] >> 4) & 15) - 8) * Half(p);
    case GgmlType::kQ4_1: return static_cast<float>((e < 16 ? p[4 + e] : p[4 + e - 16] >> 4) & 15) * Half(p) + Half(p + 2);
    case GgmlType::kQ5_0: {
      const int q = ((e < 16 ? p[6 + e] : p[6 + lo16] >> 4) & 15) | (((U32(p + 2) >> e) & 1) << 4);
      return static_cast<float>(q - 16) * Half(p);
    }
    case GgmlType::kQ5_1: {
      const int q = ((e < 16 ? p[8 + e] : p[8 + lo16] >> 4) & 15) | (((U32(p + 4) >> e) & 1) << 4);
      return static_cast<float>(q) * Half(p) + Half(p + 2);
    }
    case GgmlType::kQ8_0: return static_cast<float>(static_cast<int8_t>(p[2 + e])) * Half(p);
    case GgmlType::kQ2_K: {
      const int half = e / 128, j = (e % 128) / 32, grp = e / 16;
      const int q = (p[16 + 32 * half + l] >> (2 * j)) & 3;
      return Half(p + 80) * static_cast<float>(p[grp] & 15) * q - Half(p + 82) * static_cast<float>(p[grp] >> 4);
    }
    case GgmlType::kQ3_K: {
      const int half = e / 128, j = (e % 128) / 32;
      const int low = (p[32 + 32 * half + l] >> (2 * j)) & 3;
      const int q = low - (((p[l] >> (4 * half + j)) & 1) ? 0 : 4);
      return Half(p + 108) * static_cast<float>(Q3Scale(p + 96, e / 16)) * q;
    }
    case GgmlType::kQ4_K: case GgmlType::kQ5_K: {
      const int s = e / 32;
      const bool five = t == GgmlType::kQ5_K;
      const uint8_t* qs = p + (five ? 48 : 16);
      int q = (qs[32 * (s / 2) + l] >> (4 * (s & 1))) & 15;
      if (five) q |= ((p[16 + l] >> s) & 1) << 4;
      return Half(p) * static_cast<float>(K4Scale(p + 4, s, 0)) * q - Half(p + 2) * static_cast<float>(K4Scale(p + 4, s, 1));
    }
    case GgmlType::kQ6_K: {
      const int half = e / 128, r = e % 128, k = r / 32;
      const uint8_t qlb = p[64 * half + l + 32 * (k & 1)];
      const int low = k < 2 ? (qlb & 15) : (qlb >> 4);
      const int high = (p[128 + 32 * half + l] >> (2 * k)) & 3;
      const int q = (low | (high << 4)) - 32;
      return Half(p + 208) * static_cast<float>(static_cast<int8_t>(p[192 + 8 * half + r / 16])) * q;
    }
    default: return NAN;
  }
}

// ggml's x86 quantize_row_q8_0/q8_1 of one 32-block: returns quants, d (fp16-rounded) and
// s = fp16(d * sum) as floats.
struct Q8Block {
  int8_t q[32];
  float d;
  float s;
};

inline float RoundTripHalf(float f) {
  // fp16 round to nearest even, via the test's own arithmetic (normal range only is enough here).
  if (f == 0.0f) return f;
  int exp;
  std::frexp(f, &exp);  // f = m * 2^exp, 0.5 <= |m| < 1
  const int e = exp < -13 ? -13 : exp;  // subnormals: fixed quantum 2^-24
  const float quantum = std::ldexp(1.0f, e - 11);
  return std::nearbyint(f / quantum) * quantum;
}

inline Q8Block QuantizeQ8Block(const float* x) {
  Q8Block b{};
  float amax = 0;
  for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[j]));
  const float d = amax / 127.f, id = amax != 0 ? 127.f / amax : 0.f;
  int sum = 0;
  for (int j = 0; j < 32; ++j) {
    b.q[j] = static_cast<int8_t>(std::nearbyint(x[j] * id));
    sum += b.q[j];
  }
  b.d = RoundTripHalf(d);
  b.s = RoundTripHalf(d * static_cast<float>(sum));
  return b;
}

// quantize_row_q8_K_ref of one 256-block, dequantized: out[j] = q[j] * d.
inline void QuantizeQ8KBlock(const float* x, int8_t* q, float* d) {
  float amax = 0, max = 0;
  for (int j = 0; j < 256; ++j) {
    if (std::fabs(x[j]) > amax) { amax = std::fabs(x[j]); max = x[j]; }
  }
  if (amax == 0) { std::memset(q, 0, 256); *d = 0; return; }
  const float iscale = -127.f / max;
  for (int j = 0; j < 256; ++j) q[j] = static_cast<int8_t>(std::min(127, static_cast<int>(std::nearbyint(iscale * x[j]))));
  *d = 1 / iscale;
}

}  // namespace llm::engine::testref
