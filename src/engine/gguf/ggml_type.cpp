#include "engine/gguf/ggml_type.h"

#include <array>
#include <cassert>

namespace llm::engine {
namespace {

struct Entry {
  uint32_t id;
  GgmlTypeTraits traits;
};

// Block geometry as in ggml-common.h (sizes checked there by static_assert).
constexpr std::array<Entry, 20> kTypes = {{
    {0, {"f32", 1, 4}},
    {1, {"f16", 1, 2}},
    {2, {"q4_0", 32, 18}},   // f16 d, 16 bytes of nibbles
    {3, {"q4_1", 32, 20}},   // f16 d, f16 m, 16 bytes of nibbles
    {6, {"q5_0", 32, 22}},   // f16 d, u32 high bits, 16 bytes of nibbles
    {7, {"q5_1", 32, 24}},   // f16 d, f16 m, u32 high bits, 16 bytes of nibbles
    {8, {"q8_0", 32, 34}},   // f16 d, 32 x i8
    {9, {"q8_1", 32, 36}},   // f16 d, f16 s, 32 x i8
    {10, {"q2_K", 256, 84}},
    {11, {"q3_K", 256, 110}},
    {12, {"q4_K", 256, 144}},
    {13, {"q5_K", 256, 176}},
    {14, {"q6_K", 256, 210}},
    {15, {"q8_K", 256, 292}},  // f32 d, 256 x i8, 16 x i16 sums
    {24, {"i8", 1, 1}},
    {25, {"i16", 1, 2}},
    {26, {"i32", 1, 4}},
    {27, {"i64", 1, 8}},
    {28, {"f64", 1, 8}},
    {30, {"bf16", 1, 2}},
}};

}  // namespace

const GgmlTypeTraits* FindGgmlType(uint32_t raw_id) {
  for (const Entry& e : kTypes) {
    if (e.id == raw_id) return &e.traits;
  }
  return nullptr;
}

const GgmlTypeTraits& TraitsOf(GgmlType type) {
  const GgmlTypeTraits* traits = FindGgmlType(static_cast<uint32_t>(type));
  assert(traits != nullptr && "TraitsOf called with an unknown GgmlType");
  return traits != nullptr ? *traits : kTypes[0].traits;
}

size_t RowBytes(GgmlType type, int64_t n) {
  const GgmlTypeTraits& t = TraitsOf(type);
  assert(n % t.block_size == 0 && "RowBytes: n is not a multiple of the block size");
  return static_cast<size_t>(n / t.block_size) * t.block_bytes;
}

}  // namespace llm::engine
