// Internal: weights interleaved in groups of 16 rows, the layout the 512-bit integer kernels
// multiply fastest (one 32-bit lane per row: a VNNI instruction adds 4 products to each of 16
// rows against one broadcast group of 4 activation bytes, so every instruction does full work
// whatever the number of tokens, and the float scaling runs once per block for 16 rows).
//
// Layout of a matrix of R rows (a multiple of 16): group g (rows 16g..16g+15) is the group
// blocks of those rows, one per block of the type (32 elements for Q4_0, 256 for Q4_K), in
// order. In every quant vector (64 bytes), bytes 4r..4r+3 belong to row r:
//   Q4_0 (288 bytes): uint16 d[16] (the rows' fp16 scales), then 4 vectors: vector j holds
//     bytes 4j..4j+3 of each row's 16 nibble bytes (low nibbles: elements 4j..4j+3, high
//     nibbles: elements 16+4j..16+4j+3).
//   Q4_K (2496 bytes): uint16 d[16], uint16 dmin[16], uint8 scale[8][16] (sub-block, row),
//     int16 min_pair[4][16][2] (lane r of vector p: the mins of sub-blocks 2p and 2p+1), then
//     32 vectors: vector 8i+k holds bytes 32i+4k..32i+4k+3 of each row's 128 nibble bytes
//     (low nibbles: sub-block 2i, high nibbles: sub-block 2i+1, elements 4k..4k+3).
// Q4_0 nibbles u = w + 8 multiply the signed activation quants; starting each block's integer
// sum at -8 * sum(activation quants) removes the offset exactly. Q4_K keeps ggml's integer
// structure: sum_j scale_j * (q . a)_j and sum_j min_j * asum_j are exact integers.
//
// Each output is a sum over blocks, in block order, in one f32 lane: Q4_0 adds
// fma(float(isum), dw * da, acc); Q4_K adds fma(float(isum), d * da, acc) then
// fma(-float(msum), dmin * da, acc). The bits do not depend on how many tokens a call has,
// and the SIMD kernel equals the scalar one bit for bit. Q8_0 has no such layout: its
// products keep llama.cpp's float order exactly (the conformance tests need its greedy text).
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/gguf/ggml_type.h"
#include "engine/kernels/kernel_table.h"

namespace llm::engine::kernels {

inline constexpr int kGroupRows = 16;

// Bytes of one group block (16 rows x one block of the type) of `type`; 0 when the type has
// no row-group layout.
size_t GroupBlockBytes(GgmlType type);

// Writes the 16 rows at `rows` (consecutive rows `row_bytes` apart, ggml layout, `cols`
// elements each) as one group at `dst` (GroupBlockBytes(type) * blocks per row bytes).
void PackGroup(GgmlType type, const uint8_t* rows, size_t row_bytes, int64_t cols, uint8_t* dst);

// y[t * out_stride + r] for the 16 rows r of the group at `group` and the `n_tokens`
// activation rows at act (converted to the type's activation type, act_stride bytes apart).
using GroupKernelFn = void (*)(GgmlType type, const uint8_t* group, int64_t cols, const uint8_t* act,
                               size_t act_stride, int64_t n_tokens, float* y, size_t out_stride);

// The group kernel of `path` (the scalar one on paths without their own).
GroupKernelFn FindGroupKernel(Path path);

// True when weights of `type` are worth repacking on `path` (it has a SIMD group kernel).
bool PathPrefersGroups(GgmlType type, Path path);

// The AVX-512 VNNI group kernel (row_groups_avx512.cpp).
void Avx512GroupMatMul(GgmlType type, const uint8_t* group, int64_t cols, const uint8_t* act, size_t act_stride,
                       int64_t n_tokens, float* y, size_t out_stride);

}  // namespace llm::engine::kernels
