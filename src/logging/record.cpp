#include "logging/record.h"

namespace llm::logging {

RecordBuilder::RecordBuilder(Level level, std::string_view message, std::string_view module)
    : RecordBuilder(level, message, module, std::chrono::system_clock::now()) {}

RecordBuilder::RecordBuilder(Level level, std::string_view message, std::string_view module,
                             SystemTime when)
    : line_(own_), writer_(own_) {
  own_.reserve(512);
  Start(level, message, module, when);
}

RecordBuilder::RecordBuilder(std::string& buffer, Level level, std::string_view message,
                             std::string_view module)
    : line_(buffer), writer_(buffer) {
  buffer.clear();
  Start(level, message, module, std::chrono::system_clock::now());
}

void RecordBuilder::Start(Level level, std::string_view message, std::string_view module,
                          SystemTime when) {
  line_ += "{\"timestamp\":\"";
  AppendIso8601Utc(when, line_);
  line_ += "\",\"level\":\"";
  line_ += LevelName(level);
  line_ += "\",\"message\":";
  AppendJsonString(message, line_);
  line_ += ",\"module\":";
  AppendJsonString(module, line_);
  writer_.ResumeObject();
}

std::string RecordBuilder::Finish(std::string_view type) && {
  FinishInPlace(type);
  return std::move(line_);
}

std::string_view RecordBuilder::FinishInPlace(std::string_view type) {
  writer_.Field("type", type);
  writer_.EndObject();
  return line_;
}

}  // namespace llm::logging
