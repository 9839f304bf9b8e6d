// vec_ops.h: dispatch to the active path's table, the scalar table, and the parts that stay
// scalar on every path (max and exp of the softmax, the RMSNorm scale).
#include "engine/kernels/vec_ops.h"

#include <cmath>

#include "engine/kernels/block_types.h"
#include "engine/kernels/kernel_table.h"
#include "engine/kernels/vec_ops_table.h"

namespace llm::engine {
namespace kernels {
namespace {

// Sequential, in double, as ggml rms_norm (a vectorized sum could round differently).
double SumSquares(const float* x, int64_t n) {
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(x[i] * x[i]);
  return sum;
}
void ScaleMul(const float* x, float s, const float* w, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = (x[i] * s) * w[i];
}
void Swiglu(const float* gate, const float* up, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = (gate[i] / (1.0f + std::exp(-gate[i]))) * up[i];
}
double SoftmaxExpScalar(float* x, int64_t n, float max) {
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    x[i] = std::exp(x[i] - max);
    sum += static_cast<double>(x[i]);
  }
  return sum;
}
void Add(const float* a, const float* b, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] + b[i];
}
float Dot(const float* a, const float* b, int64_t n) {
  float sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += a[i] * b[i];
  return sum;
}
void Axpy(float a, const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] += a * x[i];
}
void Scale(float* x, float s, int64_t n) {
  for (int64_t i = 0; i < n; ++i) x[i] *= s;
}
void ToF16(const float* src, uint16_t* dst, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dst[i] = FloatToHalf(src[i]);
}
void FromF16(const uint16_t* src, float* dst, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dst[i] = HalfToFloat(src[i]);
}
float DotF16(const float* a, const uint16_t* b, int64_t n) {
  float sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += a[i] * HalfToFloat(b[i]);
  return sum;
}
void AxpyF16Scalar(float a, const uint16_t* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] += a * HalfToFloat(x[i]);
}

const VecOpsTable& Active() {
  static const VecOpsTable& table = ActivePath() == Path::kAvx512 ? Avx512VecOps()
                                    : ActivePath() == Path::kAvx2 ? Avx2VecOps()
                                                                  : ScalarVecOps();
  return table;
}

}  // namespace

const VecOpsTable& ScalarVecOps() {
  static const VecOpsTable table{ScaleMul, Swiglu, SoftmaxExpScalar, Add, Dot, Axpy, Scale,
                                 ToF16, FromF16, DotF16, AxpyF16Scalar};
  return table;
}

}  // namespace kernels

void RmsNorm(const float* x, const float* w, float* y, int64_t n, float eps) {
  const auto& t = kernels::Active();
  const float mean = static_cast<float>(kernels::SumSquares(x, n) / static_cast<double>(n));
  const float scale = 1.0f / std::sqrt(mean + eps);
  t.scale_mul(x, scale, w, y, n);
}

void SoftmaxInPlace(float* x, int64_t n) {
  if (n <= 0) return;
  float max = -INFINITY;
  for (int64_t i = 0; i < n; ++i) max = x[i] > max ? x[i] : max;
  const double sum = kernels::Active().softmax_exp(x, n, max);
  kernels::Active().scale(x, static_cast<float>(1.0 / sum), n);
}

void SwiGlu(const float* gate, const float* up, float* out, int64_t n) { kernels::Active().swiglu(gate, up, out, n); }
void VecAdd(const float* a, const float* b, float* out, int64_t n) { kernels::Active().add(a, b, out, n); }
float DotF32(const float* a, const float* b, int64_t n) { return kernels::Active().dot(a, b, n); }
void AxpyF32(float a, const float* x, float* y, int64_t n) { kernels::Active().axpy(a, x, y, n); }
void ScaleF32(float* x, float s, int64_t n) { kernels::Active().scale(x, s, n); }
void F32ToF16Row(const float* src, uint16_t* dst, int64_t n) { kernels::Active().to_f16(src, dst, n); }
void F16ToF32Row(const uint16_t* src, float* dst, int64_t n) { kernels::Active().from_f16(src, dst, n); }
float DotF32F16(const float* a, const uint16_t* b, int64_t n) { return kernels::Active().dot_f16(a, b, n); }
void AxpyF16(float a, const uint16_t* x, float* y, int64_t n) { kernels::Active().axpy_f16(a, x, y, n); }

}  // namespace llm::engine
