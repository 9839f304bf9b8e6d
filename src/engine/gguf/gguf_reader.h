// GGUF reader (versions 2 and 3), memory-mapped and validated before anything is trusted.
//
// File layout (little-endian):
//   magic "GGUF" u32 | version u32 | tensor_count u64 | kv_count u64
//   kv_count x { key: gguf_string, value_type: u32, value }
//   tensor_count x { name: gguf_string, n_dims: u32, dims: u64[n_dims], type: u32, offset: u64 }
//   padding to `general.alignment` (default 32), then the tensor data; each tensor's offset is
//   relative to the start of the data section and a multiple of the alignment.
//   gguf_string = { len: u64, bytes[len] } (UTF-8, not NUL-terminated)
//   value types: 0 u8, 1 i8, 2 u16, 3 i16, 4 u32, 5 i32, 6 f32, 7 bool, 8 string,
//                9 array { elem_type: u32, count: u64, elems }, 10 u64, 11 i64, 12 f64
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/mapped_file.h"
#include "core/status.h"
#include "engine/gguf/ggml_type.h"

namespace llm::engine {

enum class GgufValueType : uint32_t {
  kU8 = 0, kI8 = 1, kU16 = 2, kI16 = 3, kU32 = 4, kI32 = 5, kF32 = 6, kBool = 7,
  kString = 8, kArray = 9, kU64 = 10, kI64 = 11, kF64 = 12,
};

// The spec's name of a value type ("u8", "string", "array"...), or "unknown".
std::string_view GgufValueTypeName(GgufValueType type);

// One tensor of the file. `data` points into the mapping and stays valid while the file lives.
struct GgufTensorInfo {
  std::string name;
  GgmlType type;
  std::vector<int64_t> dims;  // ggml order: dims[0] is the innermost (row length)
  uint64_t offset = 0;        // relative to the data section
  const uint8_t* data = nullptr;
  size_t size_bytes = 0;
  int64_t element_count() const;
};

class GgufFile {
 public:
  // Maps (or, with LoadMode::kReadIntoMemory, reads) and validates a file. The error names
  // the path and what is wrong.
  static Result<std::unique_ptr<GgufFile>> Open(const std::string& path, LoadMode mode = LoadMode::kMap);
  // Validates a buffer that must outlive the returned object (used by the fuzzer and tests).
  static Result<std::unique_ptr<GgufFile>> FromBuffer(std::span<const uint8_t> bytes);
  ~GgufFile();

  // Gives back the memory of whole pages inside [begin, begin + bytes) of the file's data,
  // which the caller will not read again (MappedFile::Release; a no-op for FromBuffer).
  void ReleaseBytes(const void* begin, size_t bytes) const;

  uint32_t version() const;
  size_t alignment() const;
  size_t file_size() const;
  // Byte offset of the tensor data section from the start of the file.
  size_t data_offset() const;

  // Metadata keys in file order.
  std::vector<std::string_view> keys() const;
  bool Has(std::string_view key) const;
  // The type of a key's value (for arrays: kArray), or nullopt when absent.
  std::optional<GgufValueType> TypeOf(std::string_view key) const;
  // The element type and count of an array value, or nullopt when absent / not an array.
  std::optional<std::pair<GgufValueType, uint64_t>> ArrayInfo(std::string_view key) const;

  // Typed getters: NotFound when absent, InvalidArgument when of another kind. Integer getters
  // accept any integer type whose value fits; GetFloat accepts f32 and f64.
  Result<std::string> GetString(std::string_view key) const;
  Result<int64_t> GetInt(std::string_view key) const;
  Result<uint64_t> GetUInt(std::string_view key) const;
  Result<double> GetFloat(std::string_view key) const;
  Result<bool> GetBool(std::string_view key) const;
  Result<std::vector<std::string>> GetStringArray(std::string_view key) const;
  Result<std::vector<float>> GetFloatArray(std::string_view key) const;    // f32/f64 elements
  Result<std::vector<int64_t>> GetIntArray(std::string_view key) const;    // any integer elements
  // The encoded bytes of a key's value as stored in the file (after the type tag; arrays
  // include their element type and count), or an empty span when absent. For exact copies.
  std::span<const uint8_t> RawValue(std::string_view key) const;
  // A printable rendering of any value (arrays abbreviated), for `llm-api inspect`.
  // Strings are quoted with C escapes; an absent key gives "".

  std::string ValueToString(std::string_view key, size_t max_array_items = 8) const;

  const std::vector<GgufTensorInfo>& tensors() const;
  // The tensor named `name`, or nullptr.
  const GgufTensorInfo* FindTensor(std::string_view name) const;

 private:
  struct Impl;
  explicit GgufFile(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace llm::engine
