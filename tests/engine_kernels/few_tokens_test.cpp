// MatMul with 1..5 tokens (batched decoding: kDotRows rows x every token per DotRowsFn call
// where the path has one, up to its rows_max_cols) against one token at a time, bit for bit,
// and against the scalar path within rounding; and each DotRowsFn column against the DotFn.
// Shapes exercise every remainder: odd and even block counts, row counts that are not
// multiples of kDotRows, several row tiles.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "engine/kernels/activations.h"
#include "engine/kernels/kernel_table.h"
#include "engine/kernels/matmul.h"
#include "engine/kernels/matmul_path.h"
#include "engine/kernels/thread_pool.h"
#include "engine_kernels/kernel_test_util.h"

namespace llm::engine {
namespace {

using kernels::Path;
using testutil::SupportedPaths;

std::vector<float> RunOnPath(Path path, const WeightMatrix& w, const float* x, int64_t n_tokens, int threads) {
  ThreadPool pool(threads);
  std::vector<float> y(static_cast<size_t>(n_tokens * w.rows), NAN);
  kernels::MatMulOnPath(path, w, x, n_tokens, y.data(), pool);
  return y;
}

bool SameBits(float a, float b) { return std::memcmp(&a, &b, sizeof(float)) == 0; }

// Column t of an n-token MatMul equals the one-token MatMul of activation row t, bit for bit.
void ExpectColumnsEqualOneTokenResults(GgmlType type, int64_t rows, int64_t cols, int64_t n_tokens) {
  const testutil::TestMatrix m = testutil::RandomMatrix(type, rows, cols, static_cast<uint32_t>(rows * 131 + cols));
  const std::vector<float> x = testutil::RandomActivations(n_tokens, cols, static_cast<uint32_t>(n_tokens + 7));
  for (Path p : SupportedPaths()) {
    const std::vector<float> batch = RunOnPath(p, m.w, x.data(), n_tokens, 2);
    for (int64_t t = 0; t < n_tokens; ++t) {
      const std::vector<float> one = RunOnPath(p, m.w, x.data() + t * cols, 1, 1);
      for (int64_t r = 0; r < rows; ++r) {
        ASSERT_TRUE(SameBits(batch[t * rows + r], one[r]))
            << kernels::PathName(p) << " type " << static_cast<int>(type) << " rows " << rows << " cols " << cols
            << " tokens " << n_tokens << " token " << t << " row " << r << ": " << batch[t * rows + r]
            << " != " << one[r];
      }
    }
  }
}

// The types with multi-column rows kernels (batched decoding): odd and even block counts, row
// counts that are not multiples of kDotRows (the remainder goes row by row through the DotFn).
void ExpectRowsKernelShapesEqualOneTokenResults(GgmlType type) {
  for (const int64_t cols : {32, 64, 3 * 32, 33 * 32, 64 * 32}) {
    for (const int64_t rows : {1, 5, 8, 13, 37}) {
      for (int64_t n_tokens = 1; n_tokens <= 5; ++n_tokens) {
        ExpectColumnsEqualOneTokenResults(type, rows, cols, n_tokens);
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
  }
}

TEST(FewTokensMatMul, Q4_0EachTokenEqualsItsOneTokenResultBitForBit) {
  ExpectRowsKernelShapesEqualOneTokenResults(GgmlType::kQ4_0);
}

TEST(FewTokensMatMul, Q8_0EachTokenEqualsItsOneTokenResultBitForBit) {
  ExpectRowsKernelShapesEqualOneTokenResults(GgmlType::kQ8_0);
}

TEST(FewTokensMatMul, OtherTypesEachTokenEqualsItsOneTokenResultBitForBit) {
  for (const GgmlType type : {GgmlType::kF32, GgmlType::kF16, GgmlType::kBF16, GgmlType::kQ8_0, GgmlType::kQ4_1}) {
    const int64_t cols = testref::GeometryOf(type).block == 1 ? 523 : 33 * 32;
    for (int64_t n_tokens = 1; n_tokens <= 5; ++n_tokens) {
      ExpectColumnsEqualOneTokenResults(type, 37, cols, n_tokens);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

TEST(FewTokensMatMul, KQuantsEachTokenEqualsItsOneTokenResultBitForBit) {
  for (const GgmlType type : {GgmlType::kQ2_K, GgmlType::kQ3_K, GgmlType::kQ4_K, GgmlType::kQ5_K, GgmlType::kQ6_K}) {
    for (const int64_t cols : {256, 3 * 256, 8 * 256}) {
      for (int64_t n_tokens = 1; n_tokens <= 5; ++n_tokens) {
        ExpectColumnsEqualOneTokenResults(type, 13, cols, n_tokens);
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
  }
}

// Each column of a 1..kMaxCols-column K-quant DotFn call equals its 1-column call, bit for bit.
TEST(FewTokensMatMul, KQuantDotColumnsEqualTheirOneColumnCall) {
  for (const GgmlType type : {GgmlType::kQ2_K, GgmlType::kQ3_K, GgmlType::kQ4_K, GgmlType::kQ5_K, GgmlType::kQ6_K}) {
    const int64_t cols = 5 * 256;
    const testutil::TestMatrix m = testutil::RandomMatrix(type, 3, cols, 41);
    for (Path p : SupportedPaths()) {
      const kernels::TypeKernels* k = kernels::FindKernels(type, p);
      ASSERT_NE(k, nullptr);
      const std::vector<float> x = testutil::RandomActivations(k->max_cols, cols, 43);
      const size_t stride = kernels::ActRowStride(k->act, cols);
      std::vector<uint8_t> act(stride * k->max_cols);
      for (int c = 0; c < k->max_cols; ++c) {
        kernels::ConvertActivationRow(k->act, x.data() + c * cols, act.data() + c * stride, cols);
      }
      for (int64_t r = 0; r < m.w.rows; ++r) {
        const uint8_t* row = static_cast<const uint8_t*>(m.w.data) + r * m.w.row_bytes;
        for (int ncols = 1; ncols <= k->max_cols; ++ncols) {
          float out[kernels::kMaxCols];
          k->dot(cols, row, act.data(), stride, ncols, out);
          for (int c = 0; c < ncols; ++c) {
            float one = NAN;
            k->dot(cols, row, act.data() + c * stride, stride, 1, &one);
            ASSERT_TRUE(SameBits(out[c], one)) << kernels::PathName(p) << " type " << static_cast<int>(type)
                                               << " ncols " << ncols << " column " << c << " row " << r;
          }
        }
      }
    }
  }
}

TEST(FewTokensMatMul, Q4_0SimdMatchesScalarWithinRounding) {
  for (const int64_t cols : {64, 33 * 32}) {
    const int64_t rows = 37;
    const testutil::TestMatrix m = testutil::RandomMatrix(GgmlType::kQ4_0, rows, cols, 29);
    for (int64_t n_tokens = 1; n_tokens <= 5; ++n_tokens) {
      const std::vector<float> x = testutil::RandomActivations(n_tokens, cols, 31);
      const std::vector<float> scalar = RunOnPath(Path::kScalar, m.w, x.data(), n_tokens, 1);
      for (Path p : {Path::kAvx2, Path::kAvx512}) {
        if (!kernels::PathSupported(p)) continue;
        const std::vector<float> y = RunOnPath(p, m.w, x.data(), n_tokens, 2);
        for (int64_t i = 0; i < n_tokens * rows; ++i) {
          EXPECT_NEAR(y[i], scalar[i], 1e-4f * (1.0f + std::abs(scalar[i])))
              << kernels::PathName(p) << " cols " << cols << " tokens " << n_tokens << " token " << i / rows
              << " row " << i % rows;
        }
      }
    }
  }
}

// Converted activation rows (ActRowStride apart, 64-byte aligned) of n_tokens random rows.
struct ConvertedRows {
  std::vector<uint8_t> bytes;
  const uint8_t* data = nullptr;
  size_t stride = 0;
};

ConvertedRows Convert(kernels::ActType act, const std::vector<float>& x, int64_t n_tokens, int64_t cols) {
  ConvertedRows c;
  c.stride = kernels::ActRowStride(act, cols);
  c.bytes.resize(c.stride * n_tokens + 64);
  const size_t misalign = reinterpret_cast<uintptr_t>(c.bytes.data()) % 64;
  uint8_t* base = c.bytes.data() + (misalign == 0 ? 0 : 64 - misalign);
  for (int64_t t = 0; t < n_tokens; ++t) kernels::ConvertActivationRow(act, x.data() + t * cols, base + t * c.stride, cols);
  c.data = base;
  return c;
}

TEST(DotRowsKernels, EachColumnEqualsTheDotFnAndOnlyItsOutputsAreWritten) {
  int kernels_checked = 0;
  for (const testutil::TypeCase& tc : testutil::AllTypes()) {
    const int64_t block = testref::GeometryOf(tc.type).block;
    for (const int64_t cols : {block == 1 ? int64_t{523} : block, block == 1 ? int64_t{64} : 33 * block}) {
      const testutil::TestMatrix m = testutil::RandomMatrix(tc.type, kernels::kDotRows, cols, 3);
      for (Path p : SupportedPaths()) {
        const kernels::TypeKernels* k = kernels::FindKernels(tc.type, p);
        ASSERT_NE(k, nullptr);
        if (k->dot_rows == nullptr) continue;
        ASSERT_GE(k->rows_max_cols, 1);
        ASSERT_LE(k->rows_max_cols, k->max_cols);
        ++kernels_checked;
        const std::vector<float> x = testutil::RandomActivations(k->rows_max_cols, cols, 13);
        const ConvertedRows act = Convert(k->act, x, k->rows_max_cols, cols);
        for (int ncols = 1; ncols <= k->rows_max_cols; ++ncols) {
          const size_t out_stride = kernels::kDotRows + 3;
          std::vector<float> out(out_stride * ncols, -7.0f);
          k->dot_rows(cols, m.w.data, m.w.row_bytes, act.data, act.stride, ncols, out.data(), out_stride);
          for (int c = 0; c < ncols; ++c) {
            for (int r = 0; r < kernels::kDotRows; ++r) {
              float one = NAN;
              k->dot(cols, static_cast<const uint8_t*>(m.w.data) + r * m.w.row_bytes, act.data + c * act.stride,
                     act.stride, 1, &one);
              ASSERT_TRUE(SameBits(out[c * out_stride + r], one))
                  << kernels::PathName(p) << " " << tc.model << " cols " << cols << " ncols " << ncols << " column "
                  << c << " row " << r << ": " << out[c * out_stride + r] << " != " << one;
            }
            for (size_t r = kernels::kDotRows; r < out_stride; ++r) ASSERT_EQ(out[c * out_stride + r], -7.0f);
          }
        }
      }
    }
  }
  // Every x86-64 CPU with AVX-512 VNNI has the Q4_0 and float rows kernels.
  if (kernels::PathSupported(Path::kAvx512)) {
    EXPECT_GT(kernels_checked, 0);
  }
}

// The multi-column rows kernels of Q4_0 and Q8_0 exist on the AVX-512 path (up to four tokens);
// the other paths have none, so MatMul goes row by row there.
TEST(DotRowsKernels, Q4_0AndQ8_0TakeUpToFourTokensOnAvx512Only) {
  for (const Path path : {Path::kScalar, Path::kAvx2, Path::kAvx512}) {
    if (!kernels::PathSupported(path)) continue;
    for (const GgmlType type : {GgmlType::kQ4_0, GgmlType::kQ8_0}) {
      const kernels::TypeKernels* k = kernels::FindKernels(type, path);
      ASSERT_NE(k, nullptr);
      if (path == Path::kAvx512) {
        EXPECT_NE(k->dot_rows, nullptr) << static_cast<int>(type);
        EXPECT_EQ(k->rows_max_cols, 4) << static_cast<int>(type);
      } else {
        EXPECT_EQ(k->rows_max_cols, 0) << kernels::PathName(path) << " " << static_cast<int>(type);
      }
    }
  }
}

}  // namespace
}  // namespace llm::engine
