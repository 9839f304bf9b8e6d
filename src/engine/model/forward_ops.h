// Scalar pieces of the forward pass with llama.cpp's numerics: RoPE angles built by repeated
// multiplication as ggml does, both rope modes, GELU through ggml's f16 table and soft-capping (RMSNorm, SwiGLU and the vector loops are in engine/kernels/vec_ops.h).
// Internal to engine_model.
#pragma once

#include <cstdint>
#include <vector>

namespace llm::engine::model_internal {

// The (cos, sin) pairs of position `pos` for the n_rot/2 rotated pairs, as ggml builds them:
// theta_i = freq_scale * (pos * base^(-2i/n_rot) / freq_factor[i]), both values multiplied by
// mscale (LongRoPE's attention factor). `factors` may be empty.
void RopeAngles(int32_t pos, int32_t n_rot, float freq_base, const std::vector<float>& factors,
                float* cos_sin /* [n_rot] interleaved cos, sin */, float freq_scale = 1.0f,
                float mscale = 1.0f);

// Rotates the pairs (2i, 2i+1), i < n_rot/2, of one head vector by the angles of RopeAngles
// (llama.cpp's "normal" rope mode, used by LLM_ARCH_LLAMA).
void RopeHead(float* head, const float* cos_sin, int32_t n_rot);

// Rotates the pairs (i, i + n_rot/2), i < n_rot/2, by the same angles (llama.cpp's NEOX
// mode: Qwen, Gemma, Phi-3). Dimensions from n_rot on are left as they are.
void RopeHeadNeox(float* head, const float* cos_sin, int32_t n_rot);

// out[i] = gelu(gate[i]) * up[i] as ggml's CPU backend computes it: gelu (tanh approximation)
// looked up in a table indexed by f16(gate), the f16 result widened; gate <= -10 gives 0,
// gate >= 10 gives gate. out may alias gate.
void GeluTanhGate(const float* gate, const float* up, float* out, int64_t n);

// x[i] = cap * tanh(x[i] / cap), computed as ggml does (scale by 1/cap, tanhf, scale by cap).
void SoftCapInPlace(float* x, int64_t n, float cap);

}  // namespace llm::engine::model_internal
