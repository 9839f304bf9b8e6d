// Request identity: unique `req_` ids, adoption of a valid incoming X-Request-ID, and the
// W3C traceparent header's trace and span ids.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace llm::logging {

// Generates ids "req_<unix microseconds>_<sequence>", unique within the process even when
// many threads ask in the same microsecond (the sequence is an atomic counter).
class RequestIdGenerator {
 public:
  std::string Next();

 private:
  std::atomic<uint64_t> sequence_{0};
};

// True when `id` is 1..128 characters of [A-Za-z0-9._-] (an X-Request-ID we adopt).
bool IsValidRequestId(std::string_view id);

struct TraceContext {
  std::string trace_id;  // 32 lowercase hex digits
  std::string span_id;   // 16 lowercase hex digits (the caller's parent-id)
};

// Parses "00-<32 hex>-<16 hex>-<2 hex>"; nullopt when malformed or all-zero ids.
std::optional<TraceContext> ParseTraceparent(std::string_view header);

}  // namespace llm::logging
