// Vector helpers of the forward pass, SIMD with the same run-time dispatch as MatMul
// (scalar / AVX2 / AVX-512, LLM_KERNELS overrides). Numerics follow ggml's CPU ops where it
// matters for matching llama.cpp: RMSNorm sums squares in double, softmax sums in double.
#pragma once

#include <cstdint>

namespace llm::engine {

// y[i] = (x[i] * 1/sqrt(mean(x^2) + eps)) * w[i]   (ggml rms_norm followed by mul).
// y may alias x.
void RmsNorm(const float* x, const float* w, float* y, int64_t n, float eps);

// x = softmax(x): exp(x - max) / sum, the sum accumulated in double (ggml_vec_soft_max_f32).
void SoftmaxInPlace(float* x, int64_t n);

// out[i] = silu(gate[i]) * up[i], silu(v) = v / (1 + exp(-v)). out may alias gate or up.
void SwiGlu(const float* gate, const float* up, float* out, int64_t n);

// out[i] = a[i] + b[i]. out may alias a or b.
void VecAdd(const float* a, const float* b, float* out, int64_t n);

// sum a[i] * b[i].
float DotF32(const float* a, const float* b, int64_t n);

// y[i] += a * x[i]   (attention: weighted sum of value rows).
void AxpyF32(float a, const float* x, float* y, int64_t n);

// x[i] *= s.
void ScaleF32(float* x, float s, int64_t n);

// f32 -> f16 (round to nearest even, as F16C) and f16 -> f32 rows (the f16 KV cache).
void F32ToF16Row(const float* src, uint16_t* dst, int64_t n);
void F16ToF32Row(const uint16_t* src, float* dst, int64_t n);

// sum a[i] * f16 b[i]   (a query row with a cached f16 key row).
float DotF32F16(const float* a, const uint16_t* b, int64_t n);

// y[i] += a * f16 x[i]   (weighted sum of cached f16 value rows).
void AxpyF16(float a, const uint16_t* x, float* y, int64_t n);

}  // namespace llm::engine
