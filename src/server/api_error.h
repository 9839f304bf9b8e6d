// ApiError: a failure answered to a client, with the error_type written to the logs and the
// fields of OpenAI's error shape {"error": {"message", "type", "param", "code"}}.
#pragma once

#include <string>

#include "core/status.h"

namespace llm::server {

struct ApiError {
  int status = 400;          // HTTP status code
  std::string error_type;    // log/native name: "InvalidRequestError", "ModelNotFoundError", ...
  std::string message;       // for a person; never contains a secret
  std::string param;         // the offending request field ("" when none)
  std::string code;          // OpenAI's code ("model_not_found", ...; "" when none)
  int retry_after_seconds = 0;  // > 0: send Retry-After (503)

  // OpenAI's `type`: "invalid_request_error", "authentication_error", "server_error"...
  std::string OpenAIType() const;
};

// 400 InvalidRequestError about `param`.
ApiError InvalidRequest(std::string message, std::string param = "");
// 404 ModelNotFoundError.
ApiError ModelNotFound(std::string message);
// 401 AuthenticationError.
ApiError AuthenticationFailed(std::string message);
// 503 ServerBusyError with Retry-After.
ApiError ServerBusy(std::string message, int retry_after_seconds);

// Maps a failure of the generation path to the answer: NotFound -> 404 ModelNotFoundError,
// InvalidArgument -> 400, OutOfRange -> 400 ContextLengthExceededError, ResourceExhausted ->
// 503 ServerBusyError, Cancelled -> 503 ServiceUnavailableError, others -> 500 GenerationError.
ApiError ApiErrorFromStatus(const Status& status);
// Why model `name` could not be had: 404 ModelNotFoundError when it is not a model of the
// directory, else 500 ModelLoadError with the loader's reason.
ApiError ModelUnavailable(const Status& status, const std::string& name);

}  // namespace llm::server
