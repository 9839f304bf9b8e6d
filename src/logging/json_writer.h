// A streaming JSON encoder that appends to a string. Every string it writes is made safe:
// invalid UTF-8 becomes U+FFFD, control characters (and DEL, U+2028, U+2029) are escaped, so
// no input can break a log line or forge a record.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace llm::logging {

// Appends `s` to `out` as a JSON string literal (with quotes), sanitised as described above.
void AppendJsonString(std::string_view s, std::string& out);

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void BeginObject();
  // Continues an object whose '{' and first members the caller already appended to out().
  void ResumeObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  // Writes an object key; the next call writes its value.
  void Key(std::string_view key);

  void String(std::string_view v);
  void Int(int64_t v);
  void UInt(uint64_t v);
  // Fixed notation with `decimals` digits after the point (NaN/inf become null).
  void Double(double v, int decimals = 3);
  void Bool(bool v);
  void Null();
  // Any nlohmann value, with its strings sanitised like String(). Containers that would open
  // deeper than kMaxDepth are written as null, so the output stays well-formed and the walk
  // bounded whatever the value.
  void Json(const nlohmann::json& v);
  // A JSON text the caller has validated (one line, well-formed), appended as it is.
  void RawJson(std::string_view json);

  // Key + value shorthands.
  void Field(std::string_view k, std::string_view v) { Key(k); String(v); }
  void Field(std::string_view k, const char* v) { Key(k); String(v); }
  void Field(std::string_view k, int64_t v) { Key(k); Int(v); }
  void Field(std::string_view k, int v) { Key(k); Int(v); }
  void Field(std::string_view k, uint64_t v) { Key(k); UInt(v); }
  void Field(std::string_view k, bool v) { Key(k); Bool(v); }
  void Field(std::string_view k, double v, int decimals = 3) { Key(k); Double(v, decimals); }

  std::string& out() { return out_; }

  // The deepest nesting Json() writes (records themselves use a few levels).
  static constexpr int kMaxDepth = 255;

 private:
  void Separate();
  void OpenContainer(char bracket);
  bool HasItems() const { return (has_items_[depth_ >> 6] >> (depth_ & 63)) & 1; }
  void SetHasItems(bool on);

  std::string& out_;
  uint64_t has_items_[4] = {};  // bit d: the container at depth d already holds an item
  int depth_ = 0;
  bool after_key_ = false;
};

}  // namespace llm::logging
