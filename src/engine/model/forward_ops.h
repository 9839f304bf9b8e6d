// Scalar pieces of the llama forward pass with llama.cpp's numerics: RoPE angles built by
// repeated multiplication as ggml does, and exact f16 conversions (RMSNorm, SwiGLU and the
// vector loops are in engine/kernels/vec_ops.h).
// Internal to engine_model.
#pragma once

#include <cstdint>
#include <vector>

namespace llm::engine::model_internal {

// IEEE binary16 <-> binary32, round to nearest even (as F16C's vcvtps2ph does).
uint16_t F32ToF16(float f);
float F16ToF32(uint16_t h);

// The (cos, sin) pairs of position `pos` for the n_rot/2 rotated pairs, as ggml builds them:
// theta_i = pos * base^(-2i/n_rot) / freq_factor[i]. `factors` may be empty.
void RopeAngles(int32_t pos, int32_t n_rot, float freq_base, const std::vector<float>& factors,
                float* cos_sin /* [n_rot] interleaved cos, sin */);

// Rotates the pairs (2i, 2i+1), i < n_rot/2, of one head vector by the angles of RopeAngles
// (llama.cpp's "normal" rope mode, used by LLM_ARCH_LLAMA).
void RopeHead(float* head, const float* cos_sin, int32_t n_rot);

}  // namespace llm::engine::model_internal
