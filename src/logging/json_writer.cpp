#include "logging/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/utf8.h"

namespace llm::logging {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// True for bytes that can be copied as they are: printable ASCII except '"' and '\\'.
inline bool IsPlain(unsigned char c) { return c >= 0x20 && c < 0x7F && c != '"' && c != '\\'; }

void AppendEscapedControl(unsigned char c, std::string& out) {
  switch (c) {
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    default: break;
  }
  char buf[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
  out.append(buf, 6);
}

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;

inline uint64_t HasZeroByte(uint64_t v) { return (v - kOnes) & ~v & kHighs; }

// True when none of the 8 bytes needs attention (all printable ASCII, no '"', no '\\').
inline bool EightPlain(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  uint64_t special = (v & kHighs) | ((v - kOnes * 0x20) & ~v & kHighs) |
                     HasZeroByte(v ^ (kOnes * '"')) | HasZeroByte(v ^ (kOnes * '\\')) |
                     HasZeroByte(v ^ (kOnes * 0x7F));
  return special == 0;
}

// True when every byte of `s` can be copied as it is.
inline bool AllPlain(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    if (!EightPlain(s.data() + i)) return false;
  }
  for (; i < s.size(); ++i) {
    if (!IsPlain(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

}  // namespace

void AppendJsonString(std::string_view s, std::string& out) {
  out.push_back('"');
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    size_t start = i;
    while (i + 8 <= n && EightPlain(s.data() + i)) i += 8;
    while (i < n && IsPlain(static_cast<unsigned char>(s[i]))) ++i;
    out.append(s.data() + start, i - start);
    if (i >= n) break;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20 || c == 0x7F) {
      AppendEscapedControl(c, out);
      ++i;
    } else {
      size_t len = Utf8SequenceLength(s, i);
      if (len == 0) {
        out += "\xEF\xBF\xBD";
        ++i;
      } else if (len == 3 && c == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                 (static_cast<unsigned char>(s[i + 2]) == 0xA8 ||
                  static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
        out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
        i += 3;
      } else {
        out.append(s.data() + i, len);
        i += len;
      }
    }
  }
  out.push_back('"');
}

void JsonWriter::SetHasItems(bool on) {
  const uint64_t bit = uint64_t{1} << (depth_ & 63);
  uint64_t& word = has_items_[depth_ >> 6];
  word = on ? (word | bit) : (word & ~bit);
}

void JsonWriter::Separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ > 0) {
    if (HasItems()) out_.push_back(',');
    SetHasItems(true);
  }
}

void JsonWriter::OpenContainer(char bracket) {
  Separate();
  out_.push_back(bracket);
  ++depth_;
  SetHasItems(false);
}

void JsonWriter::BeginObject() { OpenContainer('{'); }

void JsonWriter::ResumeObject() {
  ++depth_;
  SetHasItems(true);
}

void JsonWriter::EndObject() {
  out_.push_back('}');
  --depth_;
}

void JsonWriter::BeginArray() { OpenContainer('['); }

void JsonWriter::EndArray() {
  out_.push_back(']');
  --depth_;
}

// Short plain strings (the usual keys and values) go out in one append.
static inline bool AppendShortPlain(std::string_view s, std::string& out, bool colon) {
  constexpr size_t kMax = 48;
  if (s.size() > kMax || !AllPlain(s)) return false;
  char buf[kMax + 3];
  buf[0] = '"';
  if (!s.empty()) std::memcpy(buf + 1, s.data(), s.size());
  buf[s.size() + 1] = '"';
  buf[s.size() + 2] = ':';
  out.append(buf, s.size() + (colon ? 3 : 2));
  return true;
}

void JsonWriter::Key(std::string_view key) {
  Separate();
  if (!AppendShortPlain(key, out_, true)) {
    AppendJsonString(key, out_);
    out_.push_back(':');
  }
  after_key_ = true;
}

void JsonWriter::String(std::string_view v) {
  Separate();
  if (!AppendShortPlain(v, out_, false)) AppendJsonString(v, out_);
}

void JsonWriter::Int(int64_t v) {
  Separate();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out_.append(buf, r.ptr);
}

void JsonWriter::UInt(uint64_t v) {
  Separate();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out_.append(buf, r.ptr);
}

void JsonWriter::Double(double v, int decimals) {
  if (!std::isfinite(v)) {
    Null();
    return;
  }
  Separate();
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed, decimals);
  if (r.ec != std::errc()) r = std::to_chars(buf, buf + sizeof(buf), v);
  out_.append(buf, r.ptr);
}

void JsonWriter::RawJson(std::string_view json) {
  Separate();
  out_.append(json.data(), json.size());
}

void JsonWriter::Bool(bool v) {
  Separate();
  out_ += v ? "true" : "false";
}

void JsonWriter::Null() {
  Separate();
  out_ += "null";
}

void JsonWriter::Json(const nlohmann::json& v) {
  if (v.is_structured() && depth_ >= kMaxDepth) {
    Null();
    return;
  }
  switch (v.type()) {
    case nlohmann::json::value_t::object:
      BeginObject();
      for (auto it = v.begin(); it != v.end(); ++it) {
        Key(it.key());
        Json(it.value());
      }
      EndObject();
      return;
    case nlohmann::json::value_t::array:
      BeginArray();
      for (const auto& item : v) Json(item);
      EndArray();
      return;
    case nlohmann::json::value_t::string: String(v.get_ref<const std::string&>()); return;
    case nlohmann::json::value_t::boolean: Bool(v.get<bool>()); return;
    case nlohmann::json::value_t::number_integer: Int(v.get<int64_t>()); return;
    case nlohmann::json::value_t::number_unsigned: UInt(v.get<uint64_t>()); return;
    case nlohmann::json::value_t::number_float: {
      double d = v.get<double>();
      if (!std::isfinite(d)) {
        Null();
        return;
      }
      Separate();
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof(buf), d);
      out_.append(buf, r.ptr);
      std::string_view written(buf, static_cast<size_t>(r.ptr - buf));
      if (written.find_first_of(".eE") == std::string_view::npos) out_ += ".0";
      return;
    }
    default: Null(); return;
  }
}

}  // namespace llm::logging
