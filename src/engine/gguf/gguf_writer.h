// GGUF writer: metadata of every value type and tensors laid out at the file's alignment.
// Tensor data is either owned by the writer or produced by a callback at write time, so a
// multi-gigabyte file is written one tensor at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "core/status.h"
#include "engine/gguf/ggml_type.h"
#include "engine/gguf/gguf_reader.h"

namespace llm::engine {

class GgufWriter {
 public:
  // Fills a tensor's bytes (exactly its size) when the file is written.
  using TensorFiller = std::function<Status(std::span<uint8_t> out)>;

  explicit GgufWriter(uint32_t version = 3) : version_(version) {}

  // Metadata, in the order added. A duplicate key is reported by Write*.
  void AddU8(const std::string& key, uint8_t v) { AddScalar(key, GgufValueType::kU8, v); }
  void AddI8(const std::string& key, int8_t v) { AddScalar(key, GgufValueType::kI8, v); }
  void AddU16(const std::string& key, uint16_t v) { AddScalar(key, GgufValueType::kU16, v); }
  void AddI16(const std::string& key, int16_t v) { AddScalar(key, GgufValueType::kI16, v); }
  void AddU32(const std::string& key, uint32_t v) { AddScalar(key, GgufValueType::kU32, v); }
  void AddI32(const std::string& key, int32_t v) { AddScalar(key, GgufValueType::kI32, v); }
  void AddF32(const std::string& key, float v) { AddScalar(key, GgufValueType::kF32, v); }
  void AddU64(const std::string& key, uint64_t v) { AddScalar(key, GgufValueType::kU64, v); }
  void AddI64(const std::string& key, int64_t v) { AddScalar(key, GgufValueType::kI64, v); }
  void AddF64(const std::string& key, double v) { AddScalar(key, GgufValueType::kF64, v); }
  void AddBool(const std::string& key, bool v) { AddScalar(key, GgufValueType::kBool, uint8_t{v}); }
  void AddString(const std::string& key, std::string_view v);
  // An array of a fixed-size element type (uint8_t ... double; bool goes through AddBoolArray).
  template <typename T>
  void AddArray(const std::string& key, std::span<const T> values);
  void AddBoolArray(const std::string& key, const std::vector<bool>& values);
  void AddStringArray(const std::string& key, const std::vector<std::string>& values);
  // A value given as its encoded bytes (after the type tag), e.g. a nested array or a value
  // copied with GgufFile::RawValue.
  void AddRaw(const std::string& key, GgufValueType type, std::span<const uint8_t> encoded);
  // Copies `key` from `src` exactly; NotFound when `src` lacks it.
  Status CopyFrom(const GgufFile& src, std::string_view key);
  // Sets the data alignment (a power of two) and writes it as `general.alignment` (u32).
  void SetAlignment(uint32_t alignment);

  // Tensors, in the order added; `dims` in ggml order (dims[0] = row length).
  void AddTensor(const std::string& name, GgmlType type, std::vector<int64_t> dims,
                 std::vector<uint8_t> data);
  void AddTensor(const std::string& name, GgmlType type, std::vector<int64_t> dims,
                 TensorFiller fill);

  // Writes the file; the first error of any Add* call (duplicate, bad shape) is returned here.
  Status WriteFile(const std::string& path) const;
  Result<std::vector<uint8_t>> WriteToBuffer() const;

  // Encoding helpers for AddRaw: an array header (element type, count) followed by `payload`.
  static std::vector<uint8_t> EncodeArray(GgufValueType elem, uint64_t count,
                                          std::span<const uint8_t> payload);
  static std::vector<uint8_t> EncodeString(std::string_view s);

 private:
  struct Tensor {
    std::string name;
    GgmlType type;
    std::vector<int64_t> dims;
    size_t size_bytes = 0;
    uint64_t offset = 0;
    std::vector<uint8_t> data;  // used when fill is empty
    TensorFiller fill;
  };
  using Sink = std::function<Status(std::span<const uint8_t>)>;

  template <typename T>
  void AddScalar(const std::string& key, GgufValueType type, T v) {
    AddRaw(key, type, std::span(reinterpret_cast<const uint8_t*>(&v), sizeof(T)));
  }
  void Fail(std::string message);
  Status AddTensorInfo(Tensor& t, std::vector<int64_t> dims);
  std::vector<uint8_t> EncodeHeader() const;
  Status WriteAll(const Sink& sink) const;

  uint32_t version_;
  uint32_t alignment_ = 32;
  uint64_t kv_count_ = 0;
  std::vector<uint8_t> metadata_;  // encoded key/value pairs
  std::vector<std::string> keys_;
  std::vector<Tensor> tensors_;
  Status error_;
};

template <typename T>
void GgufWriter::AddArray(const std::string& key, std::span<const T> values) {
  static_assert(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>);
  GgufValueType elem;
  if constexpr (std::is_same_v<T, float>) elem = GgufValueType::kF32;
  else if constexpr (std::is_same_v<T, double>) elem = GgufValueType::kF64;
  else if constexpr (std::is_same_v<T, uint8_t>) elem = GgufValueType::kU8;
  else if constexpr (std::is_same_v<T, int8_t>) elem = GgufValueType::kI8;
  else if constexpr (std::is_same_v<T, uint16_t>) elem = GgufValueType::kU16;
  else if constexpr (std::is_same_v<T, int16_t>) elem = GgufValueType::kI16;
  else if constexpr (std::is_same_v<T, uint32_t>) elem = GgufValueType::kU32;
  else if constexpr (std::is_same_v<T, int32_t>) elem = GgufValueType::kI32;
  else if constexpr (std::is_same_v<T, uint64_t>) elem = GgufValueType::kU64;
  else elem = GgufValueType::kI64;
  auto bytes = std::span(reinterpret_cast<const uint8_t*>(values.data()), values.size_bytes());
  AddRaw(key, GgufValueType::kArray, EncodeArray(elem, values.size(), bytes));
}

}  // namespace llm::engine
