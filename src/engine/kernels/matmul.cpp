// MatMul: activations converted once per call to the weight type's vec_dot type, then the
// weight rows are split over the pool in tiles; each tile is multiplied with up to kMaxCols
// activation rows per weight-row load, so a prompt batch is a matrix-matrix product. With at
// most rows_max_cols tokens (decoding 1..4 sequences), a DotRowsFn takes kDotRows rows x every
// token per call, so the weights are read once per call whatever the token count.
#include "engine/kernels/matmul.h"

#include <algorithm>
#include <cassert>

#include "engine/kernels/activations.h"
#include "engine/kernels/matmul_path.h"
#include "engine/kernels/row_groups.h"

namespace llm::engine {
namespace kernels {
namespace {

// Weight rows per tile: a tile's rows stay in L2 while every token group passes over them.
constexpr int64_t kRowTile = 16;
// Below this many activation elements, converting them on one thread is cheaper than a dispatch.
constexpr int64_t kParallelConvertMin = 1 << 15;

struct Job {
  const TypeKernels* k;
  const WeightMatrix* w;
  const uint8_t* act;
  size_t act_stride;
  int64_t n_tokens;
  float* y;

  // Few tokens (decoding): kDotRows rows x all n_tokens columns per dot_rows call, so each
  // weight byte is read once; the remaining rows one at a time with the DotFn.
  void RunRows(const uint8_t* wdata, int64_t r0, int64_t r1) const {
    const int nc = static_cast<int>(n_tokens);
    const auto out_stride = static_cast<size_t>(w->rows);
    int64_t r = r0;
    for (; r + kDotRows <= r1; r += kDotRows) {
      k->dot_rows(w->cols, wdata + r * w->row_bytes, w->row_bytes, act, act_stride, nc, y + r, out_stride);
    }
    for (; r < r1; ++r) {
      float out[kMaxCols];
      k->dot(w->cols, wdata + r * w->row_bytes, act, act_stride, nc, out);
      for (int c = 0; c < nc; ++c) y[c * w->rows + r] = out[c];
    }
  }

  void RunTiles(int64_t tile_begin, int64_t tile_end) const {
    const auto* wdata = static_cast<const uint8_t*>(w->data);
    for (int64_t tile = tile_begin; tile < tile_end; ++tile) {
      const int64_t r0 = tile * kRowTile, r1 = std::min(w->rows, r0 + kRowTile);
      if (k->dot_rows != nullptr && n_tokens <= k->rows_max_cols) {
        RunRows(wdata, r0, r1);
        continue;
      }
      for (int64_t t0 = 0; t0 < n_tokens; t0 += k->max_cols) {
        const int nc = static_cast<int>(std::min<int64_t>(k->max_cols, n_tokens - t0));
        const uint8_t* a = act + t0 * act_stride;
        for (int64_t r = r0; r < r1; ++r) {
          float out[kMaxCols];
          k->dot(w->cols, wdata + r * w->row_bytes, a, act_stride, nc, out);
          for (int c = 0; c < nc; ++c) y[(t0 + c) * w->rows + r] = out[c];
        }
      }
    }
  }
};

// Converts the n_tokens activation rows at x for kernels `k`; a pointer into pool's scratch
// (or x itself for f32) and the converted rows' stride.
const uint8_t* ConvertActivations(const TypeKernels& k, int64_t cols, const float* x, int64_t n_tokens,
                                  ThreadPool& pool, size_t* stride) {
  if (k.act == ActType::kF32) {
    *stride = static_cast<size_t>(cols) * sizeof(float);
    return reinterpret_cast<const uint8_t*>(x);
  }
  *stride = ActRowStride(k.act, cols);
  const size_t row_stride = *stride;
  auto* buf = static_cast<uint8_t*>(pool.Scratch(row_stride * n_tokens));
  const auto convert = [&](int64_t begin, int64_t end, int) {
    for (int64_t t = begin; t < end; ++t) ConvertActivationRow(k.act, x + t * cols, buf + t * row_stride, cols);
  };
  if (n_tokens > 1 && n_tokens * cols >= kParallelConvertMin) {
    pool.ParallelFor(n_tokens, convert);
  } else {
    convert(0, n_tokens, 0);
  }
  return buf;
}

// A matrix packed in row groups: each group's 16 rows x every token per kernel call.
void GroupsMatMul(Path path, const TypeKernels& k, const WeightMatrix& w, const float* x, int64_t n_tokens,
                  float* y, ThreadPool& pool) {
  size_t stride = 0;
  const uint8_t* act = ConvertActivations(k, w.cols, x, n_tokens, pool, &stride);
  const GroupKernelFn kernel = FindGroupKernel(path);
  const auto* data = static_cast<const uint8_t*>(w.data);
  pool.ParallelFor(w.rows / kGroupRows, [&](int64_t begin, int64_t end, int) {
    for (int64_t g = begin; g < end; ++g) {
      kernel(w.type, data + g * w.row_bytes, w.cols, act, stride, n_tokens, y + g * kGroupRows,
             static_cast<size_t>(w.rows));
    }
  });
}

}  // namespace

void MatMulOnPath(Path path, const WeightMatrix& w, const float* x, int64_t n_tokens, float* y,
                  ThreadPool& pool) {
  const TypeKernels* k = FindKernels(w.type, path);
  assert(k != nullptr && w.cols % k->block_size == 0 && k->rows_max_cols <= k->max_cols);
  if (n_tokens <= 0 || w.rows <= 0) return;
  if (w.layout == WeightLayout::kRowGroups16) {
    GroupsMatMul(path, *k, w, x, n_tokens, y, pool);
    return;
  }
  Job job{k, &w, nullptr, 0, n_tokens, y};
  job.act = ConvertActivations(*k, w.cols, x, n_tokens, pool, &job.act_stride);
  const int64_t n_tiles = (w.rows + kRowTile - 1) / kRowTile;
  pool.ParallelFor(n_tiles, [&job](int64_t begin, int64_t end, int) { job.RunTiles(begin, end); });
}

}  // namespace kernels

bool IsMatMulSupported(GgmlType type) {
  return kernels::FindKernels(type, kernels::Path::kScalar) != nullptr;
}

void MatMul(const WeightMatrix& w, const float* x, int64_t n_tokens, float* y, ThreadPool& pool) {
  kernels::MatMulOnPath(kernels::ActivePath(), w, x, n_tokens, y, pool);
}

}  // namespace llm::engine
