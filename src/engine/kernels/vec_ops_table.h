// Internal: the function table behind vec_ops.h, one per instruction-set path.
#pragma once

#include <cstdint>

namespace llm::engine::kernels {

struct VecOpsTable {
  void (*scale_mul)(const float* x, float s, const float* w, float* y, int64_t n);
  void (*swiglu)(const float* gate, const float* up, float* out, int64_t n);
  // x[i] = exp(x[i] - max); returns the sum, accumulated as ggml_vec_soft_max_f32 does.
  double (*softmax_exp)(float* x, int64_t n, float max);
  void (*add)(const float* a, const float* b, float* out, int64_t n);
  float (*dot)(const float* a, const float* b, int64_t n);
  void (*axpy)(float a, const float* x, float* y, int64_t n);
  void (*scale)(float* x, float s, int64_t n);
  void (*to_f16)(const float* src, uint16_t* dst, int64_t n);
  void (*from_f16)(const uint16_t* src, float* dst, int64_t n);
  float (*dot_f16)(const float* a, const uint16_t* b, int64_t n);
  void (*axpy_f16)(float a, const uint16_t* x, float* y, int64_t n);
};

const VecOpsTable& ScalarVecOps();
const VecOpsTable& Avx2VecOps();    // only after PathSupported(Path::kAvx2)
const VecOpsTable& Avx512VecOps();  // only after PathSupported(Path::kAvx512)

}  // namespace llm::engine::kernels
