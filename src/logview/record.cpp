#include "logview/record.h"

#include <simdjson.h>

#include <cstring>

namespace llm::logview {
namespace ondemand = simdjson::ondemand;

std::string_view RecordTypeName(RecordType type) {
  switch (type) {
    case RecordType::kRequest: return "request";
    case RecordType::kResponse: return "response";
    case RecordType::kError: return "error";
    case RecordType::kException: return "exception";
    case RecordType::kCustomEvent: return "custom_event";
    case RecordType::kOther: break;
  }
  return "";
}

bool ParseLevel(std::string_view t, Level* level) {
  auto eq = [&](const char* name) {
    size_t n = std::strlen(name);
    if (n != t.size()) return false;
    for (size_t i = 0; i < n; ++i) {
      char c = t[i];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      if (c != name[i]) return false;
    }
    return true;
  };
  if (eq("INFO")) *level = Level::kInfo;
  else if (eq("DEBUG")) *level = Level::kDebug;
  else if (eq("WARNING") || eq("WARN")) *level = Level::kWarning;
  else if (eq("ERROR")) *level = Level::kError;
  else if (eq("CRITICAL") || eq("FATAL")) *level = Level::kCritical;
  else return false;
  return true;
}

namespace {

RecordType TypeFromName(std::string_view t) {
  if (t == "request") return RecordType::kRequest;
  if (t == "response") return RecordType::kResponse;
  if (t == "error") return RecordType::kError;
  if (t == "exception") return RecordType::kException;
  if (t == "custom_event") return RecordType::kCustomEvent;
  return RecordType::kOther;
}

// True when the raw key at `k` (just after its opening quote) is exactly `lit`: the literal
// and then the closing quote. Constant-size compares, inlined; the input is padded, so reading
// a few bytes past a shorter key is safe. An escaped key matches nothing (and is skipped).
template <size_t N>
inline bool KeyIs(const char* k, const char (&lit)[N]) {
  return std::memcmp(k, lit, N - 1) == 0 && k[N - 1] == '"';
}

// Reads an optional string field: null leaves `out` empty; any other non-string is an error.
bool GetString(ondemand::value& v, std::string_view* out) {
  auto s = v.get_string();
  if (!s.error()) {
    *out = s.value_unsafe();
    return true;
  }
  bool is_null = false;  // .get(): a simdjson_result converted to bool would throw on error
  return s.error() == simdjson::INCORRECT_TYPE && !v.is_null().get(is_null) && is_null;
}

// Reads a string field that other records may use with another type: a non-string leaves
// `out` empty and the line valid.
bool GetStringIfString(ondemand::value& v, std::string_view* out) {
  auto s = v.get_string();
  if (!s.error()) *out = s.value_unsafe();
  return true;
}

// Checks that a value is a string or null without unescaping it.
bool IsStringOrNull(ondemand::value& v, bool* is_string) {
  ondemand::json_type t;
  if (v.type().get(t)) return false;
  *is_string = t == ondemand::json_type::string;
  return *is_string || t == ondemand::json_type::null;
}

// A text field: unescaped when the caller wants text, else only type-checked.
bool GetText(ondemand::value& v, std::string_view* out, bool need_text) {
  bool is_string;
  return need_text ? GetString(v, out) : IsStringOrNull(v, &is_string);
}

bool GetDouble(ondemand::value& v, double* out) {
  ondemand::json_type t;
  if (v.type().get(t)) return false;
  if (t == ondemand::json_type::null) return true;
  if (t != ondemand::json_type::number) return false;
  return !v.get_double().get(*out);
}

bool GetInt(ondemand::value& v, int64_t* out) {
  ondemand::json_type t;
  if (v.type().get(t)) return false;
  if (t == ondemand::json_type::null) return true;
  if (t != ondemand::json_type::number) return false;
  return !v.get_int64().get(*out);
}

// Fields that only some events carry: read when of the expected type, otherwise left alone
// (another event may use the name for something else; that never makes the line bad).
bool GetIntIfInt(ondemand::value& v, int64_t* out) {
  int64_t x = 0;
  if (!v.get_int64().get(x)) *out = x;
  return true;
}

bool GetBoolIfBool(ondemand::value& v, bool* out) {
  bool b = false;
  if (!v.get_bool().get(b)) *out = b;
  return true;
}

}  // namespace

struct RecordParser::Impl {
  ondemand::parser parser;
  std::string padded;
  LocalTimeConverter local;
  bool need_text = true;

  bool Field(const char* key, ondemand::value& v, RecordView* r, bool* have_ts, bool* have_level,
             bool* have_msg);
  bool Parse(const char* data, size_t size, size_t readable, RecordView* out);
};

bool RecordParser::Impl::Field(const char* k, ondemand::value& v, RecordView* r, bool* have_ts,
                               bool* have_level, bool* have_msg) {
  std::string_view s;
  switch (k[0]) {
    case 'a':
      if (KeyIs(k, "api_key_name")) return GetString(v, &r->api_key_name);
      break;
    case 'c':
      if (KeyIs(k, "completion_tokens")) return GetInt(v, &r->completion_tokens);
      if (KeyIs(k, "constrained")) return GetBoolIfBool(v, &r->constrained);
      break;
    case 'd':
      if (KeyIs(k, "duration_ms")) return GetDouble(v, &r->duration_ms) && (r->duration_ms >= 0 || r->duration_ms == -1);
      break;
    case 'e':
      if (KeyIs(k, "endpoint")) return GetString(v, &r->endpoint);
      if (KeyIs(k, "error_type")) return GetString(v, &r->error_type);
      if (KeyIs(k, "event_type")) return GetString(v, &r->event_type);
      if (KeyIs(k, "error_message")) return GetText(v, &r->error_message, need_text);
      if (KeyIs(k, "exception_type")) return GetText(v, &r->exception_type, need_text);
      break;
    case 'g':
      if (KeyIs(k, "generation_time")) return GetDouble(v, &r->generation_time);
      break;
    case 'l':
      if (KeyIs(k, "level")) {
        if (!GetString(v, &s) || !ParseLevel(s, &r->level)) return false;
        *have_level = true;
        return true;
      }
      break;
    case 'm':
      if (KeyIs(k, "message")) {
        if (!need_text) return IsStringOrNull(v, have_msg) && *have_msg;
        if (!GetString(v, &r->message)) return false;
        *have_msg = r->message.data() != nullptr;
        return true;
      }
      if (KeyIs(k, "method")) return GetString(v, &r->method);
      if (KeyIs(k, "module")) return GetText(v, &r->module, need_text);
      if (KeyIs(k, "model_name")) return GetString(v, &r->model_name);
      break;
    case 'p':
      if (KeyIs(k, "path")) return GetString(v, &r->path);
      if (KeyIs(k, "prompt_tokens")) return GetInt(v, &r->prompt_tokens);
      break;
    case 'r':
      if (KeyIs(k, "request_id")) return GetString(v, &r->request_id);
      if (KeyIs(k, "remote_addr")) return GetString(v, &r->remote_addr);
      if (KeyIs(k, "response_length")) return GetInt(v, &r->response_length);
      if (KeyIs(k, "reason")) return GetStringIfString(v, &r->reason);
      if (KeyIs(k, "reasoning_tokens")) return GetIntIfInt(v, &r->reasoning_tokens);
      break;
    case 's':
      if (KeyIs(k, "status_code")) {
        int64_t code = -1;
        if (!GetInt(v, &code) || code < -1 || code > 999) return false;
        r->status_code = static_cast<int>(code);
        return true;
      }
      if (KeyIs(k, "slow")) {
        ondemand::json_type t;
        if (v.type().get(t)) return false;
        if (t == ondemand::json_type::null) return true;
        return !v.get_bool().get(r->slow);
      }
      break;
    case 't':
      if (KeyIs(k, "timestamp")) {
        if (!GetString(v, &s)) return false;
        auto t = ParseTimestamp(s, local);
        if (!t) return false;
        r->time_us = *t;
        *have_ts = true;
        return true;
      }
      if (KeyIs(k, "type")) {
        if (!GetString(v, &r->type_name)) return false;
        r->type = TypeFromName(r->type_name);
        return true;
      }
      if (KeyIs(k, "tokens_per_second")) return GetDouble(v, &r->tokens_per_second);
      if (KeyIs(k, "tool_calls")) return GetIntIfInt(v, &r->tool_calls);
      break;
    case 'u':
      if (KeyIs(k, "url")) return GetText(v, &r->url, need_text);
      if (KeyIs(k, "user_agent")) return GetString(v, &r->user_agent);
      break;
    default:
      break;
  }
  return true;  // a field we do not read: the iterator skips it
}

bool RecordParser::Impl::Parse(const char* data, size_t size, size_t readable, RecordView* out) {
  // Strip a trailing '\r' and surrounding blanks cheaply.
  while (size > 0 && (data[size - 1] == '\r' || data[size - 1] == ' ' || data[size - 1] == '\t')) --size;
  if (size == 0 || data[0] != '{' || data[size - 1] != '}') return false;
  if (readable < size + simdjson::SIMDJSON_PADDING) {
    padded.assign(data, size);
    padded.append(simdjson::SIMDJSON_PADDING, ' ');
    data = padded.data();
    readable = padded.size();
  }
  *out = RecordView{};
  ondemand::document doc;
  if (parser.iterate(data, size, readable).get(doc)) return false;
  ondemand::object obj;
  if (doc.get_object().get(obj)) return false;
  bool have_ts = false, have_level = false, have_msg = false;
  for (auto field_result : obj) {
    if (field_result.error()) return false;
    ondemand::field& field = field_result.value_unsafe();  // by reference: no copies
    if (!Field(field.key().raw(), field.value(), out, &have_ts, &have_level, &have_msg)) return false;
  }
  return have_ts && have_level && have_msg;
}

RecordParser::RecordParser(bool need_text) : impl_(std::make_unique<Impl>()) { impl_->need_text = need_text; }
RecordParser::~RecordParser() = default;

bool RecordParser::Parse(std::string_view line, size_t readable, RecordView* out) {
  return impl_->Parse(line.data(), line.size(), readable, out);
}

}  // namespace llm::logview
