// Anthropic's Messages API on the generation pipeline: the "message" object, its streamed
// events (message_start, content_block_start / _delta / _stop, message_delta, message_stop,
// error) and Anthropic's error shape.
#pragma once

#include <memory>

#include "server/api_adapter.h"

namespace llm::server {

// The adapter of one /v1/messages (or count_tokens) request, parsing with `parse`.
std::unique_ptr<ApiAdapter> MakeAnthropicAdapter(ParseFn parse);

}  // namespace llm::server
