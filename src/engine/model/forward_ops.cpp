#include "engine/model/forward_ops.h"

#include "engine/gguf/half_float.h"

#include <array>
#include <cmath>

namespace llm::engine::model_internal {

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
    for (uint32_t h = 0; h < 65536; ++h) t[h] = FloatToHalf(GeluTanh(HalfToFloat(static_cast<uint16_t>(h))));
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
      g = HalfToFloat(table[FloatToHalf(x)]);
    }
    out[i] = g * up[i];
  }
}

void SoftCapInPlace(float* x, int64_t n, float cap) {
  const float inv = 1.0f / cap;
  for (int64_t i = 0; i < n; ++i) x[i] = std::tanh(x[i] * inv) * cap;
}

}  // namespace llm::engine::model_internal
