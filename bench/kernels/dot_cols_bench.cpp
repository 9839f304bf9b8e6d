// One DotFn call per weight row with 1..8 activation columns, K-quant types, weights and
// activations cache-resident (64 rows x 2048): the kernel's own cost per column count, called
// from this baseline-x86-64 file the way matmul.cpp calls it (so a kernel that returns with a
// dirty upper vector state shows here as a column count far slower than its neighbours).
// Counter: ns per row per call. Path: the best the CPU has, or LLM_KERNELS=avx2|avx512|scalar.
#include <benchmark/benchmark.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "engine/kernels/activations.h"
#include "engine/kernels/kernel_table.h"

namespace llm::engine {
namespace {

struct KType {
  GgmlType type;
  std::vector<size_t> half_fields;  // offsets of fp16 scales inside a 256-element block
};

const std::vector<KType>& KTypes() {
  static const std::vector<KType> types = {{GgmlType::kQ2_K, {80, 82}},
                                           {GgmlType::kQ3_K, {108}},
                                           {GgmlType::kQ4_K, {0, 2}},
                                           {GgmlType::kQ5_K, {0, 2}},
                                           {GgmlType::kQ6_K, {208}}};
  return types;
}

void BM_DotCols(benchmark::State& state, const KType& t) {
  constexpr int64_t kCols = 2048, kRows = 64;
  const int ncols = static_cast<int>(state.range(0));
  const kernels::TypeKernels* k = kernels::FindKernels(t.type, kernels::ActivePath());
  if (k == nullptr || ncols > k->max_cols) {
    state.SkipWithError("no kernel for this column count on this path");
    return;
  }
  std::mt19937 rng(7);
  const size_t row_bytes = static_cast<size_t>(kCols / k->block_size) * k->block_bytes;
  std::vector<uint8_t> w(row_bytes * kRows);
  for (uint8_t& b : w) b = static_cast<uint8_t>(rng());
  const uint16_t scale = 0x2000;  // fp16 ~0.0078
  for (size_t blk = 0; blk < w.size() / k->block_bytes; ++blk) {
    for (size_t off : t.half_fields) std::memcpy(w.data() + blk * k->block_bytes + off, &scale, 2);
  }
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> x(static_cast<size_t>(kCols * ncols));
  for (float& v : x) v = dist(rng);
  const size_t stride = kernels::ActRowStride(k->act, kCols);
  std::vector<uint8_t> act(stride * ncols);
  for (int c = 0; c < ncols; ++c) kernels::ConvertActivationRow(k->act, x.data() + c * kCols, act.data() + c * stride, kCols);
  float out[kernels::kMaxCols];
  for (auto _ : state) {
    for (int64_t r = 0; r < kRows; ++r) {
      k->dot(kCols, w.data() + r * row_bytes, act.data(), stride, ncols, out);
      benchmark::DoNotOptimize(out[0]);
    }
  }
  state.counters["ns/row"] = benchmark::Counter(static_cast<double>(state.iterations() * kRows),
                                                benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.SetLabel(kernels::PathName(kernels::ActivePath()));
}

[[maybe_unused]] const bool kRegistered = [] {
  for (const KType& t : KTypes()) {
    benchmark::RegisterBenchmark((std::string("DotCols/") + std::string(TraitsOf(t.type).name)).c_str(), BM_DotCols, t)
        ->DenseRange(1, kernels::kMaxCols)
        ->ArgName("cols");
  }
  return true;
}();

}  // namespace
}  // namespace llm::engine
