#include "logging/http_records.h"

#include <cctype>
#include <nlohmann/json.hpp>

#include "core/json_depth.h"
#include "core/utf8.h"
#include "logging/record.h"
#include "logging/redaction.h"

namespace llm::logging {

bool IsJsonContentType(std::string_view ct) {
  std::string lower(ct.substr(0, ct.find(';')));
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!lower.empty() && lower.back() == ' ') lower.pop_back();
  if (lower == "application/json") return true;
  return lower.rfind("application/", 0) == 0 && lower.size() > 5 &&
         lower.compare(lower.size() - 5, 5, "+json") == 0;
}

Level ResponseLevel(int status_code, double duration_ms, uint64_t slow_ms) {
  if (status_code >= 500) return Level::kError;
  if (status_code >= 400) return Level::kWarning;
  if (duration_ms > static_cast<double>(slow_ms)) return Level::kWarning;
  return Level::kInfo;
}

namespace {

// In place of a body that must not be walked or shown: its size and why it is left out.
void WriteBodySummary(JsonWriter& w, size_t bytes, std::string_view reason) {
  w.Key("body_summary");
  w.BeginObject();
  w.Field("bytes", static_cast<uint64_t>(bytes));
  w.Field("omitted", reason);
  w.EndObject();
}

}  // namespace

void WriteBodyField(JsonWriter& w, std::string_view body, std::string_view content_type,
                    uint64_t body_max_bytes) {
  if (body.empty() || !IsJsonContentType(content_type)) return;
  if (JsonNestingExceeds(body)) {
    WriteBodySummary(w, body.size(), "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    return;
  }
  // Fast path: a one-line, well-formed body that mentions no secret field name and fits goes
  // out as it is (nlohmann's lexer rejects invalid UTF-8 and raw control characters).
  if (body.size() <= body_max_bytes && body.find_first_of("\r\n") == std::string_view::npos &&
      !MentionsSecretField(body) && nlohmann::json::accept(body)) {
    w.Key("body");
    w.RawJson(body);
    return;
  }
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  std::string encoded;
  bool as_json = !parsed.is_discarded();
  if (as_json) {
    RedactJson(parsed);
    JsonWriter(encoded).Json(parsed);
  }
  if (!as_json && MentionsSecretField(body)) {  // cannot be redacted field by field
    WriteBodySummary(w, body.size(), "not valid JSON and names a secret field");
    return;
  }
  std::string_view text = as_json ? std::string_view(encoded) : body;
  if (text.size() <= body_max_bytes) {
    w.Key("body");
    if (as_json) {
      w.Json(parsed);
    } else {
      w.String(text);
    }
    return;
  }
  w.Field("body", Utf8Prefix(text, body_max_bytes));
  w.Field("body_truncated", true);
}

std::string BuildRequestRecord(const RequestContext& ctx, const HttpRequestView& req,
                               uint64_t body_max_bytes) {
  std::string out;
  AppendRequestRecord(out, ctx, req, body_max_bytes);
  return out;
}

std::string BuildResponseRecord(const RequestContext& ctx, const HttpResponseView& res,
                                uint64_t body_max_bytes, uint64_t slow_ms, Level* level_out) {
  std::string out;
  AppendResponseRecord(out, ctx, res, body_max_bytes, slow_ms, level_out);
  return out;
}

std::string_view AppendRequestRecord(std::string& buffer, const RequestContext& ctx,
                                     const HttpRequestView& req, uint64_t body_max_bytes) {
  RecordBuilder record(buffer, Level::kInfo, "Incoming request", "logger");
  JsonWriter& w = record.fields();
  ctx.WriteFields(w);
  w.Field("path", ctx.path);
  w.Field("query", req.query);
  w.Field("user_agent", req.user_agent);
  w.Field("content_type", req.content_type);
  w.Field("content_length", req.content_length);
  if (req.headers != nullptr) {
    w.Key("headers");
    w.BeginObject();
    for (const auto& [name, value] : *req.headers) {
      w.Field(name, IsSecretHeader(name) ? kRedacted : std::string_view(value));
    }
    w.EndObject();
  }
  WriteBodyField(w, req.body, req.content_type, body_max_bytes);
  return record.FinishInPlace("request");
}

std::string_view AppendResponseRecord(std::string& buffer, const RequestContext& ctx,
                                      const HttpResponseView& res, uint64_t body_max_bytes,
                                      uint64_t slow_ms, Level* level_out) {
  Level level = ResponseLevel(res.status_code, res.duration_ms, slow_ms);
  if (level_out != nullptr) *level_out = level;
  RecordBuilder record(buffer, level, "Outgoing response", "logger");
  JsonWriter& w = record.fields();
  ctx.WriteFields(w);
  w.Field("status_code", res.status_code);
  w.Field("duration_ms", res.duration_ms, 3);
  w.Field("content_type", res.content_type);
  w.Field("response_size", res.response_size);
  if (res.duration_ms > static_cast<double>(slow_ms)) w.Field("slow", true);
  if (res.streamed) w.Field("streamed", true);
  if (res.client_disconnected) w.Field("client_disconnected", true);
  if (res.client_stalled) w.Field("client_stalled", true);
  if (!res.streamed) WriteBodyField(w, res.body, res.content_type, body_max_bytes);
  return record.FinishInPlace("response");
}

}  // namespace llm::logging
