#include "engine/gguf/gguf_writer.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>

namespace llm::engine {
namespace {

template <typename T>
void Put(std::vector<uint8_t>& out, T v) {
  const size_t at = out.size();
  out.resize(at + sizeof(T));  // resize + memcpy: GCC 12 misreports insert() on an empty vector
  std::memcpy(out.data() + at, &v, sizeof(T));
}

void PutString(std::vector<uint8_t>& out, std::string_view s) {
  Put<uint64_t>(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

uint64_t PadTo(uint64_t n, uint64_t alignment) { return (alignment - n % alignment) % alignment; }

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

std::vector<uint8_t> GgufWriter::EncodeArray(GgufValueType elem, uint64_t count,
                                             std::span<const uint8_t> payload) {
  std::vector<uint8_t> out;
  out.reserve(12 + payload.size());
  Put<uint32_t>(out, static_cast<uint32_t>(elem));
  Put<uint64_t>(out, count);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

std::vector<uint8_t> GgufWriter::EncodeString(std::string_view s) {
  std::vector<uint8_t> out;
  PutString(out, s);
  return out;
}

void GgufWriter::Fail(std::string message) {
  if (error_.ok()) error_ = Status::InvalidArgument("GGUF writer: " + std::move(message));
}

void GgufWriter::AddRaw(const std::string& key, GgufValueType type,
                        std::span<const uint8_t> encoded) {
  if (std::find(keys_.begin(), keys_.end(), key) != keys_.end()) {
    Fail("duplicate metadata key '" + key + "'");
    return;
  }
  keys_.push_back(key);
  PutString(metadata_, key);
  Put<uint32_t>(metadata_, static_cast<uint32_t>(type));
  metadata_.insert(metadata_.end(), encoded.begin(), encoded.end());
  ++kv_count_;
}

void GgufWriter::AddString(const std::string& key, std::string_view v) {
  AddRaw(key, GgufValueType::kString, EncodeString(v));
}

void GgufWriter::AddBoolArray(const std::string& key, const std::vector<bool>& values) {
  std::vector<uint8_t> bytes(values.begin(), values.end());
  AddRaw(key, GgufValueType::kArray, EncodeArray(GgufValueType::kBool, values.size(), bytes));
}

void GgufWriter::AddStringArray(const std::string& key, const std::vector<std::string>& values) {
  std::vector<uint8_t> payload;
  for (const std::string& s : values) PutString(payload, s);
  AddRaw(key, GgufValueType::kArray, EncodeArray(GgufValueType::kString, values.size(), payload));
}

Status GgufWriter::CopyFrom(const GgufFile& src, std::string_view key) {
  std::optional<GgufValueType> type = src.TypeOf(key);
  if (!type) return Status::NotFound("metadata key '" + std::string(key) + "' not found");
  AddRaw(std::string(key), *type, src.RawValue(key));
  return Status::Ok();
}

void GgufWriter::SetAlignment(uint32_t alignment) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
    Fail("alignment " + std::to_string(alignment) + " is not a power of two");
    return;
  }
  alignment_ = alignment;
  AddU32("general.alignment", alignment);
}

Status GgufWriter::AddTensorInfo(Tensor& t, std::vector<int64_t> dims) {
  if (std::any_of(tensors_.begin(), tensors_.end(),
                  [&](const Tensor& o) { return o.name == t.name; })) {
    return Status::InvalidArgument("duplicate tensor name '" + t.name + "'");
  }
  const GgmlTypeTraits* traits = FindGgmlType(static_cast<uint32_t>(t.type));
  if (traits == nullptr) return Status::InvalidArgument("tensor '" + t.name + "': unknown type");
  if (dims.empty() || dims.size() > 4) {
    return Status::InvalidArgument("tensor '" + t.name + "' must have 1 to 4 dimensions");
  }
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d <= 0 || __builtin_mul_overflow(n, d, &n)) {
      return Status::InvalidArgument("tensor '" + t.name + "' has an invalid shape");
    }
  }
  if (dims[0] % traits->block_size != 0) {
    return Status::InvalidArgument("tensor '" + t.name + "' row length is not a multiple of " +
                                   std::to_string(traits->block_size));
  }
  t.dims = std::move(dims);
  t.size_bytes = static_cast<size_t>(n / traits->block_size) * traits->block_bytes;
  return Status::Ok();
}

void GgufWriter::AddTensor(const std::string& name, GgmlType type, std::vector<int64_t> dims,
                           std::vector<uint8_t> data) {
  Tensor t{name, type, {}, 0, 0, std::move(data), nullptr};
  Status s = AddTensorInfo(t, std::move(dims));
  if (s.ok() && t.data.size() != t.size_bytes) {
    s = Status::InvalidArgument("tensor '" + name + "' has " + std::to_string(t.data.size()) +
                                " bytes of data, its shape needs " +
                                std::to_string(t.size_bytes));
  }
  if (!s.ok()) return Fail(s.message());
  tensors_.push_back(std::move(t));
}

void GgufWriter::AddTensor(const std::string& name, GgmlType type, std::vector<int64_t> dims,
                           TensorFiller fill) {
  Tensor t{name, type, {}, 0, 0, {}, std::move(fill)};
  Status s = AddTensorInfo(t, std::move(dims));
  if (!s.ok()) return Fail(s.message());
  tensors_.push_back(std::move(t));
}

std::vector<uint8_t> GgufWriter::EncodeHeader() const {
  std::vector<uint8_t> out;
  Put<uint32_t>(out, 0x46554747);  // "GGUF"
  Put<uint32_t>(out, version_);
  Put<uint64_t>(out, tensors_.size());
  Put<uint64_t>(out, kv_count_);
  out.insert(out.end(), metadata_.begin(), metadata_.end());
  uint64_t offset = 0;
  for (const Tensor& t : tensors_) {
    PutString(out, t.name);
    Put<uint32_t>(out, static_cast<uint32_t>(t.dims.size()));
    for (int64_t d : t.dims) Put<uint64_t>(out, static_cast<uint64_t>(d));
    Put<uint32_t>(out, static_cast<uint32_t>(t.type));
    Put<uint64_t>(out, offset);
    offset += t.size_bytes + PadTo(t.size_bytes, alignment_);
  }
  out.resize(out.size() + PadTo(out.size(), alignment_), 0);
  return out;
}

Status GgufWriter::WriteAll(const Sink& sink) const {
  LLM_RETURN_IF_ERROR(error_);
  LLM_RETURN_IF_ERROR(sink(EncodeHeader()));
  std::vector<uint8_t> scratch;
  const std::vector<uint8_t> zeros(alignment_, 0);
  for (const Tensor& t : tensors_) {
    if (t.fill) {
      scratch.assign(t.size_bytes, 0);
      Status s = t.fill(scratch);
      if (!s.ok()) return Status(s.code(), "tensor '" + t.name + "': " + s.message());
      LLM_RETURN_IF_ERROR(sink(scratch));
    } else {
      LLM_RETURN_IF_ERROR(sink(t.data));
    }
    LLM_RETURN_IF_ERROR(sink(std::span(zeros).first(PadTo(t.size_bytes, alignment_))));
  }
  return Status::Ok();
}

Status GgufWriter::WriteFile(const std::string& path) const {
  LLM_RETURN_IF_ERROR(error_);  // before creating anything
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "wb"));
  if (!f) return Status::IOError(path + ": cannot create: " + std::strerror(errno));
  Status s = WriteAll([&](std::span<const uint8_t> bytes) {
    if (std::fwrite(bytes.data(), 1, bytes.size(), f.get()) != bytes.size()) {
      return Status::IOError(path + ": write failed: " + std::strerror(errno));
    }
    return Status::Ok();
  });
  if (std::fclose(f.release()) != 0 && s.ok()) {
    s = Status::IOError(path + ": close failed: " + std::strerror(errno));
  }
  if (!s.ok()) std::remove(path.c_str());  // never leave a partial file behind
  return s;
}

Result<std::vector<uint8_t>> GgufWriter::WriteToBuffer() const {
  std::vector<uint8_t> out;
  LLM_RETURN_IF_ERROR(WriteAll([&](std::span<const uint8_t> bytes) {
    out.insert(out.end(), bytes.begin(), bytes.end());
    return Status::Ok();
  }));
  return out;
}

}  // namespace llm::engine
