// One log record of the logging system's schema (see docs/logging.md), parsed from one JSON
// line with simdjson's on-demand API. Strings are views valid until the next Parse().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "logging/level.h"
#include "logview/timestamp.h"

namespace llm::logview {

enum class RecordType : uint8_t { kOther, kRequest, kResponse, kError, kException, kCustomEvent };
using Level = logging::Level;  // the levels the logging system writes
using logging::LevelName;       // "DEBUG", "INFO", ...

// "request", "response", ...; "" for kOther.
std::string_view RecordTypeName(RecordType type);
// Parses a level name (case-insensitive; WARN = WARNING, FATAL = CRITICAL); false if unknown.
bool ParseLevel(std::string_view text, Level* level);

struct RecordView {
  int64_t time_us = 0;  // UTC microseconds since the epoch
  Level level = Level::kInfo;
  RecordType type = RecordType::kOther;
  std::string_view type_name, message, module, request_id, method, url, path, endpoint,
      remote_addr, user_agent, error_type, error_message, exception_type, event_type, model_name,
      api_key_name, reason;  // api_key_name: the request's key name; reason: of a security_event
  int status_code = -1;             // -1: absent
  double duration_ms = -1;          // -1: absent
  double generation_time = -1;      // seconds; -1: absent
  double tokens_per_second = -1;    // -1: absent
  int64_t response_length = -1, prompt_tokens = -1, completion_tokens = -1;  // -1: absent
  // Of text_generation_success (read only when of these types; -1 / false: absent).
  int64_t tool_calls = -1, reasoning_tokens = -1;
  bool constrained = false;
  bool slow = false;
};

// Parses lines into RecordViews. A line is valid when it is one JSON object with a parsable
// string `timestamp`, a known string `level`, a string `message`, and every other known field
// of its documented type (null counts as absent). Not thread-safe: one per thread.
class RecordParser {
 public:
  // With need_text false, message, module, url, error_message and exception_type are only
  // type-checked, not unescaped (they stay empty): faster, for aggregations that ignore them.
  explicit RecordParser(bool need_text = true);
  ~RecordParser();
  RecordParser(const RecordParser&) = delete;
  RecordParser& operator=(const RecordParser&) = delete;

  // Parses `line` (no trailing newline). `readable` is how many bytes may be read from
  // line.data() on; when it is short of the SIMD padding the line is copied first.
  // Returns false for a bad line; `out` is then unspecified.
  bool Parse(std::string_view line, size_t readable, RecordView* out);
  // Same, for a line with no readable bytes beyond it.
  bool Parse(std::string_view line, RecordView* out) { return Parse(line, line.size(), out); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace llm::logview
