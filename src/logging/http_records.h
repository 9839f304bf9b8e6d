// The `request` and `response` records of the specification, built from plain views of an
// HTTP exchange (the server adapter fills them; no HTTP library here).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "logging/level.h"
#include "logging/request_context.h"

namespace llm::logging {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequestView {
  std::string_view query;         // raw query string without '?'
  std::string_view user_agent;
  std::string_view content_type;
  uint64_t content_length = 0;
  const HeaderList* headers = nullptr;
  std::string_view body;
};

struct HttpResponseView {
  int status_code = 0;
  double duration_ms = 0;         // microsecond precision
  std::string_view content_type;
  uint64_t response_size = 0;
  std::string_view body;          // logged when content_type is JSON
  bool streamed = false;
  bool client_disconnected = false;
  bool client_stalled = false;    // dropped: the client stopped reading (HTTP_WRITE_SECONDS)
};

// The level of a response record: INFO below 400, WARNING for 4xx, ERROR for 5xx; WARNING
// (at least) when slower than `slow_ms`.
Level ResponseLevel(int status_code, double duration_ms, uint64_t slow_ms);

// Builds the "Incoming request" record. JSON bodies are parsed, redacted and embedded; other
// bodies are not logged. A body whose logged form exceeds `body_max_bytes` is logged as a
// string cut at that size with "body_truncated": true.
std::string BuildRequestRecord(const RequestContext& ctx, const HttpRequestView& req,
                               uint64_t body_max_bytes);

// Builds the "Outgoing response" record (level from ResponseLevel, "slow": true when slow).
std::string BuildResponseRecord(const RequestContext& ctx, const HttpResponseView& res,
                                uint64_t body_max_bytes, uint64_t slow_ms, Level* level_out);

// The same records built into `buffer` (cleared first, capacity reused); the returned view
// points into it.
std::string_view AppendRequestRecord(std::string& buffer, const RequestContext& ctx,
                                     const HttpRequestView& req, uint64_t body_max_bytes);
std::string_view AppendResponseRecord(std::string& buffer, const RequestContext& ctx,
                                      const HttpResponseView& res, uint64_t body_max_bytes,
                                      uint64_t slow_ms, Level* level_out);

// Writes "body" (and "body_truncated") for a body of the given content type.
void WriteBodyField(JsonWriter& w, std::string_view body, std::string_view content_type,
                    uint64_t body_max_bytes);

// True for application/json and application/*+json content types.
bool IsJsonContentType(std::string_view content_type);

}  // namespace llm::logging
