#include "server/error_answer.h"

#include "server/anthropic_json.h"
#include "server/json_errors.h"
#include "server/native_json.h"
#include "server/openai_json.h"

namespace llm::server {

Response ErrorAnswer(RequestContext& ctx, const ApiError& e, std::string body) {
  nlohmann::json extra = nullptr;
  if (!e.param.empty()) extra = {{"param", e.param}};
  ctx.LogError(e.status, e.error_type, e.message, extra);
  Response r;
  r.status = e.status;
  r.body = std::move(body);
  if (e.retry_after_seconds > 0) r.headers.emplace_back("Retry-After", std::to_string(e.retry_after_seconds));
  return r;
}

std::string ErrorBodyText(ApiFlavor flavor, const ApiError& e, const std::string& request_id) {
  if (flavor == ApiFlavor::kOpenAI) return DumpJson(OpenAIErrorBody(e));
  if (flavor == ApiFlavor::kOllama) return DumpJson(nlohmann::ordered_json{{"error", e.message}});
  if (flavor == ApiFlavor::kAnthropic) return DumpJson(AnthropicErrorBody(e.status, e.message, request_id));
  return ErrorBody(e.status, e.error_type, e.message, request_id).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response ErrorResponse(RequestContext& ctx, ApiFlavor flavor, const ApiError& e) {
  return ErrorAnswer(ctx, e, ErrorBodyText(flavor, e, ctx.request_id()));
}

}  // namespace llm::server
