// A generator of realistic log sets for the log_viewer tests: the records llm-api writes
// (request, response, error, exception, custom_event), rotated into api.log.N ... api.log and
// errors.log.N ... errors.log, optionally gzipped backups, in our UTC style, the Python
// service's zone-less local style, or mixed UTC offsets, with bad lines mixed in.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace llm::logview::testing {

// The start of the fixtures' logs: 2026-06-21T00:00:00Z in UTC microseconds.
inline constexpr int64_t kStart = 1782000000LL * 1000000;

enum class TimeStyle { kUtcZ, kPythonLocal, kMixedOffsets };

struct FixtureOptions {
  std::string dir;                  // created if missing
  int64_t start_us = 0;             // time of the first request (UTC microseconds)
  int requests = 500;
  int64_t spacing_us = 20'000'000;  // mean time between requests
  TimeStyle style = TimeStyle::kUtcZ;
  size_t max_bytes = 0;             // rotate a file when it would exceed this (0: never)
  int gzip_backups = 0;             // gzip this many of the oldest backups of each set
  int bad_lines = 0;                // bad lines injected into each of api.log and errors.log
  double max_duration_ms = 0;       // if > 0: durations are capped below this
  int spike_hour = -1;              // if >= 0: hour index (from start) where many errors happen
  uint32_t seed = 1;
};

struct FixtureInfo {
  std::vector<std::string> api_files;    // oldest first
  std::vector<std::string> error_files;  // oldest first
  int bad_api = 0, bad_errors = 0;
};

// Writes the log set into options.dir.
FixtureInfo WriteFixture(const FixtureOptions& options);

// Formats a UTC time in the given style (for mixed offsets, with `offset_minutes`).
std::string FormatFixtureTime(int64_t utc_us, TimeStyle style, int offset_minutes);

// Appends raw text to a file.
void AppendToFile(const std::string& path, const std::string& text);

}  // namespace llm::logview::testing
