// The answer to a failed request, in the shape of the API it came through, with its `error`
// record: the one place error answers are built.
#pragma once

#include <string>

#include "server/api_error.h"
#include "server/generation_request.h"
#include "server/http_types.h"
#include "server/request_context.h"

namespace llm::server {

// Writes the `error` record of `e` (error_type, message, status_code, param) and answers
// e.status with `body` (a JSON text) and, for a 503, Retry-After.
Response ErrorAnswer(RequestContext& ctx, const ApiError& e, std::string body);

// The JSON body of `e` in a flavour's shape: OpenAI's {"error": {message, type, param, code}},
// Anthropic's {"type": "error", "error": {type, message}, "request_id"}, or the native
// {"error", "error_type", "request_id", "status_code"}.
std::string ErrorBodyText(ApiFlavor flavor, const ApiError& e, const std::string& request_id);

// ErrorAnswer with the flavour's body.
Response ErrorResponse(RequestContext& ctx, ApiFlavor flavor, const ApiError& e);

}  // namespace llm::server
