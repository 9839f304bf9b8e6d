// UTC timestamps as ISO 8601 with microseconds and a `Z`: 2025-06-26T10:30:00.123456Z.
#pragma once

#include <chrono>
#include <string>

namespace llm {

using SystemTime = std::chrono::system_clock::time_point;

// Appends the 27-character ISO 8601 UTC form of `t` (microsecond precision) to `out`.
void AppendIso8601Utc(SystemTime t, std::string& out);

// The ISO 8601 UTC form of `t`, e.g. "2025-06-26T10:30:00.123456Z".
std::string FormatIso8601Utc(SystemTime t);

// Microseconds since the Unix epoch.
int64_t UnixMicros(SystemTime t);

}  // namespace llm
