#include "synthetic_gguf/quantize.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace llm::tools {
namespace {

constexpr int kBlock = 32;

void StoreHalf(uint8_t* p, float v) {
  uint16_t h = FloatToHalf(v);
  std::memcpy(p, &h, 2);
}

float LoadHalf(const uint8_t* p) {
  uint16_t h;
  std::memcpy(&h, p, 2);
  return HalfToFloat(h);
}

}  // namespace

uint16_t FloatToHalf(float f) {
  uint32_t x = std::bit_cast<uint32_t>(f);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000);
  x &= 0x7fffffff;
  if (x >= 0x7f800000) return sign | (x > 0x7f800000 ? 0x7e00 : 0x7c00);  // NaN, Inf
  if (x >= 0x477ff000) return sign | 0x7c00;  // rounds to a magnitude of at least 65520
  if (x < 0x38800000) {
    // Below the smallest normal half (2^-14): adding 0.5 leaves the value in units of 2^-24
    // in the low mantissa bits, rounded to nearest even by the FPU.
    float t = std::bit_cast<float>(x) + 0.5f;
    return sign | static_cast<uint16_t>(std::bit_cast<uint32_t>(t) - 0x3f000000);
  }
  const uint32_t odd = (x >> 13) & 1;
  x += 0xc8000fff + odd;  // rebias the exponent (127 -> 15) and round to nearest even
  return sign | static_cast<uint16_t>(x >> 13);
}

float HalfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  const uint32_t exp = (h >> 10) & 0x1f;
  const uint32_t mant = h & 0x3ff;
  if (exp == 0) {
    float v = std::ldexp(static_cast<float>(mant), -24);
    return sign ? -v : v;
  }
  if (exp == 31) return std::bit_cast<float>(sign | 0x7f800000 | (mant << 13));
  return std::bit_cast<float>(sign | ((exp + 112) << 23) | (mant << 13));
}

void QuantizeRowQ8_0(const float* x, uint8_t* out, int64_t n) {
  for (int64_t b = 0; b < n / kBlock; ++b, x += kBlock, out += 34) {
    float amax = 0.0f;
    for (int j = 0; j < kBlock; ++j) amax = std::max(amax, std::fabs(x[j]));
    const float d = amax / 127.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    StoreHalf(out, d);
    for (int j = 0; j < kBlock; ++j) {
      out[2 + j] = static_cast<uint8_t>(static_cast<int8_t>(std::round(x[j] * id)));
    }
  }
}

void QuantizeRowQ4_0(const float* x, uint8_t* out, int64_t n) {
  for (int64_t b = 0; b < n / kBlock; ++b, x += kBlock, out += 18) {
    float amax = 0.0f, max = 0.0f;
    for (int j = 0; j < kBlock; ++j) {
      if (std::fabs(x[j]) > amax) {
        amax = std::fabs(x[j]);
        max = x[j];
      }
    }
    const float d = max / -8.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    StoreHalf(out, d);
    for (int j = 0; j < kBlock / 2; ++j) {
      auto q0 = static_cast<uint8_t>(std::min(15, static_cast<int>(x[j] * id + 8.5f)));
      auto q1 = static_cast<uint8_t>(std::min(15, static_cast<int>(x[j + 16] * id + 8.5f)));
      out[2 + j] = static_cast<uint8_t>(q0 | (q1 << 4));
    }
  }
}

void DequantizeRowQ8_0(const uint8_t* in, float* y, int64_t n) {
  for (int64_t b = 0; b < n / kBlock; ++b, in += 34, y += kBlock) {
    const float d = LoadHalf(in);
    for (int j = 0; j < kBlock; ++j) y[j] = d * static_cast<float>(static_cast<int8_t>(in[2 + j]));
  }
}

void DequantizeRowQ4_0(const uint8_t* in, float* y, int64_t n) {
  for (int64_t b = 0; b < n / kBlock; ++b, in += 18, y += kBlock) {
    const float d = LoadHalf(in);
    for (int j = 0; j < kBlock / 2; ++j) {
      y[j] = d * static_cast<float>((in[2 + j] & 15) - 8);
      y[j + 16] = d * static_cast<float>((in[2 + j] >> 4) - 8);
    }
  }
}

}  // namespace llm::tools
