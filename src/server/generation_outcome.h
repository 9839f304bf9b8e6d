// The result of one generation as the API reports it (native and OpenAI shapes alike).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/model/session.h"

namespace llm::server {

// A tool call of the reply, as OpenAI reports it.
struct OutcomeToolCall {
  std::string id;         // "call_..." (or the model's own id)
  std::string name;
  std::string arguments;  // a JSON object, as text
};

struct GenerationOutcome {
  std::string request_id;
  std::string completion_id;  // "chatcmpl-..." / "cmpl-..." (OpenAI), else ""
  int64_t created_unix = 0;   // when the request was accepted
  std::string model;          // model file name
  std::string text;           // the generated text (after stop-string cutting)
  engine::FinishReason finish_reason = engine::FinishReason::kStop;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  double generation_seconds = 0;  // slot granted -> generation finished
  engine::Timings timings;
  // With tools: the reply was held back from the stream and split into `content` (the text
  // without the calls) and `tool_calls`.
  bool tools_active = false;
  std::string content;
  std::vector<OutcomeToolCall> tool_calls;
};

// OpenAI's finish_reason: "stop", or "length" for every limit (max_tokens, context, timeout).
std::string OpenAIFinishReason(engine::FinishReason reason);

// A chat reply's finish_reason: "tool_calls" when a reply that stopped by itself holds calls,
// else OpenAIFinishReason.
std::string OpenAIChatFinishReason(const GenerationOutcome& o);

// A new OpenAI-style id: `prefix` followed by 24 random alphanumerics ("chatcmpl-", "cmpl-").
std::string NewCompletionId(const std::string& prefix);

}  // namespace llm::server
