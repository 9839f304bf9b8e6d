// Internal: the function table behind vec_ops.h, one per instruction-set path.
#pragma once

#include <cstdint>

namespace llm::engine::kernels {

struct VecOpsTable {
  double (*sum_squares)(const float* x, int64_t n);
  void (*scale_mul)(const float* x, float s, const float* w, float* y, int64_t n);
  void (*swiglu)(const float* gate, const float* up, float* out, int64_t n);
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
const VecOpsTable& Avx2VecOps();  // only after PathSupported(Path::kAvx2)

}  // namespace llm::engine::kernels
