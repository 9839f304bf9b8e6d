// Building one log record: the specification's common fields first (timestamp, level, message,
// module), then the caller's fields, then `type`. The result is one JSON line (no newline).
#pragma once

#include <string>
#include <string_view>

#include "core/utc_clock.h"
#include "logging/json_writer.h"
#include "logging/level.h"

namespace llm::logging {

class RecordBuilder {
 public:
  // Starts a record stamped now (or at `when`).
  RecordBuilder(Level level, std::string_view message, std::string_view module);
  RecordBuilder(Level level, std::string_view message, std::string_view module, SystemTime when);
  // Builds into `buffer` (cleared first), reusing its capacity: no allocation per record.
  RecordBuilder(std::string& buffer, Level level, std::string_view message,
                std::string_view module);
  RecordBuilder(const RecordBuilder&) = delete;
  RecordBuilder& operator=(const RecordBuilder&) = delete;

  // The writer positioned inside the record object, for the caller's fields.
  JsonWriter& fields() { return writer_; }
  // Adds `type` and closes the object; returns the finished line.
  std::string Finish(std::string_view type) &&;
  // Adds `type` and closes the object; the line stays in the buffer (valid until it changes).
  std::string_view FinishInPlace(std::string_view type);

 private:
  void Start(Level level, std::string_view message, std::string_view module, SystemTime when);

  std::string own_;
  std::string& line_;
  JsonWriter writer_;
};

}  // namespace llm::logging
