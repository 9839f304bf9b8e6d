// vec_ops against plain double-precision formulas, on the scalar path and the active SIMD path.
#include "engine/kernels/vec_ops.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "engine/kernels/kernel_table.h"
#include "engine/kernels/vec_ops_table.h"
#include "engine_kernels/reference_quants.h"

namespace llm::engine {
namespace {

std::vector<float> Random(int64_t n, uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, scale);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = normal(rng);
  return v;
}

uint16_t ToHalfBits(float f) {
  // encode a value already representable in fp16 (normal range or zero)
  const float r = testref::RoundTripHalf(f);
  uint32_t u;
  std::memcpy(&u, &r, 4);
  const int exp = static_cast<int>((u >> 23) & 0xFF) - 112;
  if (r == 0.0f || exp <= 0) return static_cast<uint16_t>((u >> 16) & 0x8000);
  return static_cast<uint16_t>(((u >> 16) & 0x8000) | (exp << 10) | ((u >> 13) & 0x3FF));
}

TEST(VecOps, RmsNormMatchesFormula) {
  const int64_t n = 2051;
  const std::vector<float> x = Random(n, 1), w = Random(n, 2);
  std::vector<float> y(n);
  RmsNorm(x.data(), w.data(), y.data(), n, 1e-5f);
  double ss = 0;
  for (float v : x) ss += static_cast<double>(v) * v;
  const double scale = 1.0 / std::sqrt(ss / n + 1e-5);
  for (int64_t i = 0; i < n; ++i) ASSERT_NEAR(y[i], x[i] * scale * w[i], 1e-5 * (1 + std::fabs(x[i] * scale * w[i])));
}

TEST(VecOps, SoftmaxSumsToOneAndKeepsOrder) {
  std::vector<float> x = Random(1000, 3, 5.0f);
  const std::vector<float> orig = x;
  SoftmaxInPlace(x.data(), static_cast<int64_t>(x.size()));
  double total = 0, max = -1e30, denom = 0;
  for (float v : orig) max = std::max<double>(max, v);
  for (float v : orig) denom += std::exp(v - max);
  for (size_t i = 0; i < x.size(); ++i) {
    total += x[i];
    ASSERT_NEAR(x[i], std::exp(orig[i] - max) / denom, 1e-6);
  }
  EXPECT_NEAR(total, 1.0, 1e-5);
}

TEST(VecOps, SimdTablesMatchScalarTable) {
  if (!kernels::PathSupported(kernels::Path::kAvx2)) GTEST_SKIP() << "no AVX2 on this CPU";
  const auto& s = kernels::ScalarVecOps();
  const auto& v = kernels::Avx2VecOps();
  const int64_t n = 1003;
  const std::vector<float> a = Random(n, 4, 3.0f), b = Random(n, 5);
  std::vector<uint16_t> h(n), h2(n);
  s.to_f16(a.data(), h.data(), n);
  v.to_f16(a.data(), h2.data(), n);
  EXPECT_EQ(h, h2);
  for (int64_t i = 0; i < n; ++i) ASSERT_EQ(h[i], ToHalfBits(a[i])) << a[i];
  std::vector<float> o1(n), o2(n);
  s.from_f16(h.data(), o1.data(), n);
  v.from_f16(h.data(), o2.data(), n);
  EXPECT_EQ(o1, o2);
  s.swiglu(a.data(), b.data(), o1.data(), n);
  v.swiglu(a.data(), b.data(), o2.data(), n);
  for (int64_t i = 0; i < n; ++i) ASSERT_NEAR(o1[i], o2[i], 1e-6 * (1 + std::fabs(o1[i])));
  s.add(a.data(), b.data(), o1.data(), n);
  v.add(a.data(), b.data(), o2.data(), n);
  EXPECT_EQ(o1, o2);
  EXPECT_NEAR(s.dot(a.data(), b.data(), n), v.dot(a.data(), b.data(), n), 1e-3);
  EXPECT_NEAR(s.dot_f16(b.data(), h.data(), n), v.dot_f16(b.data(), h.data(), n), 1e-3);
  o1 = b;
  o2 = b;
  s.axpy_f16(0.3f, h.data(), o1.data(), n);
  v.axpy_f16(0.3f, h.data(), o2.data(), n);
  for (int64_t i = 0; i < n; ++i) ASSERT_NEAR(o1[i], o2[i], 1e-6 * (1 + std::fabs(o1[i])));
  s.axpy(-1.5f, a.data(), o1.data(), n);
  v.axpy(-1.5f, a.data(), o2.data(), n);
  for (int64_t i = 0; i < n; ++i) ASSERT_NEAR(o1[i], o2[i], 1e-5 * (1 + std::fabs(o1[i])));
}

// ggml's vectorized exp (1.45 + 0.5 ulp) on every SIMD table, against libm, over the range
// softmax and SiLU use, including the flush-to-zero end.
TEST(VecOps, SimdExpIsWithinTwoUlpOfLibm) {
  std::vector<const kernels::VecOpsTable*> tables;
  if (kernels::PathSupported(kernels::Path::kAvx2)) tables.push_back(&kernels::Avx2VecOps());
  if (kernels::PathSupported(kernels::Path::kAvx512)) tables.push_back(&kernels::Avx512VecOps());
  if (tables.empty()) GTEST_SKIP() << "no SIMD path on this CPU";
  std::vector<float> x;
  for (float v = -110.0f; v <= 80.0f; v += 0.0137f) x.push_back(v);  // group sums stay finite
  for (const kernels::VecOpsTable* t : tables) {
    std::vector<float> y = x;
    const double sum = t->softmax_exp(y.data(), static_cast<int64_t>(y.size()), 0.0f);
    double expect_sum = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      const double ref = std::exp(static_cast<double>(x[i]));
      expect_sum += ref;
      if (x[i] < -87.0f) {
        ASSERT_LE(y[i], 1e-37f) << x[i];  // flushes to (nearly) zero, never NaN
      } else {
        ASSERT_NEAR(y[i], ref, 2.5e-7 * ref) << x[i];
      }
    }
    EXPECT_NEAR(sum, expect_sum, 1e-6 * expect_sum);
  }
}

TEST(VecOps, SwiGluHandlesLargeMagnitudes) {
  const std::vector<float> g = {-200.0f, -90.0f, -10.0f, 0.0f, 10.0f, 90.0f, 200.0f, 1.0f, 2.0f};
  const std::vector<float> up(g.size(), 2.0f);
  std::vector<float> out(g.size());
  SwiGlu(g.data(), up.data(), out.data(), static_cast<int64_t>(g.size()));
  for (size_t i = 0; i < g.size(); ++i) {
    const double expect = g[i] / (1.0 + std::exp(-static_cast<double>(g[i]))) * 2.0;
    EXPECT_NEAR(out[i], expect, 1e-5 * (1 + std::fabs(expect))) << g[i];
  }
}

TEST(VecOps, DotAndAxpyWithF16Rows) {
  const int64_t n = 64;
  const std::vector<float> q = Random(n, 6), kf = Random(n, 7);
  std::vector<uint16_t> k(n);
  F32ToF16Row(kf.data(), k.data(), n);
  double expect = 0;
  for (int64_t i = 0; i < n; ++i) expect += q[i] * static_cast<double>(testref::RoundTripHalf(kf[i]));
  EXPECT_NEAR(DotF32F16(q.data(), k.data(), n), expect, 1e-4);
  std::vector<float> acc(n, 1.0f);
  AxpyF16(0.5f, k.data(), acc.data(), n);
  for (int64_t i = 0; i < n; ++i) EXPECT_NEAR(acc[i], 1.0 + 0.5 * testref::RoundTripHalf(kf[i]), 1e-6);
  EXPECT_NEAR(DotF32(q.data(), kf.data(), n), [&] { double s = 0; for (int64_t i = 0; i < n; ++i) s += q[i] * kf[i]; return s; }(), 1e-4);
}

}  // namespace
}  // namespace llm::engine
