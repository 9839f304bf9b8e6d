#include "server/api_error.h"

namespace llm::server {

std::string ApiError::OpenAIType() const {
  if (status == 401) return "authentication_error";
  if (status == 403) return "permission_error";
  if (status == 404) return "invalid_request_error";
  if (status == 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

ApiError InvalidRequest(std::string message, std::string param) {
  return ApiError{400, "InvalidRequestError", std::move(message), std::move(param), "", 0};
}

ApiError ModelNotFound(std::string message) {
  return ApiError{404, "ModelNotFoundError", std::move(message), "model", "model_not_found", 0};
}

ApiError AuthenticationFailed(std::string message) {
  return ApiError{401, "AuthenticationError", std::move(message), "", "invalid_api_key", 0};
}

ApiError ServerBusy(std::string message, int retry_after_seconds) {
  return ApiError{503, "ServerBusyError", std::move(message), "", "server_busy", retry_after_seconds};
}

ApiError ApiErrorFromStatus(const Status& status) {
  switch (status.code()) {
    case StatusCode::kNotFound:
      return ModelNotFound(status.message());
    case StatusCode::kInvalidArgument:
      return InvalidRequest(status.message());
    case StatusCode::kOutOfRange:
      return ApiError{400, "ContextLengthExceededError", status.message(), "", "context_length_exceeded", 0};
    case StatusCode::kResourceExhausted:
      return ServerBusy(status.message(), 1);
    case StatusCode::kCancelled:
      return ApiError{503, "ServiceUnavailableError", status.message(), "", "service_unavailable", 0};
    default:
      return ApiError{500, "GenerationError", status.message(), "", "internal_error", 0};
  }
}

ApiError ModelUnavailable(const Status& status, const std::string& name) {
  if (status.code() == StatusCode::kNotFound) return ApiErrorFromStatus(status);
  return ApiError{500, "ModelLoadError", "model '" + name + "' failed to load: " + status.message(), "model",
                  "model_load_failed", 0};
}

}  // namespace llm::server
