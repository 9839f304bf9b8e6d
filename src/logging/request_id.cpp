#include "logging/request_id.h"

#include <chrono>

#include "core/utc_clock.h"

namespace llm::logging {

std::string RequestIdGenerator::Next() {
  uint64_t seq = sequence_.fetch_add(1, std::memory_order_relaxed);
  int64_t us = UnixMicros(std::chrono::system_clock::now());
  std::string id = "req_";
  id += std::to_string(us);
  id += '_';
  id += std::to_string(seq);
  return id;
}

bool IsValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

namespace {
bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}
bool AllZero(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }
}  // namespace

std::optional<TraceContext> ParseTraceparent(std::string_view h) {
  // version(2) - trace-id(32) - parent-id(16) - flags(2)
  if (h.size() < 55 || h[2] != '-' || h[35] != '-' || h[52] != '-') return std::nullopt;
  std::string_view version = h.substr(0, 2), trace = h.substr(3, 32), span = h.substr(36, 16),
                   flags = h.substr(53, 2);
  if (!IsLowerHex(version) || version == "ff" || !IsLowerHex(trace) || !IsLowerHex(span) ||
      !IsLowerHex(flags)) {
    return std::nullopt;
  }
  if (version == "00" && h.size() != 55) return std::nullopt;
  if (AllZero(trace) || AllZero(span)) return std::nullopt;
  return TraceContext{std::string(trace), std::string(span)};
}

}  // namespace llm::logging
