// The native API's JSON shapes (/api/v1/generate, /api/v1/chat and their SSE events).
#pragma once

#include <string>
#include <string_view>

#include "nlohmann/json.hpp"
#include "server/api_error.h"
#include "server/generation_outcome.h"
#include "server/generation_request.h"

namespace llm::server {

// The engine's --json timings object (prompt_n, prompt_ms, prompt_per_second, predicted_n,
// predicted_ms, predicted_per_second, time_to_first_token_ms).
nlohmann::ordered_json TimingsJson(const engine::Timings& t);

// The answer: `response` (text) or `message` {role, content, reasoning_content?,
// tool_calls?} (chat), model, request_id, finish_reason, usage, generation_time, timings, and
// `logprobs` when asked for.
nlohmann::ordered_json NativeResponse(const GenerationOutcome& o, PromptKind kind);

// One SSE event carrying a delta: {"response": text, "done": false} or, for chat,
// {"message": {"role": "assistant", "content": text, "reasoning_content"?}, "done": false};
// with `logprobs`, the delta's tokens in "logprobs".
std::string NativeDeltaEvent(const GenerationDelta& d, PromptKind kind, bool logprobs);
// The final SSE event: NativeResponse plus "done": true.
std::string NativeFinalEvent(const GenerationOutcome& o, PromptKind kind);
// An SSE event reporting a failure after the stream started: {"error": {...}, "done": true}.
std::string NativeErrorEvent(const ApiError& e, const std::string& request_id);

// "data: <json>\n\n".
std::string SseEvent(const std::string& json_text);
// JSON text with invalid UTF-8 replaced (never throws).
std::string DumpJson(const nlohmann::ordered_json& j);

}  // namespace llm::server
