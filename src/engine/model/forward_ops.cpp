#include "engine/model/forward_ops.h"

#include <array>
#include <bit>
#include <cmath>

namespace llm::engine::model_internal {

uint16_t F32ToF16(float f) {
  const uint32_t x = std::bit_cast<uint32_t>(f);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const uint32_t abs = x & 0x7fffffffu;
  if (abs >= 0x7f800000u) return static_cast<uint16_t>(sign | (abs > 0x7f800000u ? 0x7e00u : 0x7c00u));
  if (abs >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds to infinity
  if (abs < 0x38800000u) {  // below 2^-14: a subnormal half (or zero)
    const float scaled = std::bit_cast<float>(abs) * 16777216.0f;  // units of 2^-24, exact
    return static_cast<uint16_t>(sign | static_cast<uint32_t>(std::nearbyint(scaled)));
  }
  uint32_t h = (abs - 0x38000000u) >> 13;  // rebias the exponent 127 -> 15, keep 10 mantissa bits
  const uint32_t rest = abs & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h;  // carry may raise the exponent
  return static_cast<uint16_t>(sign | h);
}

float F16ToF32(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu;
  const uint32_t mant = h & 0x3ffu;
  if (exp == 0) {
    const float v = static_cast<float>(mant) * (1.0f / 16777216.0f);
    return sign ? -v : v;
  }
  if (exp == 31) return std::bit_cast<float>(sign | 0x7f800000u | (mant << 13));
  return std::bit_cast<float>(sign | ((exp + 112u) << 23) | (mant << 13));
}

void RopeAngles(int32_t pos, int32_t n_rot, float freq_base, const std::vector<float>& factors,
                float* cos_sin, float freq_scale, float mscale) {
  const float theta_scale = std::pow(freq_base, -2.0f / static_cast<float>(n_rot));
  float theta = static_cast<float>(pos);
  for (int32_t i = 0; i < n_rot / 2; ++i) {
    const float factor = factors.empty() ? 1.0f : factors[static_cast<size_t>(i)];
    const float angle = freq_scale * (theta / factor);
    cos_sin[2 * i] = std::cos(angle) * mscale;
    cos_sin[2 * i + 1] = std::sin(angle) * mscale;
    theta *= theta_scale;
  }
}

void RopeHead(float* head, const float* cos_sin, int32_t n_rot) {
  for (int32_t i = 0; i < n_rot; i += 2) {
    const float c = cos_sin[i], s = cos_sin[i + 1];
    const float x0 = head[i], x1 = head[i + 1];
    // GCC contracts ggml's `x0*cos - x1*sin` and `x0*sin + x1*cos` (built with -march=native)
    // into fused multiply-adds on the first product; do the same to get its bits.
    head[i] = std::fma(x0, c, -(x1 * s));
    head[i + 1] = std::fma(x0, s, x1 * c);
  }
}

void RopeHeadNeox(float* head, const float* cos_sin, int32_t n_rot) {
  const int32_t half = n_rot / 2;
  for (int32_t i = 0; i < half; ++i) {
    const float c = cos_sin[2 * i], s = cos_sin[2 * i + 1];
    const float x0 = head[i], x1 = head[i + half];
    head[i] = std::fma(x0, c, -(x1 * s));  // the contraction of RopeHead, same reason
    head[i + half] = std::fma(x0, s, x1 * c);
  }
}

namespace {

// gelu(x) with the tanh approximation, in float as ggml writes it.
float GeluTanh(float x) {
  constexpr float kSqrt2OverPi = 0.79788456080286535587989211986876f;
  constexpr float kCoefA = 0.044715f;
  return 0.5f * x * (1.0f + std::tanh(kSqrt2OverPi * x * (1.0f + kCoefA * x * x)));
}

// f16(gelu(f32(h))) for every half value h, built once.
const std::array<uint16_t, 65536>& GeluTable() {
  static const std::array<uint16_t, 65536> table = [] {
    std::array<uint16_t, 65536> t{};
    for (uint32_t h = 0; h < 65536; ++h) t[h] = F32ToF16(GeluTanh(F16ToF32(static_cast<uint16_t>(h))));
    return t;
  }();
  return table;
}

}  // namespace

void GeluTanhGate(const float* gate, const float* up, float* out, int64_t n) {
  const std::array<uint16_t, 65536>& table = GeluTable();
  for (int64_t i = 0; i < n; ++i) {
    const float x = gate[i];
    float g;
    if (x <= -10.0f) {
      g = 0.0f;
    } else if (x >= 10.0f) {
      g = x;
    } else {
      g = F16ToF32(table[F32ToF16(x)]);
    }
    out[i] = g * up[i];
  }
}

void SoftCapInPlace(float* x, int64_t n, float cap) {
  const float inv = 1.0f / cap;
  for (int64_t i = 0; i < n; ++i) x[i] = std::tanh(x[i] * inv) * cap;
}

}  // namespace llm::engine::model_internal
