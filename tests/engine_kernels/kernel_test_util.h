// Shared helpers for the kernel tests: test matrices (real tensors from ../shared/models or
// random blocks) and activations.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/gguf/gguf_reader.h"
#include "engine/kernels/kernel_table.h"
#include "engine/kernels/matmul.h"
#include "engine_kernels/reference_quants.h"
#include "common/shared_dir.h"

namespace llm::engine::testutil {

struct TypeCase {
  GgmlType type;
  const char* model;  // synth-tiny-<model>.gguf holds tensors of this type
};

inline const std::vector<TypeCase>& AllTypes() {
  static const std::vector<TypeCase> cases = {
      {GgmlType::kF32, "f32"},   {GgmlType::kF16, "f16"},     {GgmlType::kBF16, "bf16"},
      {GgmlType::kQ8_0, "q8_0"}, {GgmlType::kQ4_0, "q4_0"},   {GgmlType::kQ4_1, "q4_1"},
      {GgmlType::kQ5_0, "q5_0"}, {GgmlType::kQ5_1, "q5_1"},   {GgmlType::kQ2_K, "q2_k"},
      {GgmlType::kQ3_K, "q3_k_m"}, {GgmlType::kQ4_K, "q4_k_m"}, {GgmlType::kQ5_K, "q5_k_m"},
      {GgmlType::kQ6_K, "q6_k"}};
  return cases;
}


// The kernel paths this CPU runs (the scalar one always).
inline std::vector<kernels::Path> SupportedPaths() {
  std::vector<kernels::Path> paths;
  for (kernels::Path p : {kernels::Path::kScalar, kernels::Path::kAvx2, kernels::Path::kAvx512}) {
    if (kernels::PathSupported(p)) paths.push_back(p);
  }
  return paths;
}

// A weight matrix whose bytes are either mapped from a GGUF file or owned here.
struct TestMatrix {
  std::unique_ptr<GgufFile> file;
  std::vector<uint8_t> owned;
  WeightMatrix w{};
};

// The first 2-D tensor of `type` in synth-tiny-<model>.gguf (at most max_rows rows).
inline TestMatrix LoadRealMatrix(const TypeCase& c, int64_t max_rows) {
  TestMatrix m;
  const std::string path = (test_support::SharedDir() / "models" / (std::string("synth-tiny-") + c.model + ".gguf")).string();
  auto file = GgufFile::Open(path);
  if (!file.ok()) {
    ADD_FAILURE() << file.status().ToString();
    return m;
  }
  m.file = std::move(file).value();
  for (const GgufTensorInfo& t : m.file->tensors()) {
    if (t.type != c.type || t.dims.size() != 2) continue;
    const size_t row_bytes = t.size_bytes / static_cast<size_t>(t.dims[1]);
    m.w = {c.type, t.data, std::min<int64_t>(t.dims[1], max_rows), t.dims[0], row_bytes};
    return m;
  }
  ADD_FAILURE() << "no 2-D tensor of the wanted type in " << path;
  return m;
}

// Random blocks: every quant bit random, fp16 scales random in (-scale, scale).
inline TestMatrix RandomMatrix(GgmlType type, int64_t rows, int64_t cols, uint32_t seed, float scale = 0.05f) {
  TestMatrix m;
  const testref::Geometry g = testref::GeometryOf(type);
  const size_t row_bytes = static_cast<size_t>(cols / g.block) * g.bytes;
  m.owned.resize(row_bytes * rows);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uni(-scale, scale);
  for (auto& b : m.owned) b = static_cast<uint8_t>(rng());
  const auto put_half = [&](uint8_t* p, float v) {
    const float r = testref::RoundTripHalf(v);
    // encode r (normal range) as IEEE half
    uint32_t u;
    std::memcpy(&u, &r, 4);
    const uint32_t sign = (u >> 16) & 0x8000u;
    const int exp = static_cast<int>((u >> 23) & 0xFF) - 127 + 15;
    uint16_t h = static_cast<uint16_t>(sign);
    if (exp > 0) h = static_cast<uint16_t>(sign | (exp << 10) | ((u >> 13) & 0x3FF));
    std::memcpy(p, &h, 2);
  };
  const int64_t n_blocks = static_cast<int64_t>(m.owned.size() / g.bytes);
  for (int64_t b = 0; b < n_blocks; ++b) {
    uint8_t* blk = m.owned.data() + b * g.bytes;
    if (type == GgmlType::kF32) {
      const float v = uni(rng) * 20;
      std::memcpy(blk, &v, 4);
    } else if (type == GgmlType::kF16) {
      put_half(blk, uni(rng) * 20);
    } else if (type == GgmlType::kBF16) {
      const float v = uni(rng) * 20;
      uint32_t u;
      std::memcpy(&u, &v, 4);
      const uint16_t h = static_cast<uint16_t>(u >> 16);
      std::memcpy(blk, &h, 2);
    } else {
      for (size_t off : testref::HalfFieldOffsets(type)) put_half(blk + off, uni(rng));
    }
  }
  m.w = {type, m.owned.data(), rows, cols, row_bytes};
  return m;
}

// n_tokens x cols activations, roughly normal with a few outliers; token 1 (if any) is all zero.
inline std::vector<float> RandomActivations(int64_t n_tokens, int64_t cols, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> x(static_cast<size_t>(n_tokens * cols));
  for (auto& v : x) v = normal(rng);
  for (size_t i = 0; i < x.size(); i += 97) x[i] *= 8.0f;
  if (n_tokens > 1) std::fill(x.begin() + cols, x.begin() + 2 * cols, 0.0f);
  return x;
}

}  // namespace llm::engine::testutil
