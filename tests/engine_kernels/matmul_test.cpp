// MatMul and DequantizeRow against the test's own reading of ggml's block layouts, every SIMD
// path against the scalar path, and invariance under batching and thread count.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/kernels/activations.h"
#include "engine/kernels/block_types.h"
#include "engine/kernels/kernel_table.h"
#include "engine/kernels/matmul.h"
#include "engine/kernels/matmul_path.h"
#include "engine_kernels/kernel_test_util.h"
#include "engine_kernels/reference_quants.h"

namespace llm::engine {
namespace {

using kernels::Path;
using testutil::SupportedPaths;
using testutil::AllTypes;
using testutil::TypeCase;

float RoundBf16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  u = ((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16) << 16;
  std::memcpy(&f, &u, 4);
  return f;
}

// What ggml computes for one weight row and one activation row: the activations converted to
// the vec_dot type by the reference quantizers, exact products summed in double.
// *scale receives sum |w_i * a_i|, the size a rounding error is measured against.
double ReferenceDot(const WeightMatrix& w, int64_t r, const float* x, double* scale) {
  const auto* row = static_cast<const uint8_t*>(w.data) + r * w.row_bytes;
  std::vector<double> a(static_cast<size_t>(w.cols));
  double min_correction = 0;
  switch (w.type) {
    case GgmlType::kF32: for (int64_t i = 0; i < w.cols; ++i) a[i] = x[i]; break;
    case GgmlType::kF16: for (int64_t i = 0; i < w.cols; ++i) a[i] = testref::RoundTripHalf(x[i]); break;
    case GgmlType::kBF16: for (int64_t i = 0; i < w.cols; ++i) a[i] = RoundBf16(x[i]); break;
    case GgmlType::kQ2_K: case GgmlType::kQ3_K: case GgmlType::kQ4_K: case GgmlType::kQ5_K: case GgmlType::kQ6_K:
      for (int64_t b = 0; b < w.cols / 256; ++b) {
        int8_t q[256];
        float d;
        testref::QuantizeQ8KBlock(x + 256 * b, q, &d);
        for (int j = 0; j < 256; ++j) a[256 * b + j] = static_cast<double>(q[j] * d);
      }
      break;
    default: {
      const bool with_min = w.type == GgmlType::kQ4_1 || w.type == GgmlType::kQ5_1;
      const size_t block_bytes = testref::GeometryOf(w.type).bytes;
      for (int64_t b = 0; b < w.cols / 32; ++b) {
        const testref::Q8Block qb = testref::QuantizeQ8Block(x + 32 * b);
        int sum = 0;
        for (int j = 0; j < 32; ++j) {
          a[32 * b + j] = static_cast<double>(qb.q[j]) * qb.d;
          sum += qb.q[j];
        }
        // ggml replaces the exact min term m * d * sum by m * s, s = fp16(d * sum).
        if (with_min) min_correction += testref::Half(row + b * block_bytes + 2) * (static_cast<double>(qb.d) * sum - qb.s);
      }
    }
  }
  double dot = 0, abs_sum = 0;
  for (int64_t i = 0; i < w.cols; ++i) {
    const double p = static_cast<double>(testref::Element(w.type, row, i)) * a[i];
    dot += p;
    abs_sum += std::fabs(p);
  }
  *scale = abs_sum;
  return dot - min_correction;
}

std::vector<float> RunMatMul(Path path, const WeightMatrix& w, const std::vector<float>& x, int64_t n_tokens, int threads) {
  ThreadPool pool(threads);
  std::vector<float> y(static_cast<size_t>(n_tokens * w.rows), NAN);
  kernels::MatMulOnPath(path, w, x.data(), n_tokens, y.data(), pool);
  return y;
}

void ExpectMatchesReference(const WeightMatrix& w, const std::vector<float>& x, int64_t n_tokens,
                            const std::vector<float>& y, double rel_tol, const std::string& what) {
  for (int64_t t = 0; t < n_tokens; ++t) {
    for (int64_t r = 0; r < w.rows; ++r) {
      double scale = 0;
      const double ref = ReferenceDot(w, r, x.data() + t * w.cols, &scale);
      ASSERT_NEAR(y[t * w.rows + r], ref, rel_tol * scale + 1e-6) << what << " token " << t << " row " << r;
    }
  }
}

class PerType : public ::testing::TestWithParam<TypeCase> {};

TEST_P(PerType, DequantizeRowMatchesBlockLayout) {
  const testutil::TestMatrix m = testutil::LoadRealMatrix(GetParam(), 8);
  ASSERT_NE(m.w.data, nullptr);
  std::vector<float> row(static_cast<size_t>(m.w.cols));
  for (int64_t r = 0; r < m.w.rows; ++r) {
    const auto* src = static_cast<const uint8_t*>(m.w.data) + r * m.w.row_bytes;
    DequantizeRow(m.w.type, src, row.data(), m.w.cols);
    for (int64_t i = 0; i < m.w.cols; ++i) {
      ASSERT_EQ(row[i], testref::Element(m.w.type, src, i)) << "row " << r << " element " << i;
    }
  }
}

TEST_P(PerType, MatMulOfRealTensorMatchesReferenceOnEveryPath) {
  const testutil::TestMatrix m = testutil::LoadRealMatrix(GetParam(), 48);
  ASSERT_NE(m.w.data, nullptr);
  ASSERT_TRUE(IsMatMulSupported(m.w.type));
  const int64_t n_tokens = 6;
  const std::vector<float> x = testutil::RandomActivations(n_tokens, m.w.cols, 7);
  for (Path p : SupportedPaths()) {
    ExpectMatchesReference(m.w, x, n_tokens, RunMatMul(p, m.w, x, n_tokens, 2), 2e-5, kernels::PathName(p));
  }
}

TEST_P(PerType, SimdPathsMatchScalarOnRandomBlocks) {
  const GgmlType type = GetParam().type;
  const int64_t block = testref::GeometryOf(type).block;
  // Plain types get a ragged length (SIMD tail), 32-blocks an odd block count (pair tail).
  const int64_t cols = block == 1 ? 523 : block == 32 ? 33 * 32 : 4 * 256;
  const testutil::TestMatrix m = testutil::RandomMatrix(type, 21, cols, 11);
  const int64_t n_tokens = 7;
  const std::vector<float> x = testutil::RandomActivations(n_tokens, cols, 3);
  const std::vector<float> scalar = RunMatMul(Path::kScalar, m.w, x, n_tokens, 1);
  ExpectMatchesReference(m.w, x, n_tokens, scalar, 2e-5, "scalar");
  for (Path p : SupportedPaths()) {
    const std::vector<float> y = RunMatMul(p, m.w, x, n_tokens, 1);
    ExpectMatchesReference(m.w, x, n_tokens, y, 2e-5, kernels::PathName(p));
  }
}

TEST_P(PerType, EachTokenResultIsIndependentOfTheBatch) {
  const GgmlType type = GetParam().type;
  const int64_t cols = testref::GeometryOf(type).block == 1 ? 96 : 512;
  const testutil::TestMatrix m = testutil::RandomMatrix(type, 19, cols, 5);
  const int64_t n_tokens = 7;
  const std::vector<float> x = testutil::RandomActivations(n_tokens, cols, 9);
  for (Path p : SupportedPaths()) {
    const std::vector<float> batch = RunMatMul(p, m.w, x, n_tokens, 2);
    for (int64_t t = 0; t < n_tokens; ++t) {
      const std::vector<float> one(x.begin() + t * cols, x.begin() + (t + 1) * cols);
      const std::vector<float> y = RunMatMul(p, m.w, one, 1, 1);
      for (int64_t r = 0; r < m.w.rows; ++r) {
        ASSERT_EQ(batch[t * m.w.rows + r], y[r]) << kernels::PathName(p) << " token " << t << " row " << r;
      }
    }
  }
}

TEST_P(PerType, ResultsAreIdenticalAcrossThreadCounts) {
  const testutil::TestMatrix m = testutil::LoadRealMatrix(GetParam(), 64);
  ASSERT_NE(m.w.data, nullptr);
  const std::vector<float> x = testutil::RandomActivations(5, m.w.cols, 1);
  const Path p = kernels::ActivePath();
  const std::vector<float> one = RunMatMul(p, m.w, x, 5, 1);
  for (int threads : {2, 3, 4}) EXPECT_EQ(RunMatMul(p, m.w, x, 5, threads), one) << threads << " threads";
}

INSTANTIATE_TEST_SUITE_P(AllTypes, PerType, ::testing::ValuesIn(AllTypes()),
                         [](const ::testing::TestParamInfo<TypeCase>& info) { return std::string(info.param.model); });

// A row whose quantization hits exact .5 ties (scale 1), where ggml rounds half to even.
std::vector<float> TieRow(int64_t n, float max) {
  std::vector<float> x(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) x[i] = (i % 32 == 0) ? max : static_cast<float>(i % 7) - 3.5f;
  return x;
}

// The kernels' block structs and the GGML type table (which gives MatMul its row sizes) agree.
TEST(BlockLayouts, MatchTheGgmlTypeTable) {
  using namespace kernels;
  EXPECT_EQ(sizeof(BlockQ4_0), TraitsOf(GgmlType::kQ4_0).block_bytes);
  EXPECT_EQ(sizeof(BlockQ4_1), TraitsOf(GgmlType::kQ4_1).block_bytes);
  EXPECT_EQ(sizeof(BlockQ5_0), TraitsOf(GgmlType::kQ5_0).block_bytes);
  EXPECT_EQ(sizeof(BlockQ5_1), TraitsOf(GgmlType::kQ5_1).block_bytes);
  EXPECT_EQ(sizeof(BlockQ8_0), TraitsOf(GgmlType::kQ8_0).block_bytes);
  EXPECT_EQ(sizeof(BlockQ2_K), TraitsOf(GgmlType::kQ2_K).block_bytes);
  EXPECT_EQ(sizeof(BlockQ3_K), TraitsOf(GgmlType::kQ3_K).block_bytes);
  EXPECT_EQ(sizeof(BlockQ4_K), TraitsOf(GgmlType::kQ4_K).block_bytes);
  EXPECT_EQ(sizeof(BlockQ5_K), TraitsOf(GgmlType::kQ5_K).block_bytes);
  EXPECT_EQ(sizeof(BlockQ6_K), TraitsOf(GgmlType::kQ6_K).block_bytes);
  EXPECT_EQ(sizeof(BlockQ8_K), TraitsOf(GgmlType::kQ8_K).block_bytes);
  EXPECT_EQ(TraitsOf(GgmlType::kQ4_0).block_size, kQK);
  EXPECT_EQ(TraitsOf(GgmlType::kQ6_K).block_size, kQKK);
}

TEST(ActivationConversion, Q8BlocksAreBitExactWithGgml) {
  const int64_t n = 256;
  const std::vector<float> x = testutil::RandomActivations(2, n, 4);
  const std::vector<float> ties = TieRow(n, 127.0f);
  for (const float* row : {x.data(), x.data() + n, ties.data()}) {
    std::vector<uint8_t> buf(kernels::ActRowStride(kernels::ActType::kQ8_1, n));
    kernels::ConvertActivationRow(kernels::ActType::kQ8_1, row, buf.data(), n);
    const kernels::ActQ8Row v = kernels::ActQ8View(buf.data(), n);
    for (int64_t b = 0; b < n / 32; ++b) {
      const testref::Q8Block ref = testref::QuantizeQ8Block(row + 32 * b);
      int sum = 0;
      for (int j = 0; j < 32; ++j) {
        ASSERT_EQ(v.qs[32 * b + j], ref.q[j]);
        sum += ref.q[j];
      }
      EXPECT_EQ(v.d[b], ref.d);
      EXPECT_EQ(v.s[b], ref.s);
      EXPECT_EQ(v.sum[b], sum);
    }
  }
}

TEST(ActivationConversion, Q8KBlocksAreBitExactWithGgml) {
  const int64_t n = 512;
  const std::vector<float> x = testutil::RandomActivations(2, n, 8);
  const std::vector<float> ties = TieRow(n, -127.0f);
  for (const float* row : {x.data(), x.data() + n, ties.data()}) {
    std::vector<uint8_t> buf(kernels::ActRowStride(kernels::ActType::kQ8_K, n));
    kernels::ConvertActivationRow(kernels::ActType::kQ8_K, row, buf.data(), n);
    for (int64_t b = 0; b < n / 256; ++b) {
      int8_t q[256];
      float d;
      testref::QuantizeQ8KBlock(row + 256 * b, q, &d);
      const uint8_t* blk = buf.data() + b * 292;
      float got_d;
      std::memcpy(&got_d, blk, 4);
      EXPECT_EQ(got_d, d);
      EXPECT_EQ(std::memcmp(blk + 4, q, 256), 0);
      for (int g = 0; g < 16; ++g) {
        int16_t bsum;
        std::memcpy(&bsum, blk + 260 + 2 * g, 2);
        int expect = 0;
        for (int j = 0; j < 16; ++j) expect += q[16 * g + j];
        EXPECT_EQ(bsum, expect);
      }
    }
  }
}

TEST(ActivationConversion, HalfAndBf16RoundToNearestEven) {
  std::vector<float> x = {1.0f, 1.00048828125f /* tie: 1 + 2^-11 */, 1.0014648f, -3.14159f, 65504.0f, 1e-6f, 0.0f};
  for (int i = 0; i < 300; ++i) x.push_back(0.001f * static_cast<float>(i * i) - 7.0f);  // > one 256 chunk
  const auto n = static_cast<int64_t>(x.size());
  std::vector<float> h(x.size()), b(x.size());
  kernels::ConvertActivationRow(kernels::ActType::kF16, x.data(), h.data(), n);
  kernels::ConvertActivationRow(kernels::ActType::kBF16, x.data(), b.data(), n);
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(h[i], testref::RoundTripHalf(x[i])) << x[i];
    EXPECT_EQ(b[i], RoundBf16(x[i])) << x[i];
  }
}

}  // namespace
}  // namespace llm::engine
