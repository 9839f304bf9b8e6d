// MatMul throughput per weight type: n_tokens 1 (generation, a matrix-vector product), 2, 3 and 4
// (batched decoding of that many sequences) and 128
// (a prompt batch), 2048x2048 and 8192x2048 weights (rows x cols), 1 and 2 threads.
// Counters: GB/s of weight bytes read, GFLOP/s (2 * rows * cols * n_tokens per call).
// The instruction-set path is the best the CPU has, or LLM_KERNELS=scalar|avx2|avx512; Q4_0 and
// Q8_0 weights are packed in row groups where the path has a kernel for them (LLM_PACK_WEIGHTS=0:
// never).
#include <benchmark/benchmark.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "engine/kernels/kernel_table.h"
#include "engine/kernels/matmul.h"

namespace llm::engine {
namespace {

struct BenchType {
  GgmlType type;
  const char* name;
  int64_t block;
  size_t block_bytes;
  std::vector<size_t> half_fields;  // offsets of fp16 scales inside a block
};

// The name and block geometry come from the GGML type table (engine/gguf/ggml_type.h).
BenchType Of(GgmlType type, std::vector<size_t> half_fields) {
  const GgmlTypeTraits& traits = TraitsOf(type);
  return {type, traits.name.data(), traits.block_size, traits.block_bytes, std::move(half_fields)};
}

const std::vector<BenchType>& Types() {
  static const std::vector<BenchType> types = {
      Of(GgmlType::kF32, {}),          Of(GgmlType::kF16, {}),      Of(GgmlType::kBF16, {}),
      Of(GgmlType::kQ8_0, {0}),        Of(GgmlType::kQ4_0, {0}),    Of(GgmlType::kQ4_1, {0, 2}),
      Of(GgmlType::kQ5_0, {0}),        Of(GgmlType::kQ5_1, {0, 2}), Of(GgmlType::kQ2_K, {80, 82}),
      Of(GgmlType::kQ3_K, {108}),      Of(GgmlType::kQ4_K, {0, 2}), Of(GgmlType::kQ5_K, {0, 2}),
      Of(GgmlType::kQ6_K, {208})};
  return types;
}

// Random weights: random quant bits, fp16 scales of about 0.01, plain types in [-1, 1).
std::vector<uint8_t> RandomWeights(const BenchType& t, int64_t rows, int64_t cols) {
  const size_t bytes = static_cast<size_t>(rows * cols / t.block) * t.block_bytes;
  std::vector<uint8_t> data(bytes);
  std::mt19937 rng(42);
  for (size_t i = 0; i < bytes; i += 4) {
    const uint32_t v = rng();
    std::memcpy(data.data() + i, &v, std::min<size_t>(4, bytes - i));
  }
  const uint16_t small_half = 0x2000;  // 2^-7
  if (t.type == GgmlType::kF32) {
    for (size_t i = 0; i < bytes; i += 4) {
      const float f = static_cast<float>(static_cast<int32_t>(rng())) / 2147483648.0f;
      std::memcpy(data.data() + i, &f, 4);
    }
  } else if (t.type == GgmlType::kF16 || t.type == GgmlType::kBF16) {
    for (size_t i = 0; i < bytes; i += 2) {
      const uint16_t h = t.type == GgmlType::kF16 ? static_cast<uint16_t>(0x3800 | (rng() & 0x83FF))
                                                  : static_cast<uint16_t>(0x3F00 | (rng() & 0x807F));
      std::memcpy(data.data() + i, &h, 2);
    }
  } else {
    for (size_t b = 0; b < bytes; b += t.block_bytes) {
      for (size_t off : t.half_fields) std::memcpy(data.data() + b + off, &small_half, 2);
    }
  }
  return data;
}

void BM_MatMul(benchmark::State& state, const BenchType& t, int64_t rows, int64_t cols) {
  const int64_t n_tokens = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  const std::vector<uint8_t> weights = RandomWeights(t, rows, cols);
  const WeightMatrix rows_w{t.type, weights.data(), rows, cols, weights.size() / static_cast<size_t>(rows)};
  // Packed into row groups as a loaded model's are, when this CPU has a kernel for that layout.
  Result<PackedWeights> packed = PackForKernels(rows_w);
  const WeightMatrix w = packed.ok() ? packed->matrix : rows_w;
  std::vector<float> x(static_cast<size_t>(n_tokens * cols)), y(static_cast<size_t>(n_tokens * rows));
  std::mt19937 rng(1);
  std::normal_distribution<float> normal;
  for (float& v : x) v = normal(rng);
  ThreadPool pool(threads);
  for (auto _ : state) {
    MatMul(w, x.data(), n_tokens, y.data(), pool);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  const double calls = static_cast<double>(state.iterations());
  state.counters["GB/s"] = benchmark::Counter(calls * static_cast<double>(weights.size()) / 1e9,
                                              benchmark::Counter::kIsRate);
  state.counters["GFLOP/s"] = benchmark::Counter(calls * 2.0 * rows * cols * n_tokens / 1e9,
                                                 benchmark::Counter::kIsRate);
  state.SetLabel(std::string(kernels::PathName(kernels::ActivePath())) + (packed.ok() ? " packed" : ""));
}

int RegisterAll() {
  for (const BenchType& t : Types()) {
    for (const auto& [rows, cols] : {std::pair<int64_t, int64_t>{2048, 2048}, {8192, 2048}}) {
      const std::string name = std::string("MatMul/") + t.name + "/" + std::to_string(rows) + "x" + std::to_string(cols);
      benchmark::RegisterBenchmark(name.c_str(), BM_MatMul, t, rows, cols)
          ->ArgNames({"tokens", "threads"})
          ->ArgsProduct({{1, 2, 3, 4, 128}, {1, 2}})
          ->UseRealTime()
          ->Unit(benchmark::kMillisecond);
    }
  }
  return 0;
}

const int kRegistered = RegisterAll();

}  // namespace
}  // namespace llm::engine
