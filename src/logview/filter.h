// Record filters shared by every mode: time window, endpoint, status, level, request id, text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "logview/record.h"

namespace llm::logview {

// A set of status codes: exact codes ("404") and classes ("5xx"), comma-separated.
struct StatusFilter {
  std::vector<std::pair<int, int>> ranges;  // inclusive [low, high]
  bool empty() const { return ranges.empty(); }
  bool Matches(int code) const;
  // Parses "404", "5xx", "404,5xx"; InvalidArgument otherwise.
  static Result<StatusFilter> Parse(std::string_view text);
};

struct Filter {
  std::optional<int64_t> since_us;  // inclusive
  std::optional<int64_t> until_us;  // exclusive
  std::string endpoint;             // matches the endpoint name or the path
  StatusFilter status;
  std::optional<Level> min_level;   // records at or above this level
  std::string request_id;
  std::string grep;                 // substring of the raw line (case-sensitive)

  // True when the record passes every filter that is set.
  bool Matches(const RecordView& r, std::string_view raw_line) const;
  // True when no filter is set (every valid record passes).
  bool Empty() const;
};

}  // namespace llm::logview
