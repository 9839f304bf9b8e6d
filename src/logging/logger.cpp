#include "logging/logger.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include "logging/async_writer.h"
#include "logging/console_sink.h"
#include "logging/record.h"

namespace llm::logging {

namespace {

spdlog::level::level_enum ToSpdlog(Level level) {
  switch (level) {
    case Level::kDebug: return spdlog::level::debug;
    case Level::kInfo: return spdlog::level::info;
    case Level::kWarning: return spdlog::level::warn;
    case Level::kError: return spdlog::level::err;
    case Level::kCritical: return spdlog::level::critical;
  }
  return spdlog::level::info;
}

Status PrepareDirectory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("LOG_DIR '" + dir + "' cannot be created: " + ec.message());
  if (!std::filesystem::is_directory(dir, ec)) {
    return Status::IOError("LOG_DIR '" + dir + "' is not a directory");
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return Status::IOError("LOG_DIR '" + dir + "' is not writable: " + std::strerror(errno));
  }
  return Status::Ok();
}

void WriteContext(JsonWriter& w, const RequestContext* ctx) {
  if (ctx != nullptr) ctx->WriteFields(w);
}

void WriteObjectFields(JsonWriter& w, const nlohmann::json& fields) {
  if (!fields.is_object()) return;
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    w.Key(it.key());
    w.Json(it.value());
  }
}

constexpr auto kFlushInterval = std::chrono::milliseconds(200);

}  // namespace

void RequestContext::WriteFields(JsonWriter& w) const {
  w.Field("request_id", request_id);
  if (!trace_id.empty()) {
    w.Field("trace_id", trace_id);
    w.Field("span_id", span_id);
  }
  w.Field("method", method);
  w.Field("url", url);
  w.Field("endpoint", endpoint);
  w.Field("remote_addr", remote_addr);
  if (!api_key_name.empty()) w.Field("api_key_name", api_key_name);
}

Result<std::unique_ptr<Logger>> Logger::Open(const LogSettings& settings) {
  LLM_RETURN_IF_ERROR(PrepareDirectory(settings.dir));
  const std::string dir = settings.dir;
  LLM_ASSIGN_OR_RETURN(auto api, RotatingFileSink::Open(dir + "/api.log", settings.max_bytes,
                                                        settings.backup_count));
  LLM_ASSIGN_OR_RETURN(auto errors, RotatingFileSink::Open(dir + "/errors.log", settings.max_bytes,
                                                           settings.backup_count));
  api->set_level(settings.debug ? spdlog::level::debug : spdlog::level::info);
  errors->set_level(spdlog::level::err);
  std::vector<std::shared_ptr<spdlog::sinks::sink>> sinks = {api, errors};
  if (settings.debug) {
    auto console = std::make_shared<ConsoleSink>(stdout, ::isatty(STDOUT_FILENO) == 1);
    console->set_level(spdlog::level::debug);
    sinks.push_back(console);
  }
  return std::unique_ptr<Logger>(new Logger(settings, std::move(sinks), {api, errors}));
}

std::unique_ptr<Logger> Logger::WithSinks(const LogSettings& settings,
                                          std::vector<std::shared_ptr<spdlog::sinks::sink>> sinks,
                                          std::vector<std::shared_ptr<RotatingFileSink>> files) {
  return std::unique_ptr<Logger>(new Logger(settings, std::move(sinks), std::move(files)));
}

Logger::Logger(const LogSettings& settings, std::vector<std::shared_ptr<spdlog::sinks::sink>> sinks,
               std::vector<std::shared_ptr<RotatingFileSink>> files)
    : settings_(settings),
      files_(std::move(files)),
      writer_(std::make_unique<AsyncWriter>(std::move(sinks), settings.queue_records,
                                            kFlushInterval, size_t{16} << 20, settings.flush_always)) {}

Logger::~Logger() {
  writer_.reset();  // writes everything queued and flushes the sinks
}

bool Logger::ShouldLog(Level level) const {
  return level != Level::kDebug || settings_.debug;
}

void Logger::Write(Level level, std::string_view line) {
  if (!ShouldLog(level)) return;
  writer_->Push(ToSpdlog(level), line);
}

void Logger::LogEvent(std::string_view event_type, Level level, std::string_view message,
                      const nlohmann::json& fields, const RequestContext* ctx,
                      std::string_view module) {
  if (!ShouldLog(level)) return;
  RecordBuilder record(level, message, module);
  record.fields().Field("event_type", event_type);
  WriteContext(record.fields(), ctx);
  WriteObjectFields(record.fields(), fields);
  Write(level, std::move(record).Finish("custom_event"));
}

void Logger::LogError(std::string_view error_type, std::string_view error_message,
                      int status_code, const RequestContext* ctx, const nlohmann::json& fields,
                      std::string_view module) {
  RecordBuilder record(Level::kError, error_message, module);
  JsonWriter& w = record.fields();
  WriteContext(w, ctx);
  w.Field("error_type", error_type);
  w.Field("error_message", error_message);
  if (status_code > 0) w.Field("status_code", status_code);
  WriteObjectFields(w, fields);
  Write(Level::kError, std::move(record).Finish("error"));
}

void Logger::LogException(std::string_view exception_type, std::string_view exception_message,
                          std::string_view stack_trace, const RequestContext* ctx,
                          std::string_view module) {
  std::string message = "Unhandled exception: ";
  message += exception_message;
  RecordBuilder record(Level::kError, message, module);
  JsonWriter& w = record.fields();
  WriteContext(w, ctx);
  w.Field("exception_type", exception_type);
  w.Field("exception_message", exception_message);
  w.Field("stack_trace", stack_trace);
  Write(Level::kError, std::move(record).Finish("exception"));
}

LogCounters Logger::Counters() const {
  LogCounters c;
  for (size_t i = 0; i < files_.size(); ++i) {
    SinkCounters s = files_[i]->counters();
    if (i == 0) c.records_written = s.written;
    if (i == 1) c.errors_written = s.written;
    c.records_dropped += s.dropped;
    c.rotations += s.rotations;
  }
  c.queue_depth = writer_->depth();
  c.queue_capacity = writer_->capacity();
  return c;
}

void Logger::Flush() { writer_->RequestFlush(); }

}  // namespace llm::logging
