// Matrix products of quantized weights with f32 activations, multithreaded and SIMD.
//
// Numerics follow llama.cpp's CPU backend so that outputs match it: activations are first
// converted to the weight type's "vec_dot type" (Q4_0/Q5_0/Q8_0 -> Q8_0, Q4_1/Q5_1 -> Q8_1,
// K-quants -> Q8_K, F16 -> F16, BF16 -> BF16, F32 -> F32), then each output is a dot product
// of one weight row with one converted activation row.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/status.h"

#include "engine/gguf/ggml_type.h"
#include "engine/kernels/thread_pool.h"

namespace llm::engine {

// How a matrix's rows are laid out in memory.
enum class WeightLayout {
  kRows,         // ggml's: row after row, each `row_bytes` long
  kRowGroups16,  // 16 rows interleaved per group, groups `row_bytes` apart (PackForKernels)
};

// A weight matrix in its stored type: `rows` rows of `cols` elements each (ggml: dims[0] ==
// cols, dims[1] == rows). Row-major (consecutive rows `row_bytes` apart) unless packed.
struct WeightMatrix {
  GgmlType type;
  const void* data;
  int64_t rows;
  int64_t cols;
  size_t row_bytes;
  WeightLayout layout = WeightLayout::kRows;
};

// Bytes the matrix occupies.
size_t MatrixBytes(const WeightMatrix& w);

// A copy of a matrix in the layout this CPU's kernels multiply fastest, and its memory.
struct PackedWeights {
  WeightMatrix matrix;
  std::shared_ptr<uint8_t[]> storage;
};

// `w` (row-major) packed into row groups when this CPU's kernel path has a faster kernel for
// that layout (Q4_0 and Q8_0 with AVX-512 VNNI; rows a multiple of 16). Outputs of the packed
// matrix do not depend on how many tokens a call multiplies (prompt batches and decoding give
// the same bits), but may differ in the last bits from the row-major kernels'. Unsupported when
// there is no such layout; ResourceExhausted when memory runs out.
Result<PackedWeights> PackForKernels(const WeightMatrix& w);

// True when MatMul supports `type`.
bool IsMatMulSupported(GgmlType type);

// y[t * w.rows + r] = dot(row r of w, x[t * w.cols ...]) for t in [0, n_tokens), r in [0, rows).
// x is n_tokens x cols (f32, row-major); y is n_tokens x rows. Work is split over `pool`.
void MatMul(const WeightMatrix& w, const float* x, int64_t n_tokens, float* y, ThreadPool& pool);

// Converts `n` elements (a multiple of the block size) of `type` at `src` to f32 at `dst`
// (row-major data).
void DequantizeRow(GgmlType type, const void* src, float* dst, int64_t n);

}  // namespace llm::engine
