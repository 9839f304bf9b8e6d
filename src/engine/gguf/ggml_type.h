// The tensor types of GGUF (ggml's `enum ggml_type`), with their block geometry.
// The numeric values are the on-disk ids and must never change.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace llm::engine {

enum class GgmlType : uint32_t {
  kF32 = 0,
  kF16 = 1,
  kQ4_0 = 2,
  kQ4_1 = 3,
  kQ5_0 = 6,
  kQ5_1 = 7,
  kQ8_0 = 8,
  kQ8_1 = 9,
  kQ2_K = 10,
  kQ3_K = 11,
  kQ4_K = 12,
  kQ5_K = 13,
  kQ6_K = 14,
  kQ8_K = 15,
  kI8 = 24,
  kI16 = 25,
  kI32 = 26,
  kI64 = 27,
  kF64 = 28,
  kBF16 = 30,
};

struct GgmlTypeTraits {
  std::string_view name;  // as ggml prints it: "f32", "q4_0", "q6_K"...
  int64_t block_size;     // elements per block (1 for plain types)
  size_t block_bytes;     // bytes per block
};

// Returns the traits of a raw on-disk type id, or nullptr when the id is not a known type.
const GgmlTypeTraits* FindGgmlType(uint32_t raw_id);

// Returns the traits of a known type.
const GgmlTypeTraits& TraitsOf(GgmlType type);

// Bytes taken by `n` elements of `type`; `n` must be a multiple of the block size.
size_t RowBytes(GgmlType type, int64_t n);

}  // namespace llm::engine
