#include "synthetic_gguf/quantize.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/gguf/ggml_type.h"

namespace llm::tools {
namespace {

constexpr int kBlock = 32;
const size_t kQ8_0Bytes = engine::TraitsOf(engine::GgmlType::kQ8_0).block_bytes;
const size_t kQ4_0Bytes = engine::TraitsOf(engine::GgmlType::kQ4_0).block_bytes;

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

void QuantizeRowQ8_0(const float* x, uint8_t* out, int64_t n) {
  for (int64_t b = 0; b < n / kBlock; ++b, x += kBlock, out += kQ8_0Bytes) {
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
  for (int64_t b = 0; b < n / kBlock; ++b, x += kBlock, out += kQ4_0Bytes) {
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
  for (int64_t b = 0; b < n / kBlock; ++b, in += kQ8_0Bytes, y += kBlock) {
    const float d = LoadHalf(in);
    for (int j = 0; j < kBlock; ++j) y[j] = d * static_cast<float>(static_cast<int8_t>(in[2 + j]));
  }
}

void DequantizeRowQ4_0(const uint8_t* in, float* y, int64_t n) {
  for (int64_t b = 0; b < n / kBlock; ++b, in += kQ4_0Bytes, y += kBlock) {
    const float d = LoadHalf(in);
    for (int j = 0; j < kBlock / 2; ++j) {
      y[j] = d * static_cast<float>((in[2 + j] & 15) - 8);
      y[j + 16] = d * static_cast<float>((in[2 + j] >> 4) - 8);
    }
  }
}

}  // namespace llm::tools
