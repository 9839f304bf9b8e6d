// Internal: MatMul on an explicit instruction-set path (tests compare paths, benchmarks pick one).
#pragma once

#include "engine/kernels/kernel_table.h"
#include "engine/kernels/matmul.h"

namespace llm::engine::kernels {

// MatMul computed with the kernels of `path`, which must be supported by this CPU.
void MatMulOnPath(Path path, const WeightMatrix& w, const float* x, int64_t n_tokens, float* y,
                  ThreadPool& pool);

}  // namespace llm::engine::kernels
