// Parsing and validation of GGUF files. Every count and length is checked against the bytes
// that remain before anything is allocated or read, so hostile input fails with a Status.
#include <algorithm>
#include <limits>

#include "engine/gguf/gguf_internal.h"
#include "engine/gguf/gguf_reader.h"

namespace llm::engine {
namespace {

using gguf_internal::FileData;
using gguf_internal::FixedSize;
using gguf_internal::IsKnownValueType;
using gguf_internal::KeyValue;
using gguf_internal::Load;

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" read as a little-endian u32
constexpr int kMaxArrayDepth = 8;
constexpr uint32_t kMaxDims = 4;
constexpr size_t kMinKvBytes = 8 + 1 + 4 + 1;   // key length, 1-byte key, type, u8 value
constexpr size_t kMinTensorInfoBytes = 8 + 4 + 8 + 4 + 8;  // empty name, one dimension

// A bounds-checked cursor over the file's bytes; every failure names the source and offset.
class Cursor {
 public:
  Cursor(std::span<const uint8_t> bytes, const std::string& source)
      : bytes_(bytes), source_(source) {}

  size_t pos() const { return pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }

  Status Error(const std::string& what) const {
    return Status::Corruption(source_ + ": " + what + " (at byte offset " +
                              std::to_string(pos_) + ")");
  }
  Status Need(uint64_t n, const char* what) const {
    if (n <= remaining()) return Status::Ok();
    return Error("file truncated: " + std::string(what) + " needs " + std::to_string(n) +
                 " bytes but only " + std::to_string(remaining()) + " remain");
  }
  Status Skip(uint64_t n, const char* what) {
    LLM_RETURN_IF_ERROR(Need(n, what));
    pos_ += static_cast<size_t>(n);
    return Status::Ok();
  }
  template <typename T>
  Status Read(T* out, const char* what) {
    LLM_RETURN_IF_ERROR(Need(sizeof(T), what));
    *out = Load<T>(bytes_.data() + pos_);
    pos_ += sizeof(T);
    return Status::Ok();
  }
  Status ReadString(std::string_view* out, const char* what) {
    uint64_t len = 0;
    LLM_RETURN_IF_ERROR(Read(&len, what));
    if (len > remaining()) {
      return Error(std::string(what) + " length " + std::to_string(len) + " exceeds the " +
                   std::to_string(remaining()) + " bytes left in the file");
    }
    *out = std::string_view(reinterpret_cast<const char*>(bytes_.data() + pos_), len);
    pos_ += static_cast<size_t>(len);
    return Status::Ok();
  }
  const uint8_t* at(size_t offset) const { return bytes_.data() + offset; }

 private:
  std::span<const uint8_t> bytes_;
  const std::string& source_;
  size_t pos_ = 0;
};

class Parser {
 public:
  explicit Parser(FileData& f) : f_(f), in_(f.bytes, f.source) {}

  Status Run() {
    LLM_RETURN_IF_ERROR(ParseHeader());
    LLM_RETURN_IF_ERROR(ParseKeyValues());
    LLM_RETURN_IF_ERROR(ParseAlignment());
    LLM_RETURN_IF_ERROR(ParseTensorInfos());
    return PlaceTensors();
  }

 private:
  Status ParseHeader() {
    uint32_t magic = 0;
    LLM_RETURN_IF_ERROR(in_.Read(&magic, "magic"));
    if (magic != kMagic) {
      return Status::Corruption(f_.source + ": not a GGUF file (bad magic at byte offset 0)");
    }
    LLM_RETURN_IF_ERROR(in_.Read(&f_.version, "version"));
    if (f_.version == 1) return Unsupported("GGUF version 1 is not supported (only 2 and 3)");
    if (f_.version != 2 && f_.version != 3) {
      if ((f_.version & 0xFFFF) == 0 && f_.version != 0) {
        return Unsupported("big-endian GGUF files are not supported");
      }
      return in_.Error("unknown GGUF version " + std::to_string(f_.version) +
                       " (supported: 2 and 3)");
    }
    LLM_RETURN_IF_ERROR(in_.Read(&tensor_count_, "tensor count"));
    LLM_RETURN_IF_ERROR(in_.Read(&kv_count_, "metadata count"));
    if (kv_count_ > in_.remaining() / kMinKvBytes) {
      return in_.Error("metadata count " + std::to_string(kv_count_) +
                       " is impossible for the file size");
    }
    if (tensor_count_ > in_.remaining() / kMinTensorInfoBytes) {
      return in_.Error("tensor count " + std::to_string(tensor_count_) +
                       " is impossible for the file size");
    }
    return Status::Ok();
  }

  Status Unsupported(const std::string& what) const {
    return Status::Unsupported(f_.source + ": " + what);
  }

  Status ParseKeyValues() {
    f_.kvs.reserve(static_cast<size_t>(kv_count_));
    for (uint64_t i = 0; i < kv_count_; ++i) {
      KeyValue kv;
      LLM_RETURN_IF_ERROR(in_.ReadString(&kv.key, "metadata key"));
      if (kv.key.empty()) return in_.Error("empty metadata key #" + std::to_string(i));
      uint32_t raw_type = 0;
      LLM_RETURN_IF_ERROR(in_.Read(&raw_type, "value type"));
      if (!IsKnownValueType(raw_type)) {
        return in_.Error("unknown value type " + std::to_string(raw_type) + " for key '" +
                         std::string(kv.key) + "'");
      }
      kv.type = static_cast<GgufValueType>(raw_type);
      if (kv.type == GgufValueType::kArray) {
        LLM_RETURN_IF_ERROR(ParseArrayHeader(&kv.elem_type, &kv.count, kv.key));
        kv.offset = in_.pos();
        LLM_RETURN_IF_ERROR(SkipElements(kv.elem_type, kv.count, 1, kv.key));
      } else {
        kv.offset = in_.pos();
        LLM_RETURN_IF_ERROR(SkipValue(kv.type, 0, kv.key));
      }
      if (!f_.kv_index.emplace(kv.key, f_.kvs.size()).second) {
        return in_.Error("duplicate metadata key '" + std::string(kv.key) + "'");
      }
      f_.kvs.push_back(kv);
    }
    return Status::Ok();
  }

  Status ParseArrayHeader(GgufValueType* elem_type, uint64_t* count, std::string_view key) {
    uint32_t raw = 0;
    LLM_RETURN_IF_ERROR(in_.Read(&raw, "array element type"));
    if (!IsKnownValueType(raw)) {
      return in_.Error("unknown array element type " + std::to_string(raw) + " in '" +
                       std::string(key) + "'");
    }
    *elem_type = static_cast<GgufValueType>(raw);
    LLM_RETURN_IF_ERROR(in_.Read(count, "array count"));
    size_t min_elem = FixedSize(*elem_type);
    if (min_elem == 0) min_elem = (*elem_type == GgufValueType::kString) ? 8 : 12;
    if (*count > in_.remaining() / min_elem) {
      return in_.Error("array count " + std::to_string(*count) + " of '" + std::string(key) +
                       "' exceeds what the file can hold");
    }
    return Status::Ok();
  }

  // Skips `count` elements of `type`, validating each (bools must be 0 or 1).
  Status SkipElements(GgufValueType type, uint64_t count, int depth, std::string_view key) {
    size_t fixed = FixedSize(type);
    if (fixed != 0 && type != GgufValueType::kBool) {
      return in_.Skip(count * fixed, "array data");  // count was bounded by ParseArrayHeader
    }
    for (uint64_t i = 0; i < count; ++i) LLM_RETURN_IF_ERROR(SkipValue(type, depth, key));
    return Status::Ok();
  }

  Status SkipValue(GgufValueType type, int depth, std::string_view key) {
    switch (type) {
      case GgufValueType::kString: {
        std::string_view s;
        return in_.ReadString(&s, "string value");
      }
      case GgufValueType::kBool: {
        uint8_t b = 0;
        LLM_RETURN_IF_ERROR(in_.Read(&b, "bool value"));
        if (b > 1) return in_.Error("bool value " + std::to_string(b) + " in '" +
                                    std::string(key) + "' is neither 0 nor 1");
        return Status::Ok();
      }
      case GgufValueType::kArray: {
        if (depth >= kMaxArrayDepth) {
          return in_.Error("arrays nested deeper than " + std::to_string(kMaxArrayDepth) +
                           " in '" + std::string(key) + "'");
        }
        GgufValueType elem;
        uint64_t count = 0;
        LLM_RETURN_IF_ERROR(ParseArrayHeader(&elem, &count, key));
        return SkipElements(elem, count, depth + 1, key);
      }
      default:
        return in_.Skip(FixedSize(type), "value");
    }
  }

  Status ParseAlignment() {
    const KeyValue* kv = f_.Find("general.alignment");
    if (kv == nullptr) return Status::Ok();
    uint64_t a = 0;
    if (kv->type == GgufValueType::kU32) {
      a = Load<uint32_t>(in_.at(kv->offset));
    } else if (kv->type == GgufValueType::kU64) {
      a = Load<uint64_t>(in_.at(kv->offset));
    } else {
      return Status::Corruption(f_.source + ": general.alignment has type " +
                                std::string(GgufValueTypeName(kv->type)) + ", expected u32");
    }
    if (a == 0 || (a & (a - 1)) != 0 || a > (uint64_t{1} << 30)) {
      return Status::Corruption(f_.source + ": general.alignment " + std::to_string(a) +
                                " is not a power of two up to 2^30");
    }
    f_.alignment = static_cast<size_t>(a);
    return Status::Ok();
  }

  Status ParseTensorInfos() {
    f_.tensors.reserve(static_cast<size_t>(tensor_count_));
    for (uint64_t i = 0; i < tensor_count_; ++i) {
      GgufTensorInfo t;
      LLM_RETURN_IF_ERROR(ParseTensorInfo(&t));
      f_.tensors.push_back(std::move(t));
    }
    // The index holds views of the names: build it once the vector no longer moves.
    for (size_t i = 0; i < f_.tensors.size(); ++i) {
      if (!f_.tensor_index.emplace(f_.tensors[i].name, i).second) {
        return Status::Corruption(f_.source + ": duplicate tensor name '" + f_.tensors[i].name +
                                  "'");
      }
    }
    return Status::Ok();
  }

  Status ParseTensorInfo(GgufTensorInfo* t) {
    std::string_view name;
    LLM_RETURN_IF_ERROR(in_.ReadString(&name, "tensor name"));
    t->name = std::string(name);
    const std::string who = "tensor '" + t->name + "'";
    uint32_t n_dims = 0;
    LLM_RETURN_IF_ERROR(in_.Read(&n_dims, "tensor dimension count"));
    if (n_dims == 0 || n_dims > kMaxDims) {
      return in_.Error(who + " has " + std::to_string(n_dims) + " dimensions (allowed: 1 to 4)");
    }
    int64_t elements = 1;
    for (uint32_t d = 0; d < n_dims; ++d) {
      uint64_t dim = 0;
      LLM_RETURN_IF_ERROR(in_.Read(&dim, "tensor dimension"));
      if (dim == 0 || dim > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return in_.Error(who + " has invalid dimension " + std::to_string(dim));
      }
      if (__builtin_mul_overflow(elements, static_cast<int64_t>(dim), &elements)) {
        return in_.Error(who + ": the product of its dimensions overflows");
      }
      t->dims.push_back(static_cast<int64_t>(dim));
    }
    uint32_t raw_type = 0;
    LLM_RETURN_IF_ERROR(in_.Read(&raw_type, "tensor type"));
    const GgmlTypeTraits* traits = FindGgmlType(raw_type);
    if (traits == nullptr) {
      return Unsupported(who + " has unknown tensor type " + std::to_string(raw_type));
    }
    t->type = static_cast<GgmlType>(raw_type);
    if (t->dims[0] % traits->block_size != 0) {
      return in_.Error(who + " row length " + std::to_string(t->dims[0]) +
                       " is not a multiple of the " + std::string(traits->name) +
                       " block size " + std::to_string(traits->block_size));
    }
    uint64_t bytes = 0;
    if (__builtin_mul_overflow(static_cast<uint64_t>(elements / traits->block_size),
                               static_cast<uint64_t>(traits->block_bytes), &bytes) ||
        bytes > f_.bytes.size()) {
      return in_.Error(who + " size in bytes exceeds the file size");
    }
    t->size_bytes = static_cast<size_t>(bytes);
    LLM_RETURN_IF_ERROR(in_.Read(&t->offset, "tensor offset"));
    if (t->offset % f_.alignment != 0) {
      return in_.Error(who + " offset " + std::to_string(t->offset) +
                       " is not a multiple of the alignment " + std::to_string(f_.alignment));
    }
    return Status::Ok();
  }

  // Computes the data section and checks each tensor lies inside the file, without overlap.
  Status PlaceTensors() {
    size_t end = in_.pos();
    size_t pad = (f_.alignment - end % f_.alignment) % f_.alignment;
    f_.data_offset = end + pad;
    if (f_.tensors.empty()) return Status::Ok();
    const size_t size = f_.bytes.size();
    if (f_.data_offset > size) {
      return Status::Corruption(f_.source + ": file truncated before its tensor data section");
    }
    const size_t data_size = size - f_.data_offset;
    for (GgufTensorInfo& t : f_.tensors) {
      if (t.offset > data_size || t.size_bytes > data_size - t.offset) {
        return Status::Corruption(f_.source + ": tensor '" + t.name + "' data (offset " +
                                  std::to_string(t.offset) + ", " +
                                  std::to_string(t.size_bytes) +
                                  " bytes) runs past the end of the file");
      }
      t.data = f_.bytes.data() + f_.data_offset + t.offset;
    }
    return CheckNoOverlap();
  }

  Status CheckNoOverlap() const {
    std::vector<const GgufTensorInfo*> order;
    order.reserve(f_.tensors.size());
    for (const GgufTensorInfo& t : f_.tensors) order.push_back(&t);
    std::sort(order.begin(), order.end(),
              [](const GgufTensorInfo* a, const GgufTensorInfo* b) { return a->offset < b->offset; });
    for (size_t i = 1; i < order.size(); ++i) {
      if (order[i - 1]->offset + order[i - 1]->size_bytes > order[i]->offset) {
        return Status::Corruption(f_.source + ": tensors '" + order[i - 1]->name + "' and '" +
                                  order[i]->name + "' overlap");
      }
    }
    return Status::Ok();
  }

  FileData& f_;
  Cursor in_;
  uint64_t tensor_count_ = 0;
  uint64_t kv_count_ = 0;
};

}  // namespace

Status gguf_internal::ParseFile(FileData& f) { return Parser(f).Run(); }

GgufFile::GgufFile(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GgufFile::~GgufFile() = default;

Result<std::unique_ptr<GgufFile>> GgufFile::Open(const std::string& path, LoadMode mode) {
  auto impl = std::make_unique<Impl>();
  LLM_ASSIGN_OR_RETURN(impl->mapping, MappedFile::Load(path, mode));
  impl->bytes = {reinterpret_cast<const uint8_t*>(impl->mapping.data()), impl->mapping.size()};
  impl->source = path;
  LLM_RETURN_IF_ERROR(gguf_internal::ParseFile(*impl));
  return std::unique_ptr<GgufFile>(new GgufFile(std::move(impl)));
}

Result<std::unique_ptr<GgufFile>> GgufFile::FromBuffer(std::span<const uint8_t> bytes) {
  auto impl = std::make_unique<Impl>();
  impl->bytes = bytes;
  impl->source = "<buffer>";
  LLM_RETURN_IF_ERROR(gguf_internal::ParseFile(*impl));
  return std::unique_ptr<GgufFile>(new GgufFile(std::move(impl)));
}

void GgufFile::ReleaseBytes(const void* begin, size_t bytes) const { impl_->mapping.Release(begin, bytes); }

uint32_t GgufFile::version() const { return impl_->version; }
size_t GgufFile::alignment() const { return impl_->alignment; }
size_t GgufFile::file_size() const { return impl_->bytes.size(); }
size_t GgufFile::data_offset() const { return impl_->data_offset; }

const std::vector<GgufTensorInfo>& GgufFile::tensors() const { return impl_->tensors; }

const GgufTensorInfo* GgufFile::FindTensor(std::string_view name) const {
  auto it = impl_->tensor_index.find(name);
  return it == impl_->tensor_index.end() ? nullptr : &impl_->tensors[it->second];
}

int64_t GgufTensorInfo::element_count() const {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

}  // namespace llm::engine
