// Weights packed in row groups (PackForKernels): the SIMD kernel equals the scalar reference
// bit for bit, a token's outputs do not depend on how many tokens share the call, and the
// products agree with the row-major kernels' up to rounding.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "engine/kernels/matmul.h"
#include "engine/kernels/matmul_path.h"
#include "engine/kernels/row_groups.h"
#include "engine_kernels/kernel_test_util.h"

namespace llm::engine {
namespace {

using kernels::Path;

constexpr GgmlType kPackedTypes[] = {GgmlType::kQ4_0, GgmlType::kQ4_K};

// The matrix packed whatever this CPU prefers (the tests also run the scalar group kernel).
WeightMatrix PackAlways(const WeightMatrix& w, std::vector<uint8_t>* storage) {
  const int64_t groups = w.rows / kernels::kGroupRows;
  const size_t group_bytes = kernels::GroupBlockBytes(w.type) * static_cast<size_t>(w.cols / TraitsOf(w.type).block_size);
  storage->assign(group_bytes * groups, 0);
  for (int64_t g = 0; g < groups; ++g) {
    kernels::PackGroup(w.type, static_cast<const uint8_t*>(w.data) + g * 16 * w.row_bytes, w.row_bytes, w.cols,
                       storage->data() + g * group_bytes);
  }
  return WeightMatrix{w.type, storage->data(), w.rows, w.cols, group_bytes, WeightLayout::kRowGroups16};
}

std::vector<float> Multiply(Path path, const WeightMatrix& w, const std::vector<float>& x, int64_t n_tokens) {
  ThreadPool pool(2);
  std::vector<float> y(static_cast<size_t>(n_tokens * w.rows), NAN);
  kernels::MatMulOnPath(path, w, x.data(), n_tokens, y.data(), pool);
  return y;
}

// Every path this CPU runs (on AVX-512 VNNI, its own group kernel) against the scalar one.
TEST(RowGroupMatMul, EachPathsKernelEqualsTheScalarReferenceBitForBit) {
  for (Path path : testutil::SupportedPaths()) {
    for (GgmlType type : kPackedTypes) {
      const testutil::TestMatrix m = testutil::RandomMatrix(type, 48, 1024, 11);
      std::vector<uint8_t> storage;
      const WeightMatrix packed = PackAlways(m.w, &storage);
      for (int64_t n : {1, 3, 8, 13, 20}) {
        const std::vector<float> x = testutil::RandomActivations(n, m.w.cols, 5);
        const std::vector<float> got = Multiply(path, packed, x, n);
        const std::vector<float> scalar = Multiply(Path::kScalar, packed, x, n);
        for (size_t i = 0; i < got.size(); ++i) {
          ASSERT_EQ(std::bit_cast<uint32_t>(got[i]), std::bit_cast<uint32_t>(scalar[i]))
              << kernels::PathName(path) << " " << TraitsOf(type).name << " n=" << n << " i=" << i << ": " << got[i]
              << " vs " << scalar[i];
        }
      }
    }
  }
}

TEST(RowGroupMatMul, EachTokenEqualsItsOneTokenResultBitForBit) {
  for (Path path : testutil::SupportedPaths()) {
    for (GgmlType type : kPackedTypes) {
      const testutil::TestMatrix m = testutil::RandomMatrix(type, 32, 256, 3);
      std::vector<uint8_t> storage;
      const WeightMatrix packed = PackAlways(m.w, &storage);
      constexpr int64_t kTokens = 19;
      const std::vector<float> x = testutil::RandomActivations(kTokens, m.w.cols, 9);
      const std::vector<float> batch = Multiply(path, packed, x, kTokens);
      for (int64_t t = 0; t < kTokens; ++t) {
        const std::vector<float> xt(x.begin() + t * m.w.cols, x.begin() + (t + 1) * m.w.cols);
        const std::vector<float> one = Multiply(path, packed, xt, 1);
        for (int64_t r = 0; r < m.w.rows; ++r) {
          ASSERT_EQ(std::bit_cast<uint32_t>(batch[t * m.w.rows + r]), std::bit_cast<uint32_t>(one[r]))
              << kernels::PathName(path) << " " << TraitsOf(type).name << " token " << t << " row " << r;
        }
      }
    }
  }
}

TEST(RowGroupMatMul, AgreesWithTheRowMajorKernelsUpToRounding) {
  for (GgmlType type : kPackedTypes) {
    const testutil::TestMatrix m = testutil::RandomMatrix(type, 64, 2048, 21);
    std::vector<uint8_t> storage;
    const WeightMatrix packed = PackAlways(m.w, &storage);
    const std::vector<float> x = testutil::RandomActivations(5, m.w.cols, 4);
    const std::vector<float> want = Multiply(Path::kScalar, m.w, x, 5);
    for (Path path : testutil::SupportedPaths()) {
      const std::vector<float> got = Multiply(path, packed, x, 5);
      for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_NEAR(got[i], want[i], 2e-5f * (1.0f + std::abs(want[i])))
            << kernels::PathName(path) << " " << TraitsOf(type).name << " i=" << i;
      }
    }
  }
}

TEST(RowGroupMatMul, PackForKernelsPacksOnlyWhatAFasterKernelExistsFor) {
  // What a loaded model gets: packed on the AVX-512 path unless LLM_PACK_WEIGHTS=0.
  const char* env = std::getenv("LLM_PACK_WEIGHTS");
  const bool simd = kernels::ActivePath() == Path::kAvx512 && (env == nullptr || std::string(env) != "0");
  const testutil::TestMatrix q4 = testutil::RandomMatrix(GgmlType::kQ4_0, 32, 256, 1);
  Result<PackedWeights> packed = PackForKernels(q4.w);
  ASSERT_EQ(packed.ok(), simd) << packed.status().ToString();
  if (simd) {
    EXPECT_EQ(packed->matrix.layout, WeightLayout::kRowGroups16);
    EXPECT_EQ(packed->matrix.rows, 32);
    const std::vector<float> x = testutil::RandomActivations(2, 256, 8);
    std::vector<uint8_t> storage;
    EXPECT_EQ(Multiply(kernels::ActivePath(), packed->matrix, x, 2),
              Multiply(kernels::ActivePath(), PackAlways(q4.w, &storage), x, 2));
  }
  const testutil::TestMatrix odd_rows = testutil::RandomMatrix(GgmlType::kQ4_0, 24, 256, 1);
  EXPECT_EQ(PackForKernels(odd_rows.w).status().code(), StatusCode::kUnsupported);
  // Q8_0 keeps llama.cpp's float order (its conformance needs the same greedy text).
  const testutil::TestMatrix q8 = testutil::RandomMatrix(GgmlType::kQ8_0, 32, 256, 1);
  EXPECT_EQ(PackForKernels(q8.w).status().code(), StatusCode::kUnsupported);
  packed = PackForKernels(q4.w);
  if (simd) {
    EXPECT_EQ(PackForKernels(packed->matrix).status().code(), StatusCode::kUnsupported);
  }
}

}  // namespace
}  // namespace llm::engine
