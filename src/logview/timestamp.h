// Timestamps of log records: our UTC style ("2025-06-26T10:30:00.123456Z"), explicit offsets
// ("+02:00"), and the Python service's zone-less style (local time), all as UTC microseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace llm::logview {

// Converts zone-less local times to UTC using the process's time zone (TZ), caching the
// UTC offset per local hour so a scan of millions of records calls mktime rarely.
class LocalTimeConverter {
 public:
  // Returns the UTC seconds for local wall-clock seconds `local_s` (seconds since 1970 as if
  // the wall clock were UTC).
  int64_t ToUtcSeconds(int64_t local_s);

 private:
  friend std::optional<int64_t> ParseTimestamp(std::string_view, LocalTimeConverter&);
  int64_t cached_hour_ = INT64_MIN;
  int64_t cached_offset_ = 0;
  // The last "YYYY-MM-DDTHH" parsed and its wall-clock seconds: consecutive records share it.
  char prefix_[13] = {};
  bool prefix_valid_ = false;
  int64_t prefix_wall_ = 0;
};

// Parses an ISO-8601 timestamp ("YYYY-MM-DDTHH:MM:SS[.f{1,9}][Z|±HH:MM|±HHMM]", 'T' or ' ')
// into UTC microseconds; nullopt when malformed. No zone means local time.
std::optional<int64_t> ParseTimestamp(std::string_view text, LocalTimeConverter& local);

// Formats UTC microseconds as "2025-06-26T10:30:00.123456Z".
std::string FormatTimestamp(int64_t utc_us);
// Formats UTC microseconds truncated to seconds: "2025-06-26T10:30:00Z".
std::string FormatTimestampSeconds(int64_t utc_us);

// Parses a --since/--until value: an ISO timestamp (as ParseTimestamp) or a relative span
// before `now_us` ("30s", "30m", "2h", "1d", "1w"); nullopt when neither.
std::optional<int64_t> ParseTimeSpec(std::string_view text, int64_t now_us);

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

// The current time in UTC microseconds.
int64_t NowMicros();

}  // namespace llm::logview
