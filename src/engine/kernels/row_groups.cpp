// The row-group layout (row_groups.h): packing, the scalar reference kernel, and Repack.
#include "engine/kernels/row_groups.h"

#include <cassert>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "engine/kernels/activations.h"
#include "engine/kernels/block_types.h"
#include "engine/kernels/matmul.h"

namespace llm::engine {
namespace kernels {
namespace {

constexpr size_t kHalfs = kGroupRows * sizeof(uint16_t);  // 16 fp16 values
// Q4_K group block: offsets of its parts.
constexpr size_t kQ4KScales = 2 * kHalfs, kQ4KMins = kQ4KScales + 8 * kGroupRows,
                 kQ4KQuants = kQ4KMins + 4 * 64, kQ4KBytes = kQ4KQuants + 32 * 64;
constexpr size_t kQ4_0Bytes = kHalfs + 4 * 64;

uint16_t LoadHalf(const uint8_t* p) {
  uint16_t h;
  std::memcpy(&h, p, sizeof h);
  return h;
}

void PackQ4_0Block(const uint8_t* const* rows, uint8_t* out) {
  for (int r = 0; r < kGroupRows; ++r) {
    const auto* blk = reinterpret_cast<const BlockQ4_0*>(rows[r]);
    std::memcpy(out + r * 2, &blk->d, 2);
    for (int j = 0; j < 4; ++j) std::memcpy(out + kHalfs + j * 64 + 4 * r, blk->qs + 4 * j, 4);
  }
}

void PackQ4_KBlock(const uint8_t* const* rows, uint8_t* out) {
  for (int r = 0; r < kGroupRows; ++r) {
    const auto* blk = reinterpret_cast<const BlockQ4_K*>(rows[r]);
    std::memcpy(out + r * 2, &blk->d, 2);
    std::memcpy(out + kHalfs + r * 2, &blk->dmin, 2);
    for (int j = 0; j < 8; ++j) {
      uint8_t sc, m;
      ScaleMinK4(j, blk->scales, &sc, &m);
      out[kQ4KScales + j * kGroupRows + r] = sc;
      const int16_t m16 = m;
      std::memcpy(out + kQ4KMins + (j / 2) * 64 + 4 * r + (j % 2) * 2, &m16, 2);
    }
    for (int v = 0; v < 32; ++v) {
      const int i = v / 8, k = v % 8;
      std::memcpy(out + kQ4KQuants + v * 64 + 4 * r, blk->qs + 32 * i + 4 * k, 4);
    }
  }
}

// Row r's nibble byte m (0..3) of quant vector v of a group block whose vectors start at q.
uint8_t QuantByte(const uint8_t* q, int v, int r, int m) { return q[v * 64 + 4 * r + m]; }

void ScalarQ4_0(const uint8_t* group, int64_t cols, const uint8_t* act, size_t act_stride, int64_t n_tokens,
                float* y, size_t out_stride) {
  const int64_t nb = cols / kQK;
  for (int64_t t = 0; t < n_tokens; ++t) {
    const ActQ8Row a = ActQ8View(act + t * act_stride, cols);
    for (int r = 0; r < kGroupRows; ++r) {
      float acc = 0.0f;
      for (int64_t b = 0; b < nb; ++b) {
        const uint8_t* block = group + b * kQ4_0Bytes;
        const int8_t* x = a.qs + b * kQK;
        int32_t isum = -8 * a.sum[b];
        for (int j = 0; j < 4; ++j) {
          for (int m = 0; m < 4; ++m) {
            const uint8_t byte = QuantByte(block + kHalfs, j, r, m);
            isum += (byte & 0x0F) * x[4 * j + m] + (byte >> 4) * x[16 + 4 * j + m];
          }
        }
        acc = std::fma(static_cast<float>(isum), HalfToFloat(LoadHalf(block + 2 * r)) * a.d[b], acc);
      }
      y[t * out_stride + r] = acc;
    }
  }
}

void ScalarQ4_K(const uint8_t* group, int64_t cols, const uint8_t* act, size_t act_stride, int64_t n_tokens,
                float* y, size_t out_stride) {
  const int64_t nb = cols / kQKK;
  for (int64_t t = 0; t < n_tokens; ++t) {
    const auto* a = reinterpret_cast<const BlockQ8_K*>(act + t * act_stride);
    for (int r = 0; r < kGroupRows; ++r) {
      float acc = 0.0f;
      for (int64_t b = 0; b < nb; ++b) {
        const uint8_t* block = group + b * kQ4KBytes;
        int32_t isum = 0, msum = 0;
        for (int j = 0; j < 8; ++j) {
          int32_t sub = 0;
          for (int k = 0; k < 8; ++k) {
            for (int m = 0; m < 4; ++m) {
              const uint8_t byte = QuantByte(block + kQ4KQuants, 8 * (j / 2) + k, r, m);
              sub += ((j % 2) ? byte >> 4 : byte & 0x0F) * a[b].qs[32 * j + 4 * k + m];
            }
          }
          int16_t m16;
          std::memcpy(&m16, block + kQ4KMins + (j / 2) * 64 + 4 * r + (j % 2) * 2, 2);
          isum += block[kQ4KScales + j * kGroupRows + r] * sub;
          msum += m16 * (a[b].bsums[2 * j] + a[b].bsums[2 * j + 1]);
        }
        const float d = HalfToFloat(LoadHalf(block + 2 * r)) * a[b].d;
        const float dmin = HalfToFloat(LoadHalf(block + kHalfs + 2 * r)) * a[b].d;
        acc = std::fma(static_cast<float>(isum), d, acc);
        acc = std::fma(-static_cast<float>(msum), dmin, acc);
      }
      y[t * out_stride + r] = acc;
    }
  }
}

void ScalarGroupMatMul(GgmlType type, const uint8_t* group, int64_t cols, const uint8_t* act, size_t act_stride,
                       int64_t n_tokens, float* y, size_t out_stride) {
  if (type == GgmlType::kQ4_0) {
    ScalarQ4_0(group, cols, act, act_stride, n_tokens, y, out_stride);
  } else {
    ScalarQ4_K(group, cols, act, act_stride, n_tokens, y, out_stride);
  }
}

struct FreeBytes {
  void operator()(uint8_t* p) const { std::free(p); }
};

}  // namespace

size_t GroupBlockBytes(GgmlType type) {
  switch (type) {
    case GgmlType::kQ4_0: return kQ4_0Bytes;
    case GgmlType::kQ4_K: return kQ4KBytes;
    default: return 0;
  }
}

void PackGroup(GgmlType type, const uint8_t* rows, size_t row_bytes, int64_t cols, uint8_t* dst) {
  assert(GroupBlockBytes(type) != 0);
  const GgmlTypeTraits& traits = TraitsOf(type);
  const int64_t nb = cols / traits.block_size;
  for (int64_t b = 0; b < nb; ++b) {
    const uint8_t* blocks[kGroupRows];
    for (int r = 0; r < kGroupRows; ++r) blocks[r] = rows + r * row_bytes + b * traits.block_bytes;
    uint8_t* out = dst + b * GroupBlockBytes(type);
    if (type == GgmlType::kQ4_0) {
      PackQ4_0Block(blocks, out);
    } else {
      PackQ4_KBlock(blocks, out);
    }
  }
}

GroupKernelFn FindGroupKernel(Path path) {
  return path == Path::kAvx512 ? &Avx512GroupMatMul : &ScalarGroupMatMul;
}

bool PathPrefersGroups(GgmlType type, Path path) {
  // LLM_PACK_WEIGHTS=0 keeps every matrix row-major (to compare the two layouts' speed).
  static const bool enabled = [] {
    const char* env = std::getenv("LLM_PACK_WEIGHTS");
    return env == nullptr || std::strcmp(env, "0") != 0;
  }();
  return enabled && path == Path::kAvx512 && GroupBlockBytes(type) != 0;
}

}  // namespace kernels

size_t MatrixBytes(const WeightMatrix& w) {
  const int64_t units = w.layout == WeightLayout::kRowGroups16 ? w.rows / kernels::kGroupRows : w.rows;
  return w.row_bytes * static_cast<size_t>(units);
}

Result<PackedWeights> PackForKernels(const WeightMatrix& w) {
  using kernels::kGroupRows;
  if (w.layout != WeightLayout::kRows || w.rows % kGroupRows != 0 ||
      !kernels::PathPrefersGroups(w.type, kernels::ActivePath())) {
    return Status::Unsupported("no row-group layout for this matrix on this CPU");
  }
  const int64_t groups = w.rows / kGroupRows;
  const size_t group_bytes =
      kernels::GroupBlockBytes(w.type) * static_cast<size_t>(w.cols / TraitsOf(w.type).block_size);
  const size_t bytes = group_bytes * static_cast<size_t>(groups);
  auto* raw = static_cast<uint8_t*>(std::aligned_alloc(64, (bytes + 63) / 64 * 64));
  if (raw == nullptr) return Status::ResourceExhausted("out of memory packing a weight matrix");
  PackedWeights packed;
  packed.storage = std::shared_ptr<uint8_t[]>(raw, kernels::FreeBytes());
  const auto* src = static_cast<const uint8_t*>(w.data);
  for (int64_t g = 0; g < groups; ++g) {
    kernels::PackGroup(w.type, src + g * kGroupRows * w.row_bytes, w.row_bytes, w.cols, raw + g * group_bytes);
  }
  packed.matrix = WeightMatrix{w.type, raw, w.rows, w.cols, group_bytes, WeightLayout::kRowGroups16};
  return packed;
}

}  // namespace llm::engine
