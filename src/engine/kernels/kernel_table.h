// Internal: the per-type dot-product kernels of each instruction-set path, and the choice of
// path at run time (CPU features, overridable with LLM_KERNELS=scalar|avx2|avx512).
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/gguf/ggml_type.h"
#include "engine/kernels/activations.h"

namespace llm::engine::kernels {

enum class Path { kScalar = 0, kAvx2 = 1, kAvx512 = 2 };

// The most activation rows any kernel handles per weight-row load (one DotFn call).
inline constexpr int kMaxCols = 8;

// out[c] = dot(weight row w of n elements, converted activation row act + c * act_stride)
// for c in [0, ncols), 1 <= ncols <= the kernel's max_cols. The result of a column does not
// depend on ncols.
using DotFn = void (*)(int64_t n, const void* w, const void* act, size_t act_stride, int ncols,
                       float* out);

// Weight rows per DotRowsFn call.
inline constexpr int kDotRows = 8;

// out[c * out_stride + r] = dot(weight row w + r * row_bytes, activation row act + c * act_stride)
// for r in [0, kDotRows), c in [0, ncols), 1 <= ncols <= the kernel's rows_max_cols: each
// weight block is loaded once for all columns and each activation block once for several rows
// (decoding one token, or one token of each of a few sequences). Every output is bit-identical
// to the DotFn result of that row and column.
using DotRowsFn = void (*)(int64_t n, const void* w, size_t row_bytes, const void* act, size_t act_stride,
                           int ncols, float* out, size_t out_stride);

struct DotKernel {
  DotFn fn = nullptr;
  int max_cols = 0;  // 1..kMaxCols
  DotRowsFn rows = nullptr;  // optional
  int rows_max_cols = 0;     // 1..max_cols when rows is set
};

struct TypeKernels {
  ActType act;          // what the activations are converted to
  int64_t block_size;   // elements per weight block
  size_t block_bytes;   // bytes per weight block
  DotFn dot;
  int max_cols;         // activation rows per dot call
  DotRowsFn dot_rows;   // optional (nullptr): kDotRows weight rows x up to rows_max_cols columns
  int rows_max_cols;    // MatMul uses dot_rows when 1 <= n_tokens <= rows_max_cols
};

// The kernels of `type` on `path`, or nullptr when the type is not supported. `path` must be
// supported by this CPU (PathSupported).
const TypeKernels* FindKernels(GgmlType type, Path path);

// True when this CPU can run `path`.
bool PathSupported(Path path);

// The path MatMul uses: the best one this CPU supports, or LLM_KERNELS when it names a
// supported path (read once per process).
Path ActivePath();

// "scalar", "avx2" or "avx512".
const char* PathName(Path path);

// Per-path dot tables, each defined in its own translation unit (built with that path's flags).
DotKernel ScalarDot(GgmlType type);
DotKernel Avx2Dot(GgmlType type);
DotKernel Avx512Dot(GgmlType type);

}  // namespace llm::engine::kernels
