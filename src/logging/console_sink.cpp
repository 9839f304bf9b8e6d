#include "logging/console_sink.h"

#include <nlohmann/json.hpp>

namespace llm::logging {

namespace {

const char* LevelColour(const std::string& level) {
  if (level == "DEBUG") return "\x1b[36m";
  if (level == "WARNING") return "\x1b[33m";
  if (level == "ERROR") return "\x1b[31m";
  if (level == "CRITICAL") return "\x1b[1;31m";
  return "\x1b[32m";
}

std::string ValueText(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>()
                       : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string FormatReadable(std::string_view json_line, bool colour) {
  nlohmann::json record = nlohmann::json::parse(json_line, nullptr, false);
  if (!record.is_object()) return std::string(json_line);
  std::string ts = record.value("timestamp", "");
  std::string level = record.value("level", "INFO");
  std::string out = ts.size() >= 26 ? ts.substr(11, 15) : ts;
  out += ' ';
  if (colour) out += LevelColour(level);
  level.resize(8, ' ');
  out += level;
  if (colour) out += "\x1b[0m";
  out += ' ' + record.value("type", "log") + "  " + record.value("message", "");
  for (auto it = record.begin(); it != record.end(); ++it) {
    const std::string& k = it.key();
    if (k == "timestamp" || k == "level" || k == "type" || k == "message" || k == "module") continue;
    out += "  " + k + "=" + ValueText(it.value());
  }
  // The readable form must stay one line whatever a value holds.
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

void ConsoleSink::sink_it_(const spdlog::details::log_msg& msg) {
  std::string_view line(msg.payload.data(), msg.payload.size());
  if (readable_) {
    std::string text = FormatReadable(line, true);
    std::fwrite(text.data(), 1, text.size(), stream_);
  } else {
    std::fwrite(line.data(), 1, line.size(), stream_);
  }
  std::fputc('\n', stream_);
}

}  // namespace llm::logging
