// MatMul with one token (the multi-row DotRowsFn kernels where a path has them) against the
// same token inside a batch, bit for bit, on shapes that exercise every remainder: an odd
// block count, row counts that are not multiples of kDotRows, several row tiles.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/kernels/kernel_table.h"
#include "engine/kernels/matmul.h"
#include "engine/kernels/matmul_path.h"
#include "engine/kernels/thread_pool.h"
#include "engine_kernels/kernel_test_util.h"

namespace llm::engine {
namespace {

using kernels::Path;

std::vector<float> RunOnPath(Path path, const WeightMatrix& w, const std::vector<float>& x, int64_t n_tokens) {
  ThreadPool pool(1);
  std::vector<float> y(static_cast<size_t>(n_tokens * w.rows), -1.0f);
  kernels::MatMulOnPath(path, w, x.data(), n_tokens, y.data(), pool);
  return y;
}

TEST(SingleTokenMatMul, Q4_0EqualsTheBatchedResultBitForBit) {
  for (const int64_t cols : {32, 64, 33 * 32, 64 * 32}) {
    for (const int64_t rows : {1, 3, 4, 5, 16, 37}) {
      const testutil::TestMatrix m = testutil::RandomMatrix(GgmlType::kQ4_0, rows, cols, 17);
      const int64_t n_tokens = 3;
      const std::vector<float> x = testutil::RandomActivations(n_tokens, cols, 23);
      for (Path p : {Path::kScalar, Path::kAvx2, Path::kAvx512}) {
        if (!kernels::PathSupported(p)) continue;
        const std::vector<float> batch = RunOnPath(p, m.w, x, n_tokens);
        for (int64_t t = 0; t < n_tokens; ++t) {
          const std::vector<float> one(x.begin() + t * cols, x.begin() + (t + 1) * cols);
          const std::vector<float> y = RunOnPath(p, m.w, one, 1);
          for (int64_t r = 0; r < rows; ++r) {
            ASSERT_EQ(y[r], batch[t * rows + r]) << kernels::PathName(p) << " cols " << cols << " rows " << rows
                                                 << " token " << t << " row " << r;
          }
        }
      }
    }
  }
}

TEST(SingleTokenMatMul, FloatTypesEqualTheBatchedResultBitForBit) {
  for (const GgmlType type : {GgmlType::kF32, GgmlType::kF16, GgmlType::kBF16}) {
    for (const int64_t cols : {7, 32, 523}) {
      const int64_t rows = 37;
      const testutil::TestMatrix m = testutil::RandomMatrix(type, rows, cols, 41);
      const std::vector<float> x = testutil::RandomActivations(2, cols, 43);
      for (Path p : {Path::kScalar, Path::kAvx2, Path::kAvx512}) {
        if (!kernels::PathSupported(p)) continue;
        const std::vector<float> batch = RunOnPath(p, m.w, x, 2);
        for (int64_t t = 0; t < 2; ++t) {
          const std::vector<float> one(x.begin() + t * cols, x.begin() + (t + 1) * cols);
          const std::vector<float> y = RunOnPath(p, m.w, one, 1);
          for (int64_t r = 0; r < rows; ++r) {
            ASSERT_EQ(y[r], batch[t * rows + r]) << kernels::PathName(p) << " type " << static_cast<int>(type)
                                                 << " cols " << cols << " token " << t << " row " << r;
          }
        }
      }
    }
  }
}

TEST(SingleTokenMatMul, Q4_0SimdMatchesScalarWithinRounding) {
  const int64_t cols = 33 * 32, rows = 37;
  const testutil::TestMatrix m = testutil::RandomMatrix(GgmlType::kQ4_0, rows, cols, 29);
  const std::vector<float> x = testutil::RandomActivations(1, cols, 31);
  const std::vector<float> scalar = RunOnPath(Path::kScalar, m.w, x, 1);
  for (Path p : {Path::kAvx2, Path::kAvx512}) {
    if (!kernels::PathSupported(p)) continue;
    const std::vector<float> y = RunOnPath(p, m.w, x, 1);
    for (int64_t r = 0; r < rows; ++r) {
      EXPECT_NEAR(y[r], scalar[r], 1e-4f * (1.0f + std::abs(scalar[r]))) << kernels::PathName(p) << " row " << r;
    }
  }
}

}  // namespace
}  // namespace llm::engine
