#include "server/request_context.h"

#include "server/json_errors.h"

namespace llm::server {

RequestContext::RequestContext(HttpRequest request, logging::RequestContext fields,
                               logging::Logger& logger)
    : request_(std::move(request)), fields_(std::move(fields)), logger_(logger) {}

Response RequestContext::Error(int status, std::string_view error_type, std::string_view message,
                               const nlohmann::json& extra) {
  LogError(status, error_type, message, extra);
  return Response::Json(status, ErrorBodyFor(request_.path, status, error_type, message,
                                              fields_.request_id));
}

void RequestContext::LogError(int status, std::string_view error_type, std::string_view message,
                              const nlohmann::json& extra) {
  error_logged_ = true;
  logger_.LogError(error_type, message, status, &fields_, extra);
}

void RequestContext::LogEvent(std::string_view event_type, logging::Level level,
                              std::string_view message, const nlohmann::json& fields,
                              std::string_view module) {
  logger_.LogEvent(event_type, level, message, fields, &fields_, module);
}

void RequestContext::LogSecurityEvent(std::string_view reason, std::string_view message,
                                      const nlohmann::json& extra) {
  nlohmann::json fields = extra.is_object() ? extra : nlohmann::json::object();
  fields["reason"] = reason;
  logger_.LogEvent("security_event", logging::Level::kWarning, message, fields, &fields_,
                   "security");
}

}  // namespace llm::server
