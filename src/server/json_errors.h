// The native error shape and the error_type names used across the API.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace llm::server {

namespace error_type {
inline constexpr std::string_view kInvalidRequest = "InvalidRequestError";       // 400
inline constexpr std::string_view kAuthentication = "AuthenticationError";       // 401
inline constexpr std::string_view kNotFound = "NotFoundError";                   // 404 route
inline constexpr std::string_view kModelNotFound = "ModelNotFoundError";         // 404 model
inline constexpr std::string_view kMethodNotAllowed = "MethodNotAllowedError";   // 405
inline constexpr std::string_view kPayloadTooLarge = "PayloadTooLargeError";     // 413
inline constexpr std::string_view kServerBusy = "ServerBusyError";               // 503
inline constexpr std::string_view kInternal = "InternalServerError";             // 500
}  // namespace error_type

// The `reason` of a security_event record (RequestContext::LogSecurityEvent).
namespace security_reason {
inline constexpr std::string_view kAuthFailed = "auth_failed";          // missing or wrong key
inline constexpr std::string_view kBodyTooLarge = "body_too_large";     // over MAX_BODY_BYTES
inline constexpr std::string_view kNestingTooDeep = "nesting_too_deep"; // JSON over the depth limit
inline constexpr std::string_view kBadFraming = "bad_framing";          // malformed HTTP framing
inline constexpr std::string_view kHeadersTooLarge = "headers_too_large"; // over MAX_HEADER_BYTES
inline constexpr std::string_view kPathTraversal = "path_traversal";    // "..", "%2e", "/" in a name
inline constexpr std::string_view kInjection = "injection";             // NUL, CR or LF in a name
}  // namespace security_reason

// {"error": message, "error_type": type, "request_id": id, "status_code": status}
nlohmann::json ErrorBody(int status, std::string_view error_type, std::string_view message,
                         std::string_view request_id);

// Whether `path` belongs to the Ollama-compatible API: under /api/ but not /api/v1/.
bool IsOllamaPath(std::string_view path);

// Whether `path` is one of Anthropic's Messages API (/v1/messages and below), whose errors
// have Anthropic's shape.
bool IsAnthropicPath(std::string_view path);

// The error body for a request to `path`: Anthropic's shape
//   {"type": "error", "error": {"type", "message"}, "request_id"}
// under /v1/messages, OpenAI's shape
//   {"error": {"message", "type", "param", "code"}}
// elsewhere under /v1/ (the OpenAI-compatible API), Ollama's {"error": message} on its paths
// (IsOllamaPath), the native ErrorBody everywhere else.
nlohmann::json ErrorBodyFor(std::string_view path, int status, std::string_view error_type,
                            std::string_view message, std::string_view request_id);

}  // namespace llm::server
