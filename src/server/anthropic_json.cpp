#include "server/anthropic_json.h"

#include "server/native_json.h"

namespace llm::server {

using nlohmann::ordered_json;

std::string AnthropicErrorType(int status) {
  switch (status) {
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 413: return "request_too_large";
    case 429: return "rate_limit_error";
    case 503:
    case 529: return "overloaded_error";
    default: return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

ordered_json AnthropicErrorBody(int status, std::string_view message, std::string_view request_id) {
  return {{"type", "error"},
          {"error", {{"type", AnthropicErrorType(status)}, {"message", message}}},
          {"request_id", request_id}};
}

std::string AnthropicStopReason(const GenerationOutcome& o) {
  if (o.finish_reason != engine::FinishReason::kStop) return "max_tokens";
  if (!o.tool_calls.empty()) return "tool_use";
  return o.stop_string.empty() ? "end_turn" : "stop_sequence";
}

std::string AnthropicToolUseId(const std::string& call_id) {
  constexpr std::string_view kOpenAIPrefix = "call_";
  if (call_id.starts_with(kOpenAIPrefix)) return "toolu_" + call_id.substr(kOpenAIPrefix.size());
  return call_id;
}

namespace {

// A call's arguments (a JSON object as text) as the tool_use block's input object.
ordered_json ToolUseInput(const std::string& arguments) {
  ordered_json input = ordered_json::parse(arguments, nullptr, /*allow_exceptions=*/false);
  return input.is_object() ? input : ordered_json::object();
}

}  // namespace

ordered_json AnthropicContent(const GenerationOutcome& o) {
  ordered_json content = ordered_json::array();
  if (!o.reasoning_content.empty()) {
    content.push_back({{"type", "thinking"}, {"thinking", o.reasoning_content}, {"signature", ""}});
  }
  if (!o.content.empty()) content.push_back({{"type", "text"}, {"text", o.content}});
  for (const OutcomeToolCall& call : o.tool_calls) {
    content.push_back({{"type", "tool_use"},
                       {"id", AnthropicToolUseId(call.id)},
                       {"name", call.name},
                       {"input", ToolUseInput(call.arguments)}});
  }
  return content;
}

ordered_json AnthropicUsage(int64_t input_tokens, int64_t output_tokens) {
  return {{"input_tokens", input_tokens}, {"output_tokens", output_tokens}};
}

ordered_json AnthropicMessage(const std::string& id, const GenerationOutcome& o) {
  const std::string reason = AnthropicStopReason(o);
  return {{"id", id},
          {"type", "message"},
          {"role", "assistant"},
          {"model", o.model},
          {"content", AnthropicContent(o)},
          {"stop_reason", reason},
          {"stop_sequence", reason == "stop_sequence" ? ordered_json(o.stop_string) : ordered_json(nullptr)},
          {"usage", AnthropicUsage(o.prompt_tokens, o.completion_tokens)}};
}

std::string AnthropicEvent(std::string_view name, const ordered_json& data) {
  std::string out = "event: ";
  out.append(name);
  out += "\n";
  return out + SseEvent(DumpJson(data));
}

ordered_json AnthropicMessageStart(const std::string& id, const std::string& model, int64_t input_tokens) {
  ordered_json message = {{"id", id},
                          {"type", "message"},
                          {"role", "assistant"},
                          {"model", model},
                          {"content", ordered_json::array()},
                          {"stop_reason", nullptr},
                          {"stop_sequence", nullptr},
                          {"usage", AnthropicUsage(input_tokens, 0)}};
  return {{"type", "message_start"}, {"message", std::move(message)}};
}

}  // namespace llm::server
