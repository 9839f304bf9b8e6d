#include "server/native_json.h"

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

ordered_json NativeResponse(const GenerationOutcome& o, PromptKind kind) {
  ordered_json j;
  if (kind == PromptKind::kChat) {
    j["message"] = {{"role", "assistant"}, {"content", o.text}};
  } else {
    j["response"] = o.text;
  }
  j["model"] = o.model;
  j["request_id"] = o.request_id;
  j["finish_reason"] = engine::FinishReasonName(o.finish_reason);
  j["usage"] = {{"prompt_tokens", o.prompt_tokens},
                {"completion_tokens", o.completion_tokens},
                {"total_tokens", o.prompt_tokens + o.completion_tokens}};
  j["generation_time"] = o.generation_seconds;
  j["timings"] = TimingsJson(o.timings);
  return j;
}

std::string NativePieceEvent(std::string_view piece, PromptKind kind) {
  ordered_json j;
  if (kind == PromptKind::kChat) {
    j["message"] = {{"role", "assistant"}, {"content", piece}};
  } else {
    j["response"] = piece;
  }
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
