// Anthropic's Messages API JSON shapes: the "message" object and its content blocks, the
// events of a stream, and the error object.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "nlohmann/json.hpp"
#include "server/generation_outcome.h"

namespace llm::server {

// Anthropic's error type of an HTTP status: invalid_request_error (400 and the other 4xx),
// authentication_error (401), permission_error (403), not_found_error (404),
// request_too_large (413), rate_limit_error (429), overloaded_error (503, 529), api_error
// (the other 5xx).
std::string AnthropicErrorType(int status);

// {"type": "error", "error": {"type", "message"}, "request_id"}.
nlohmann::ordered_json AnthropicErrorBody(int status, std::string_view message, std::string_view request_id);

// stop_reason: "tool_use" when a reply that ended by itself holds calls, "stop_sequence" when
// one of stop_sequences ended it, "max_tokens" at any limit (max_tokens, the context, the
// time limit), else "end_turn".
std::string AnthropicStopReason(const GenerationOutcome& o);

// A tool call's id as Anthropic writes them: "call_..." becomes "toolu_...".
std::string AnthropicToolUseId(const std::string& call_id);

// The reply's content blocks: thinking {thinking, signature ""} when the reasoning was told
// apart, text when there is answer text, and a tool_use {id, name, input} per call.
nlohmann::ordered_json AnthropicContent(const GenerationOutcome& o);

// {"input_tokens", "output_tokens"}.
nlohmann::ordered_json AnthropicUsage(int64_t input_tokens, int64_t output_tokens);

// The "message" object of a whole reply with id `id`.
nlohmann::ordered_json AnthropicMessage(const std::string& id, const GenerationOutcome& o);

// "event: <name>\ndata: <json>\n\n": an SSE event of Anthropic's stream.
std::string AnthropicEvent(std::string_view name, const nlohmann::ordered_json& data);

// message_start: the message with empty content, null stop_reason and the prompt's usage.
nlohmann::ordered_json AnthropicMessageStart(const std::string& id, const std::string& model, int64_t input_tokens);

}  // namespace llm::server
