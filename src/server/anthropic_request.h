// Anthropic's Messages API requests (POST /v1/messages and /v1/messages/count_tokens) read
// into the pipeline's GenerationRequest: `system` and `messages` (text, tool_use and
// tool_result blocks) become the conversation in the chat template's OpenAI shapes, `tools`
// and `tool_choice` the ToolRequest, `thinking` the template's enable_thinking. Parsing never
// throws; the first problem is a 400 naming the field.
#pragma once

#include <optional>

#include "nlohmann/json_fwd.hpp"
#include "server/api_error.h"
#include "server/generation_request.h"

namespace llm::server {

// POST /v1/messages: model and max_tokens (both required, as Anthropic requires them),
// system, messages, stop_sequences, temperature (0..1), top_p, top_k, tools, tool_choice,
// thinking, stream; metadata and service_tier accepted and ignored. `ordered` (may be null)
// is the body in the client's key order, from which tool input schemas are taken.
std::optional<ApiError> ParseAnthropicMessages(const nlohmann::json& body, GenerationRequest* out,
                                               const nlohmann::ordered_json* ordered = nullptr);

// POST /v1/messages/count_tokens: the prompt's fields only (model, system, messages, tools,
// tool_choice, thinking).
std::optional<ApiError> ParseAnthropicCountTokens(const nlohmann::json& body, GenerationRequest* out,
                                                  const nlohmann::ordered_json* ordered = nullptr);

}  // namespace llm::server
