// The logger: builds records and hands them to an asynchronous writer (AsyncWriter: a bounded
// queue whose producers WAIT when it is full, so nothing is dropped) feeding spdlog sinks:
// LOG_DIR/api.log (INFO and above, DEBUG too when DEBUG=True), LOG_DIR/errors.log (ERROR and
// CRITICAL) and, with DEBUG=True, the console. Records reach the files within one second
// (flushed every 200 ms); destroying the Logger drains the queue and flushes everything.
// Logging never throws into its caller. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "logging/level.h"
#include "logging/request_context.h"
#include "logging/rotating_file_sink.h"
#include "logging/settings.h"

namespace spdlog::sinks {
class sink;
}  // namespace spdlog::sinks

namespace llm::logging {

class AsyncWriter;

struct LogCounters {
  uint64_t records_written = 0;   // lines that reached api.log
  uint64_t records_dropped = 0;   // lines lost to write failures (api.log + errors.log)
  uint64_t errors_written = 0;    // lines that reached errors.log
  uint64_t rotations = 0;         // rotations of api.log and errors.log
  uint64_t queue_depth = 0;       // records waiting in the async queue
  uint64_t queue_capacity = 0;
};

class Logger {
 public:
  // Creates LOG_DIR if missing and opens its files; fails (naming the path and the reason)
  // when the directory cannot be created or written.
  static Result<std::unique_ptr<Logger>> Open(const LogSettings& settings);
  // A logger writing to the given sinks only (tests, benchmarks). `files` supply counters.
  static std::unique_ptr<Logger> WithSinks(const LogSettings& settings,
                                           std::vector<std::shared_ptr<spdlog::sinks::sink>> sinks,
                                           std::vector<std::shared_ptr<RotatingFileSink>> files);
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  const LogSettings& settings() const { return settings_; }
  // True when a record at `level` would be written (DEBUG only with DEBUG=True).
  bool ShouldLog(Level level) const;
  // True when request/response records are on (LOG_API_CALLS).
  bool api_calls() const { return settings_.api_calls; }

  // Queues one finished JSON line (from RecordBuilder); waits while the queue is full.
  void Write(Level level, std::string_view line);

  // A custom event: {"type": "custom_event", "event_type": ..., <fields>}. `fields` must be
  // an object or null; `ctx` (optional) adds the request fields.
  void LogEvent(std::string_view event_type, Level level, std::string_view message,
                const nlohmann::json& fields = nullptr, const RequestContext* ctx = nullptr,
                std::string_view module = "app");

  // An ERROR record of type "error" with error_type, error_message, status_code (when > 0)
  // and the request context.
  void LogError(std::string_view error_type, std::string_view error_message, int status_code,
                const RequestContext* ctx = nullptr, const nlohmann::json& fields = nullptr,
                std::string_view module = "server");

  // An ERROR record of type "exception" with exception_type, exception_message and
  // stack_trace.
  void LogException(std::string_view exception_type, std::string_view exception_message,
                    std::string_view stack_trace, const RequestContext* ctx = nullptr,
                    std::string_view module = "server");

  // Snapshot of the writer's counters (for /api/v1/health and server_stopped).
  LogCounters Counters() const;

  // Asks the writer to flush its files; returns at once.
  void Flush();

 private:
  Logger(const LogSettings& settings, std::vector<std::shared_ptr<spdlog::sinks::sink>> sinks,
         std::vector<std::shared_ptr<RotatingFileSink>> files);
  LogSettings settings_;
  std::vector<std::shared_ptr<RotatingFileSink>> files_;  // [0] api.log, [1] errors.log
  std::unique_ptr<AsyncWriter> writer_;
};

}  // namespace llm::logging
