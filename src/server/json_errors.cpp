#include "server/json_errors.h"

#include "server/anthropic_json.h"
#include "server/api_error.h"

namespace llm::server {

nlohmann::json ErrorBody(int status, std::string_view error_type, std::string_view message,
                         std::string_view request_id) {
  return {{"error", message},
          {"error_type", error_type},
          {"request_id", request_id},
          {"status_code", status}};
}

bool IsOllamaPath(std::string_view path) { return path.starts_with("/api/") && !path.starts_with("/api/v1/"); }
bool IsAnthropicPath(std::string_view path) { return path == "/v1/messages" || path.starts_with("/v1/messages/"); }

nlohmann::json ErrorBodyFor(std::string_view path, int status, std::string_view error_type,
                            std::string_view message, std::string_view request_id) {
  if (IsOllamaPath(path)) return {{"error", message}};
  if (!path.starts_with("/v1/")) return ErrorBody(status, error_type, message, request_id);
  if (IsAnthropicPath(path)) return AnthropicErrorBody(status, message, request_id);
  ApiError e;
  e.status = status;
  e.error_type = error_type;
  return {{"error",
           {{"message", message}, {"type", e.OpenAIType()}, {"param", nullptr}, {"code", nullptr}}}};
}

}  // namespace llm::server
