// Private to engine_gguf: the parsed form of a GGUF file shared by the reader's translation
// units, and little-endian loads from validated bytes.
#pragma once

#include <bit>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/mapped_file.h"
#include "engine/gguf/gguf_reader.h"

namespace llm::engine::gguf_internal {

static_assert(std::endian::native == std::endian::little, "GGUF reader assumes little-endian");

// One metadata entry; `offset` is where the value's payload starts in the file
// (for arrays: the first element, after the element type and count).
struct KeyValue {
  std::string_view key;
  GgufValueType type;
  GgufValueType elem_type = GgufValueType::kU8;  // arrays only
  uint64_t count = 0;                            // arrays only
  size_t offset = 0;
};

template <typename T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// Size in bytes of a fixed-size value type, or 0 for strings and arrays.
size_t FixedSize(GgufValueType type);
// True when `raw` is one of the value type ids of the spec.
bool IsKnownValueType(uint32_t raw);

// Everything the parser learns about a file.
struct FileData {
  MappedFile mapping;  // empty for FromBuffer
  std::span<const uint8_t> bytes;
  std::string source;  // the path, or "<buffer>"
  uint32_t version = 0;
  size_t alignment = 32;
  size_t data_offset = 0;
  std::vector<KeyValue> kvs;
  std::unordered_map<std::string_view, size_t> kv_index;
  std::vector<GgufTensorInfo> tensors;
  std::unordered_map<std::string_view, size_t> tensor_index;

  const KeyValue* Find(std::string_view key) const {
    auto it = kv_index.find(key);
    return it == kv_index.end() ? nullptr : &kvs[it->second];
  }
};

// Parses and validates `f.bytes`, filling the rest of `f`.
Status ParseFile(FileData& f);

}  // namespace llm::engine::gguf_internal

namespace llm::engine {

struct GgufFile::Impl : gguf_internal::FileData {};

}  // namespace llm::engine
