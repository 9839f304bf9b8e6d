// Element-wise and row operations of the llama forward pass, with llama.cpp's numerics
// (RMSNorm sums in double, RoPE angles built by repeated multiplication, f16 rounding).
// Internal to engine_model.
#pragma once

#include <cstdint>
#include <vector>

namespace llm::engine::model_internal {

// IEEE binary16 <-> binary32, round to nearest even (as F16C's vcvtps2ph does).
uint16_t F32ToF16(float f);
float F16ToF32(uint16_t h);

// y = x / sqrt(mean(x^2) + eps) * weight, for one row of n values (y may alias x).
void RmsNormRow(const float* x, const float* weight, float* y, int64_t n, float eps);

// The (cos, sin) pairs of position `pos` for the n_rot/2 rotated pairs, as ggml builds them:
// theta_i = pos * base^(-2i/n_rot) / freq_factor[i]. `factors` may be empty.
void RopeAngles(int32_t pos, int32_t n_rot, float freq_base, const std::vector<float>& factors,
                float* cos_sin /* [n_rot] interleaved cos, sin */);

// Rotates the pairs (2i, 2i+1), i < n_rot/2, of one head vector by the angles of RopeAngles
// (llama.cpp's "normal" rope mode, used by LLM_ARCH_LLAMA).
void RopeHead(float* head, const float* cos_sin, int32_t n_rot);

// gate[i] = silu(gate[i]) * up[i].
void SwiGluRow(float* gate, const float* up, int64_t n);

// x[i] += y[i].
void AddRow(float* x, const float* y, int64_t n);

}  // namespace llm::engine::model_internal
