#include "logging/record.h"

namespace llm::logging {

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "DEBUG";
    case Level::kInfo: return "INFO";
    case Level::kWarning: return "WARNING";
    case Level::kError: return "ERROR";
    case Level::kCritical: return "CRITICAL";
  }
  return "INFO";
}

RecordBuilder::RecordBuilder(Level level, std::string_view message, std::string_view module)
    : RecordBuilder(level, message, module, std::chrono::system_clock::now()) {}

RecordBuilder::RecordBuilder(Level level, std::string_view message, std::string_view module,
                             SystemTime when)
    : writer_(line_) {
  line_.reserve(512);
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
  writer_.Field("type", type);
  writer_.EndObject();
  return std::move(line_);
}

}  // namespace llm::logging
