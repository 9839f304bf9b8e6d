// Matrix products of quantized weights with f32 activations, multithreaded and SIMD.
//
// Numerics follow llama.cpp's CPU backend so that outputs match it: activations are first
// converted to the weight type's "vec_dot type" (Q4_0/Q5_0/Q8_0 -> Q8_0, Q4_1/Q5_1 -> Q8_1,
// K-quants -> Q8_K, F16 -> F16, BF16 -> BF16, F32 -> F32), then each output is a dot product
// of one weight row with one converted activation row.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/gguf/ggml_type.h"
#include "engine/kernels/thread_pool.h"

namespace llm::engine {

// A row-major weight matrix in its stored type: `rows` rows of `cols` elements each,
// consecutive rows `row_bytes` apart (ggml: dims[0] == cols, dims[1] == rows).
struct WeightMatrix {
  GgmlType type;
  const void* data;
  int64_t rows;
  int64_t cols;
  size_t row_bytes;
};

// True when MatMul supports `type`.
bool IsMatMulSupported(GgmlType type);

// y[t * w.rows + r] = dot(row r of w, x[t * w.cols ...]) for t in [0, n_tokens), r in [0, rows).
// x is n_tokens x cols (f32, row-major); y is n_tokens x rows. Work is split over `pool`.
void MatMul(const WeightMatrix& w, const float* x, int64_t n_tokens, float* y, ThreadPool& pool);

// Converts `n` elements (a multiple of the block size) of `type` at `src` to f32 at `dst`.
void DequantizeRow(GgmlType type, const void* src, float* dst, int64_t n);

}  // namespace llm::engine
