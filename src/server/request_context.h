// The per-request context a route handler receives: request, ids, parsed JSON body, logger,
// and helpers that answer errors and write records carrying the request's fields.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "logging/logger.h"
#include "logging/request_context.h"
#include "server/http_types.h"

namespace llm::server {

class RequestContext {
 public:
  RequestContext(HttpRequest request, logging::RequestContext fields, logging::Logger& logger);

  const HttpRequest& request() const { return request_; }
  // request_id, trace_id/span_id, method, url, path, endpoint, remote_addr.
  const logging::RequestContext& log_fields() const { return fields_; }
  const std::string& request_id() const { return fields_.request_id; }
  // Values of "{name}" segments of the route's pattern.
  const std::map<std::string, std::string>& path_params() const { return path_params_; }
  // The parsed body for routes declared with json_body; null otherwise.
  const nlohmann::json& json() const { return json_; }
  logging::Logger& logger() const { return logger_; }
  // When the server received the request (steady clock).
  std::chrono::steady_clock::time_point start_time() const { return start_; }

  // Answers `status` in the native error shape
  //   {"error": <message>, "error_type": <type>, "request_id": <id>, "status_code": <status>}
  // and writes the `error` record (type "error", ERROR level, both files) with error_type,
  // error_message, status_code, the request fields and `extra` (an object or null).
  Response Error(int status, std::string_view error_type, std::string_view message,
                 const nlohmann::json& extra = nullptr);
  // Writes the `error` record only (for handlers that build their own error body, e.g. the
  // OpenAI error shape).
  void LogError(int status, std::string_view error_type, std::string_view message,
                const nlohmann::json& extra = nullptr);
  // A custom event carrying this request's fields, e.g.
  //   ctx.LogEvent("text_generation_success", Level::kInfo, "Text generation completed ...",
  //                {{"model_name", name}, {"generation_time", 2.34}});
  void LogEvent(std::string_view event_type, logging::Level level, std::string_view message,
                const nlohmann::json& fields = nullptr, std::string_view module = "route_handlers");

  // A `security_event` custom event (WARNING) for a request refused for a reason a security
  // review wants to see: `reason` is one of the security_reason names (json_errors.h), the
  // record carries the request fields (client address included) and `extra`.
  void LogSecurityEvent(std::string_view reason, std::string_view message,
                        const nlohmann::json& extra = nullptr);

  // Set by the server before the handler runs.
  void set_path_params(std::map<std::string, std::string> p) { path_params_ = std::move(p); }
  void set_json(nlohmann::json j) { json_ = std::move(j); }
  void set_endpoint(std::string endpoint) { fields_.endpoint = std::move(endpoint); }
  // True once Error()/LogError() wrote an error record for this request.
  bool error_logged() const { return error_logged_; }
  // Scratch space the server builds this request's records in (capacity reused).
  std::string& record_buffer() const { return record_buffer_; }

 private:
  HttpRequest request_;
  logging::RequestContext fields_;
  logging::Logger& logger_;
  std::map<std::string, std::string> path_params_;
  nlohmann::json json_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  bool error_logged_ = false;
  mutable std::string record_buffer_;
};

}  // namespace llm::server
