#include "engine/kernels/kernel_table.h"

#include <cstdlib>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <cstring>


namespace llm::engine::kernels {
namespace {

// The matrix types and the activation type each converts its input to. Block geometry comes
// from the GGML type table (engine/gguf/ggml_type.h).
struct TypeInfo {
  GgmlType type;
  ActType act;
};

constexpr TypeInfo kTypes[] = {
    {GgmlType::kF32, ActType::kF32},   {GgmlType::kF16, ActType::kF16},
    {GgmlType::kBF16, ActType::kBF16}, {GgmlType::kQ4_0, ActType::kQ8_0},
    {GgmlType::kQ4_1, ActType::kQ8_1}, {GgmlType::kQ5_0, ActType::kQ8_0},
    {GgmlType::kQ5_1, ActType::kQ8_1}, {GgmlType::kQ8_0, ActType::kQ8_0},
    {GgmlType::kQ2_K, ActType::kQ8_K}, {GgmlType::kQ3_K, ActType::kQ8_K},
    {GgmlType::kQ4_K, ActType::kQ8_K}, {GgmlType::kQ5_K, ActType::kQ8_K},
    {GgmlType::kQ6_K, ActType::kQ8_K},
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
      const GgmlTypeTraits& traits = TraitsOf(t.type);
      entries[i] = {t.act, traits.block_size, traits.block_bytes, k.fn, k.max_cols, k.rows,
                    k.rows != nullptr ? k.rows_max_cols : 0};
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

// What the CPU and the OS (saved register state, XCR0) support, from CPUID: works the same
// with GCC and clang (clang 14's __builtin_cpu_supports lacks "avx512vnni").
struct CpuFeatures {
  bool avx2 = false;    // AVX2 + FMA + F16C
  bool avx512 = false;  // AVX-512 F, BW, VL, DQ, VNNI
};

CpuFeatures DetectCpu() {
  CpuFeatures f;
#if defined(__x86_64__) || defined(__i386__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(0, &eax, &ebx, &ecx, &edx) == 0 || eax < 7) return f;
  __get_cpuid(1, &eax, &ebx, &ecx, &edx);
  const bool fma = ecx & (1u << 12), osxsave = ecx & (1u << 27), f16c = ecx & (1u << 29);
  if (!osxsave) return f;
  unsigned xcr0_lo = 0, xcr0_hi = 0;
  __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
  const bool os_avx = (xcr0_lo & 0x6u) == 0x6u;       // SSE and AVX state
  const bool os_avx512 = (xcr0_lo & 0xE6u) == 0xE6u;  // plus opmask and ZMM state
  __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx);
  const bool avx2 = ebx & (1u << 5);
  const bool avx512f = ebx & (1u << 16), avx512dq = ebx & (1u << 17);
  const bool avx512bw = ebx & (1u << 30), avx512vl = ebx & (1u << 31);
  const bool avx512vnni = ecx & (1u << 11);
  f.avx2 = os_avx && avx2 && fma && f16c;
  f.avx512 = f.avx2 && os_avx512 && avx512f && avx512dq && avx512bw && avx512vl && avx512vnni;
#endif
  return f;
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
  static const CpuFeatures cpu = DetectCpu();
  switch (path) {
    case Path::kScalar: return true;
    case Path::kAvx2: return cpu.avx2;
    case Path::kAvx512: return cpu.avx512;
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
