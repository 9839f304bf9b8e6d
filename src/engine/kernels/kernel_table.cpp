#include "engine/kernels/kernel_table.h"

#include <cstdlib>
#include <cstring>

#include "engine/kernels/block_types.h"

namespace llm::engine::kernels {
namespace {

struct TypeInfo {
  GgmlType type;
  ActType act;
  int64_t block_size;
  size_t block_bytes;
};

constexpr TypeInfo kTypes[] = {
    {GgmlType::kF32, ActType::kF32, 1, 4},
    {GgmlType::kF16, ActType::kF16, 1, 2},
    {GgmlType::kBF16, ActType::kBF16, 1, 2},
    {GgmlType::kQ4_0, ActType::kQ8_0, kQK, sizeof(BlockQ4_0)},
    {GgmlType::kQ4_1, ActType::kQ8_1, kQK, sizeof(BlockQ4_1)},
    {GgmlType::kQ5_0, ActType::kQ8_0, kQK, sizeof(BlockQ5_0)},
    {GgmlType::kQ5_1, ActType::kQ8_1, kQK, sizeof(BlockQ5_1)},
    {GgmlType::kQ8_0, ActType::kQ8_0, kQK, sizeof(BlockQ8_0)},
    {GgmlType::kQ2_K, ActType::kQ8_K, kQKK, sizeof(BlockQ2_K)},
    {GgmlType::kQ3_K, ActType::kQ8_K, kQKK, sizeof(BlockQ3_K)},
    {GgmlType::kQ4_K, ActType::kQ8_K, kQKK, sizeof(BlockQ4_K)},
    {GgmlType::kQ5_K, ActType::kQ8_K, kQKK, sizeof(BlockQ5_K)},
    {GgmlType::kQ6_K, ActType::kQ8_K, kQKK, sizeof(BlockQ6_K)},
};
constexpr int kNumTypes = sizeof(kTypes) / sizeof(kTypes[0]);

// One immutable table per path, built on first use.
struct PathTable {
  TypeKernels entries[kNumTypes];
  explicit PathTable(Path path) {
    for (int i = 0; i < kNumTypes; ++i) {
      const TypeInfo& t = kTypes[i];
      const DotKernel k = path == Path::kAvx512 ? Avx512Dot(t.type)
                          : path == Path::kAvx2 ? Avx2Dot(t.type)
                                                : ScalarDot(t.type);
      entries[i] = {t.act, t.block_size, t.block_bytes, k.fn, k.max_cols};
    }
  }
};

const PathTable& TableFor(Path path) {
  static const PathTable scalar(Path::kScalar);
  if (path == Path::kScalar) return scalar;
  if (path == Path::kAvx2) {
    static const PathTable avx2(Path::kAvx2);
    return avx2;
  }
  static const PathTable avx512(Path::kAvx512);
  return avx512;
}

Path DetectPath() {
  Path best = Path::kScalar;
  if (PathSupported(Path::kAvx512)) {
    best = Path::kAvx512;
  } else if (PathSupported(Path::kAvx2)) {
    best = Path::kAvx2;
  }
  const char* env = std::getenv("LLM_KERNELS");
  if (env == nullptr) return best;
  for (Path p : {Path::kScalar, Path::kAvx2, Path::kAvx512}) {
    if (std::strcmp(env, PathName(p)) == 0 && PathSupported(p)) return p;
  }
  return best;
}

}  // namespace

bool PathSupported(Path path) {
  switch (path) {
    case Path::kScalar: return true;
    case Path::kAvx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
             __builtin_cpu_supports("f16c");
    case Path::kAvx512:
      return PathSupported(Path::kAvx2) && __builtin_cpu_supports("avx512f") &&
             __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
             __builtin_cpu_supports("avx512dq") &&
             __builtin_cpu_supports("avx512vnni");
  }
  return false;
}

Path ActivePath() {
  static const Path path = DetectPath();
  return path;
}

const char* PathName(Path path) {
  switch (path) {
    case Path::kScalar: return "scalar";
    case Path::kAvx2: return "avx2";
    case Path::kAvx512: return "avx512";
  }
  return "?";
}

const TypeKernels* FindKernels(GgmlType type, Path path) {
  for (int i = 0; i < kNumTypes; ++i) {
    if (kTypes[i].type == type) {
      const TypeKernels& k = TableFor(path).entries[i];
      return k.dot != nullptr ? &k : nullptr;
    }
  }
  return nullptr;
}

}  // namespace llm::engine::kernels
