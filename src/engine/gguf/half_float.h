// The 16-bit float formats of GGUF tensors: IEEE binary16 (f16) and bfloat16, converted as
// ggml's CPU backend does. The one implementation of these conversions in the codebase.
//
// Every function has internal linkage (static inline) on purpose: the kernels include this
// header from files compiled with AVX2/AVX-512 flags, and a shared inline symbol could be
// resolved to an AVX build and then run on a CPU without it.
#pragma once

#include <bit>
#include <cstdint>

namespace llm::engine {

// f16 -> float, exact (subnormals, infinities and NaNs included).
static inline float HalfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1Fu;
  const uint32_t mant = h & 0x3FFu;
  if (exp == 0x1F) return std::bit_cast<float>(sign | 0x7F800000u | (mant << 13));
  if (exp != 0) return std::bit_cast<float>(sign | ((exp + 112u) << 23) | (mant << 13));
  const float m = static_cast<float>(mant) * (1.0f / 16777216.0f);  // mant * 2^-24, exact
  return sign ? -m : m;
}

// float -> f16, round to nearest even (what F16C's vcvtps2ph with imm 0 does; NaNs stay quiet
// NaNs with the top of their payload).
static inline uint16_t FloatToHalf(float f) {
  const uint32_t x = std::bit_cast<uint32_t>(f);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const uint32_t ax = x & 0x7FFFFFFFu;
  if (ax > 0x7F800000u) return static_cast<uint16_t>(sign | 0x7E00u | ((ax >> 13) & 0x3FFu));
  if (ax >= 0x477FF000u) return static_cast<uint16_t>(sign | 0x7C00u);  // rounds to infinity
  if (ax < 0x38800000u) {  // result is subnormal or zero: round ax * 2^24 to an integer
    const float v = std::bit_cast<float>(ax) * 16777216.0f;  // exact (power-of-two scaling)
    const uint32_t iv = static_cast<uint32_t>(v);
    const float frac = v - static_cast<float>(iv);
    const uint32_t r = iv + ((frac > 0.5f || (frac == 0.5f && (iv & 1u))) ? 1u : 0u);
    return static_cast<uint16_t>(sign | r);
  }
  const uint32_t mant_odd = (ax >> 13) & 1u;
  const uint32_t rounded = ax + 0xFFFu + mant_odd;
  return static_cast<uint16_t>(sign | (((rounded >> 13) - (112u << 10)) & 0x7FFFu));
}

// bf16 -> float, exact.
static inline float Bf16ToFloat(uint16_t h) { return std::bit_cast<float>(static_cast<uint32_t>(h) << 16); }

// float -> bf16 as ggml_compute_fp32_to_bf16: NaNs quieted, otherwise round to nearest even.
static inline uint16_t FloatToBf16(float f) {
  const uint32_t u = std::bit_cast<uint32_t>(f);
  if ((u & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<uint16_t>((u >> 16) | 64u);
  return static_cast<uint16_t>((u + (0x7FFFu + ((u >> 16) & 1u))) >> 16);
}

}  // namespace llm::engine
