// The --stats aggregate: everything the report needs, in memory bounded by the number of
// distinct endpoints, status codes, hours, clients, user agents and models (never by the
// number of records). Mergeable, so threads aggregate separately and combine.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "logview/histogram.h"
#include "logview/record.h"

namespace llm::logview {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

// The value of `key` in `map`, inserted default-constructed when missing (no copy of the key
// on a hit).
template <typename V>
V& Slot(StringMap<V>& map, std::string_view key) {
  auto it = map.find(key);
  if (it == map.end()) it = map.emplace(std::string(key), V{}).first;
  return it->second;
}

// Counts of responses: a response with status >= 400 is an error.
struct EndpointStats {
  uint64_t count = 0;
  uint64_t errors = 0;
  DurationHistogram durations;
  void Add(int status, double duration_ms);
  void Merge(const EndpointStats& o);
};

struct SlowRequest {
  int64_t time_us = 0;
  double duration_ms = 0;
  int status_code = -1;
  std::string endpoint, request_id, method, path;
};

struct ModelStats {
  uint64_t count = 0;
  uint64_t gen_time_n = 0, tps_n = 0, length_n = 0, tokens_n = 0;
  double gen_time_sum = 0, tps_sum = 0;
  int64_t length_sum = 0, completion_tokens_sum = 0;
  uint64_t constrained = 0;            // generations held to a grammar or JSON schema
  uint64_t with_tool_calls = 0;        // generations that answered with tool calls
  int64_t tool_calls_sum = 0;          // the calls they made
  int64_t reasoning_tokens_sum = 0;    // tokens spent thinking (<think>...</think>)
  void Merge(const ModelStats& o);
};

// Usage of one API key name: responses (errors: status >= 400) and the tokens of its
// text_generation_success events.
struct KeyUsage {
  uint64_t requests = 0, errors = 0, generations = 0;
  int64_t prompt_tokens = 0, completion_tokens = 0;
  void Merge(const KeyUsage& o);
};

struct HourCounts {
  uint64_t requests = 0;  // responses in the hour
  uint64_t errors = 0;    // of which status >= 400
};

class StatsAggregate {
 public:
  static constexpr bool kNeedsText = false;  // never reads message, module, url
  explicit StatsAggregate(double slow_ms = 5000, size_t keep_slowest = 10)
      : slow_ms_(slow_ms), keep_slowest_(keep_slowest) {}

  // Folds one record (already filtered) into the aggregate.
  void Add(const RecordView& r, std::string_view raw_line);
  // Adds everything of `o` (built with the same settings).
  void Merge(StatsAggregate&& o);

  uint64_t bad_lines = 0;  // maintained by the scanner
  uint64_t records = 0;    // valid lines, maintained by the scanner
  uint64_t matched = 0;    // records that passed the filters
  int64_t first_us = 0, last_us = 0;
  uint64_t request_records = 0, error_records = 0, event_records = 0;
  EndpointStats overall;
  StringMap<EndpointStats> endpoints;
  std::array<uint64_t, 1000> status_counts{};
  std::map<int64_t, HourCounts> hours;  // hour index (UTC seconds / 3600) -> counts
  StringMap<uint64_t> clients, user_agents;
  std::map<std::string, ModelStats, std::less<>> models;
  std::map<std::string, KeyUsage, std::less<>> keys;  // api_key_name ("anonymous": none) -> usage
  uint64_t slow_count = 0;
  std::vector<SlowRequest> slowest;  // at most keep_slowest, a min-heap on duration
  double slow_ms() const { return slow_ms_; }

 private:
  void AddResponse(const RecordView& r);
  void AddSlow(const RecordView& r);
  KeyUsage& KeyOf(const RecordView& r);
  double slow_ms_;
  size_t keep_slowest_;
  int64_t cached_hour_ = INT64_MIN;
  HourCounts* cached_counts_ = nullptr;
};

}  // namespace llm::logview
