// Internal: activation rows converted to a weight type's "vec_dot type" before the dot products.
//
// Layouts (one converted row of n elements, every row `ActRowStride` bytes apart, 64-aligned):
//   kQ8_0, kQ8_1: int8 qs[n] | uint8 qsu[n] | float dx8[8 * n/32] | float d[n/32] |
//                 float s[n/32] | int32 sum[n/32]
//       d is the block scale already rounded through fp16 (as ggml stores it), sum is the exact
//       integer sum of the block's qs, s (Q8_1 only) is fp16(d_unrounded * sum) as a float.
//       qsu = qs + 128 and dx8 (each d repeated 8 times) serve the 512-bit kernels, which
//       multiply unsigned activations and take two blocks' scales in one load.
//   kQ8_K:  ggml's block_q8_K[n/256]
//   kF16, kBF16: float [n], each value already rounded to f16 / bf16 (exact in f32, so the
//       products equal ggml's f16*f16 / bf16*bf16 ones; converted once, not once per weight row)
//   kF32: float [n]
#pragma once

#include <cstddef>
#include <cstdint>

namespace llm::engine::kernels {

enum class ActType { kF32, kF16, kBF16, kQ8_0, kQ8_1, kQ8_K };

// A view of one converted activation row in the Q8_0/Q8_1 layout above.
struct ActQ8Row {
  const int8_t* qs;
  const uint8_t* qsu;
  const float* dx8;
  const float* d;
  const float* s;
  const int32_t* sum;
};

static inline ActQ8Row ActQ8View(const void* row, int64_t n) {
  const auto* base = static_cast<const uint8_t*>(row);
  const int64_t nb = n / 32;
  const auto* dx8 = reinterpret_cast<const float*>(base + 2 * n);
  const float* d = dx8 + 8 * nb;
  return {reinterpret_cast<const int8_t*>(base), base + n, dx8, d, d + nb,
          reinterpret_cast<const int32_t*>(d + 2 * nb)};
}

// Bytes between consecutive converted rows of n elements (n a multiple of the block size).
size_t ActRowStride(ActType type, int64_t n);

// Converts n f32 values to one activation row of `type` at dst, exactly as ggml's x86 CPU
// backend does (quantize_row_q8_0/q8_1 AVX2 rounding, quantize_row_q8_K_ref, F16C, bf16 RNE).
void ConvertActivationRow(ActType type, const float* x, void* dst, int64_t n);

}  // namespace llm::engine::kernels
