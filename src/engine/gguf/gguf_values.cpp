// Typed access to GGUF metadata values. The parser has validated every value, so the loads
// here read inside the file without further bounds checks.
#include <charconv>
#include <limits>

#include "engine/gguf/gguf_internal.h"
#include "engine/gguf/gguf_reader.h"

namespace llm::engine {
namespace gguf_internal {

size_t FixedSize(GgufValueType type) {
  switch (type) {
    case GgufValueType::kU8: case GgufValueType::kI8: case GgufValueType::kBool: return 1;
    case GgufValueType::kU16: case GgufValueType::kI16: return 2;
    case GgufValueType::kU32: case GgufValueType::kI32: case GgufValueType::kF32: return 4;
    case GgufValueType::kU64: case GgufValueType::kI64: case GgufValueType::kF64: return 8;
    default: return 0;
  }
}

bool IsKnownValueType(uint32_t raw) { return raw <= 12; }

}  // namespace gguf_internal

namespace {

using gguf_internal::FixedSize;
using gguf_internal::KeyValue;
using gguf_internal::Load;
using Int128 = __int128;

bool IsInteger(GgufValueType t) {
  return FixedSize(t) != 0 && t != GgufValueType::kF32 && t != GgufValueType::kF64 &&
         t != GgufValueType::kBool;
}
bool IsFloat(GgufValueType t) { return t == GgufValueType::kF32 || t == GgufValueType::kF64; }

Int128 LoadInteger(GgufValueType t, const uint8_t* p) {
  switch (t) {
    case GgufValueType::kU8: return Load<uint8_t>(p);
    case GgufValueType::kI8: return Load<int8_t>(p);
    case GgufValueType::kU16: return Load<uint16_t>(p);
    case GgufValueType::kI16: return Load<int16_t>(p);
    case GgufValueType::kU32: return Load<uint32_t>(p);
    case GgufValueType::kI32: return Load<int32_t>(p);
    case GgufValueType::kU64: return Load<uint64_t>(p);
    default: return Load<int64_t>(p);
  }
}

double LoadFloat(GgufValueType t, const uint8_t* p) {
  return t == GgufValueType::kF32 ? static_cast<double>(Load<float>(p)) : Load<double>(p);
}

std::string_view LoadString(const uint8_t* p) {
  return {reinterpret_cast<const char*>(p + 8), static_cast<size_t>(Load<uint64_t>(p))};
}

// Offset just past the value of `type` stored at `offset` (arrays include their header).
size_t ValueEnd(const uint8_t* base, GgufValueType type, size_t offset) {
  if (size_t fixed = FixedSize(type)) return offset + fixed;
  if (type == GgufValueType::kString) return offset + 8 + Load<uint64_t>(base + offset);
  auto elem = static_cast<GgufValueType>(Load<uint32_t>(base + offset));
  uint64_t count = Load<uint64_t>(base + offset + 4);
  size_t pos = offset + 12;
  if (size_t fixed = FixedSize(elem)) return pos + count * fixed;
  for (uint64_t i = 0; i < count; ++i) pos = ValueEnd(base, elem, pos);
  return pos;
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          static const char kHex[] = "0123456789abcdef";
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string IntToString(Int128 v) {
  // Values come from at most 64-bit integers, so one of the two casts is exact.
  if (v < 0) return std::to_string(static_cast<int64_t>(v));
  return std::to_string(static_cast<uint64_t>(v));
}

// Shortest text that reads back as the same value (f32 values printed as floats: 1e-05).
template <typename T>
std::string FloatToString(T v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

std::string RenderValue(const uint8_t* base, GgufValueType type, size_t offset, size_t max_items);

std::string RenderArray(const uint8_t* base, GgufValueType elem, uint64_t count, size_t pos,
                        size_t max_items) {
  std::string out = "[";
  for (uint64_t i = 0; i < count && i < max_items; ++i) {
    if (i > 0) out += ", ";
    out += RenderValue(base, elem, pos, max_items);
    pos = ValueEnd(base, elem, pos);
  }
  if (count <= max_items) return out + "]";
  out += max_items > 0 ? ", ...]" : "...]";
  return out + " (" + std::to_string(count) + " items)";
}

std::string RenderValue(const uint8_t* base, GgufValueType type, size_t offset,
                        size_t max_items) {
  const uint8_t* p = base + offset;
  if (IsInteger(type)) return IntToString(LoadInteger(type, p));
  if (type == GgufValueType::kF32) return FloatToString(Load<float>(p));
  if (type == GgufValueType::kF64) return FloatToString(Load<double>(p));
  if (type == GgufValueType::kBool) return *p ? "true" : "false";
  if (type == GgufValueType::kString) return Quote(LoadString(p));
  auto elem = static_cast<GgufValueType>(Load<uint32_t>(p));
  return RenderArray(base, elem, Load<uint64_t>(p + 4), offset + 12, max_items);
}

Status WrongKind(std::string_view key, const KeyValue& kv, const char* wanted) {
  std::string type(GgufValueTypeName(kv.type));
  if (kv.type == GgufValueType::kArray) type += " of " + std::string(GgufValueTypeName(kv.elem_type));
  return Status::InvalidArgument("metadata key '" + std::string(key) + "' is " + type +
                                 ", not " + wanted);
}

Status Missing(std::string_view key) {
  return Status::NotFound("metadata key '" + std::string(key) + "' not found");
}

Status DoesNotFit(std::string_view key, const char* wanted) {
  return Status::OutOfRange("metadata key '" + std::string(key) + "' does not fit " + wanted);
}

}  // namespace

std::string_view GgufValueTypeName(GgufValueType type) {
  static constexpr std::string_view kNames[] = {"u8",  "i8",  "u16",    "i16",   "u32",
                                                "i32", "f32", "bool",   "string", "array",
                                                "u64", "i64", "f64"};
  auto i = static_cast<uint32_t>(type);
  return i < std::size(kNames) ? kNames[i] : "unknown";
}

std::vector<std::string_view> GgufFile::keys() const {
  std::vector<std::string_view> out;
  out.reserve(impl_->kvs.size());
  for (const KeyValue& kv : impl_->kvs) out.push_back(kv.key);
  return out;
}

bool GgufFile::Has(std::string_view key) const { return impl_->Find(key) != nullptr; }

std::optional<GgufValueType> GgufFile::TypeOf(std::string_view key) const {
  const KeyValue* kv = impl_->Find(key);
  if (kv == nullptr) return std::nullopt;
  return kv->type;
}

std::optional<std::pair<GgufValueType, uint64_t>> GgufFile::ArrayInfo(std::string_view key) const {
  const KeyValue* kv = impl_->Find(key);
  if (kv == nullptr || kv->type != GgufValueType::kArray) return std::nullopt;
  return std::make_pair(kv->elem_type, kv->count);
}

Result<std::string> GgufFile::GetString(std::string_view key) const {
  const KeyValue* kv = impl_->Find(key);
  if (kv == nullptr) return Missing(key);
  if (kv->type != GgufValueType::kString) return WrongKind(key, *kv, "a string");
  return std::string(LoadString(impl_->bytes.data() + kv->offset));
}

Result<int64_t> GgufFile::GetInt(std::string_view key) const {
  const KeyValue* kv = impl_->Find(key);
  if (kv == nullptr) return Missing(key);
  if (!IsInteger(kv->type)) return WrongKind(key, *kv, "an integer");
  Int128 v = LoadInteger(kv->type, impl_->bytes.data() + kv->offset);
  if (v > std::numeric_limits<int64_t>::max()) return DoesNotFit(key, "an i64");
  return static_cast<int64_t>(v);
}

Result<uint64_t> GgufFile::GetUInt(std::string_view key) const {
  const KeyValue* kv = impl_->Find(key);
  if (kv == nullptr) return Missing(key);
  if (!IsInteger(kv->type)) return WrongKind(key, *kv, "an integer");
  Int128 v = LoadInteger(kv->type, impl_->bytes.data() + kv->offset);
  if (v < 0) return DoesNotFit(key, "an unsigned integer");
  return static_cast<uint64_t>(v);
}

Result<double> GgufFile::GetFloat(std::string_view key) const {
  const KeyValue* kv = impl_->Find(key);
  if (kv == nullptr) return Missing(key);
  if (!IsFloat(kv->type)) return WrongKind(key, *kv, "a float");
  return LoadFloat(kv->type, impl_->bytes.data() + kv->offset);
}

Result<bool> GgufFile::GetBool(std::string_view key) const {
  const KeyValue* kv = impl_->Find(key);
  if (kv == nullptr) return Missing(key);
  if (kv->type != GgufValueType::kBool) return WrongKind(key, *kv, "a bool");
  return impl_->bytes[kv->offset] != 0;
}

Result<std::vector<std::string>> GgufFile::GetStringArray(std::string_view key) const {
  const KeyValue* kv = impl_->Find(key);
  if (kv == nullptr) return Missing(key);
  if (kv->type != GgufValueType::kArray || kv->elem_type != GgufValueType::kString) {
    return WrongKind(key, *kv, "an array of strings");
  }
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(kv->count));
  const uint8_t* p = impl_->bytes.data() + kv->offset;
  for (uint64_t i = 0; i < kv->count; ++i) {
    std::string_view s = LoadString(p);
    out.emplace_back(s);
    p += 8 + s.size();
  }
  return out;
}

Result<std::vector<float>> GgufFile::GetFloatArray(std::string_view key) const {
  const KeyValue* kv = impl_->Find(key);
  if (kv == nullptr) return Missing(key);
  if (kv->type != GgufValueType::kArray || !IsFloat(kv->elem_type)) {
    return WrongKind(key, *kv, "an array of floats");
  }
  std::vector<float> out(static_cast<size_t>(kv->count));
  const size_t step = FixedSize(kv->elem_type);
  const uint8_t* p = impl_->bytes.data() + kv->offset;
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<float>(LoadFloat(kv->elem_type, p + i * step));
  }
  return out;
}

Result<std::vector<int64_t>> GgufFile::GetIntArray(std::string_view key) const {
  const KeyValue* kv = impl_->Find(key);
  if (kv == nullptr) return Missing(key);
  if (kv->type != GgufValueType::kArray || !IsInteger(kv->elem_type)) {
    return WrongKind(key, *kv, "an array of integers");
  }
  std::vector<int64_t> out(static_cast<size_t>(kv->count));
  const size_t step = FixedSize(kv->elem_type);
  const uint8_t* p = impl_->bytes.data() + kv->offset;
  for (size_t i = 0; i < out.size(); ++i) {
    Int128 v = LoadInteger(kv->elem_type, p + i * step);
    if (v > std::numeric_limits<int64_t>::max()) return DoesNotFit(key, "i64 elements");
    out[i] = static_cast<int64_t>(v);
  }
  return out;
}

std::span<const uint8_t> GgufFile::RawValue(std::string_view key) const {
  const KeyValue* kv = impl_->Find(key);
  if (kv == nullptr) return {};
  const uint8_t* base = impl_->bytes.data();
  size_t start = kv->type == GgufValueType::kArray ? kv->offset - 12 : kv->offset;
  return {base + start, ValueEnd(base, kv->type, start) - start};
}

std::string GgufFile::ValueToString(std::string_view key, size_t max_array_items) const {
  const KeyValue* kv = impl_->Find(key);
  if (kv == nullptr) return "";
  const uint8_t* base = impl_->bytes.data();
  if (kv->type == GgufValueType::kArray) {
    return RenderArray(base, kv->elem_type, kv->count, kv->offset, max_array_items);
  }
  return RenderValue(base, kv->type, kv->offset, max_array_items);
}

}  // namespace llm::engine
