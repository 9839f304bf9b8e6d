#include "server/native_json.h"

#include "server/openai_json.h"

namespace llm::server {

using nlohmann::ordered_json;

std::string DumpJson(const ordered_json& j) { return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace); }

std::string SseEvent(const std::string& json_text) { return "data: " + json_text + "\n\n"; }

ordered_json TimingsJson(const engine::Timings& t) {
  return {{"prompt_n", t.prompt_n},
          {"prompt_ms", t.prompt_ms},
          {"prompt_per_second", t.prompt_per_second},
          {"predicted_n", t.predicted_n},
          {"predicted_ms", t.predicted_ms},
          {"predicted_per_second", t.predicted_per_second},
          {"time_to_first_token_ms", t.time_to_first_token_ms}};
}

namespace {

// The assistant message: its answer (null when only tool calls), the reasoning of a
// thinking model, and tool_calls [{id, name, arguments (a JSON object)}].
ordered_json NativeMessage(const GenerationOutcome& o) {
  ordered_json message = {{"role", "assistant"}, {"content", nullptr}};
  if (!o.content.empty() || o.tool_calls.empty()) message["content"] = o.content;
  if (!o.reasoning_content.empty()) message["reasoning_content"] = o.reasoning_content;
  if (o.tool_calls.empty()) return message;
  ordered_json calls = ordered_json::array();
  for (const OutcomeToolCall& c : o.tool_calls) {
    calls.push_back({{"id", c.id}, {"name", c.name}, {"arguments", ordered_json::parse(c.arguments)}});
  }
  message["tool_calls"] = std::move(calls);
  return message;
}

}  // namespace

ordered_json NativeResponse(const GenerationOutcome& o, PromptKind kind) {
  ordered_json j;
  if (kind == PromptKind::kChat) {
    j["message"] = NativeMessage(o);
  } else {
    j["response"] = o.text;
  }
  j["model"] = o.model;
  j["request_id"] = o.request_id;
  j["finish_reason"] = OpenAIChatFinishReason(o) == "tool_calls" ? "tool_calls"
                                                                   : engine::FinishReasonName(o.finish_reason);
  j["usage"] = UsageJson(o);
  j["generation_time"] = o.generation_seconds;
  j["timings"] = TimingsJson(o.timings);
  if (o.logprobs_requested) j["logprobs"] = LogprobEntriesJson(o.logprobs);
  return j;
}

std::string NativeDeltaEvent(const GenerationDelta& d, PromptKind kind, bool logprobs) {
  ordered_json j;
  if (kind == PromptKind::kChat) {
    j["message"] = {{"role", "assistant"}, {"content", d.content}};
    if (!d.reasoning.empty()) j["message"]["reasoning_content"] = d.reasoning;
  } else {
    j["response"] = d.content;
  }
  if (logprobs) j["logprobs"] = LogprobEntriesJson(d.logprobs);
  j["done"] = false;
  return SseEvent(DumpJson(j));
}

std::string NativeFinalEvent(const GenerationOutcome& o, PromptKind kind) {
  ordered_json j = NativeResponse(o, kind);
  j["done"] = true;
  return SseEvent(DumpJson(j));
}

std::string NativeErrorEvent(const ApiError& e, const std::string& request_id) {
  ordered_json j;
  j["error"] = {{"type", e.error_type}, {"message", e.message}, {"status_code", e.status}};
  j["request_id"] = request_id;
  j["done"] = true;
  return SseEvent(DumpJson(j));
}

}  // namespace llm::server
