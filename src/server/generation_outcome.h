// The result of one generation as the API reports it (native and OpenAI shapes alike).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/model/session.h"

namespace llm::server {

// A tool call of the reply, as OpenAI reports it.
struct OutcomeToolCall {
  std::string id;         // "call_..." (or the model's own id)
  std::string name;
  std::string arguments;  // a JSON object, as text
};

// One generated token's log probability, as the APIs report it.
struct OutcomeLogprob {
  std::string token;  // the token's bytes as text (may be part of a UTF-8 sequence)
  float logprob = 0;
  std::vector<std::pair<std::string, float>> top;  // the alternatives, most likely first
};

// What a stream sends at once: answer text, reasoning text, and the log probabilities of the
// tokens generated since the previous delta (when asked for).
struct GenerationDelta {
  std::string content;
  std::string reasoning;
  std::vector<OutcomeLogprob> logprobs;
  bool empty() const { return content.empty() && reasoning.empty() && logprobs.empty(); }
};

struct GenerationOutcome {
  std::string request_id;
  std::string completion_id;  // "chatcmpl-..." / "cmpl-..." (OpenAI), else ""
  int64_t created_unix = 0;   // when the request was accepted
  std::string model;          // model file name
  std::string text;           // the generated text (after stop-string cutting)
  engine::FinishReason finish_reason = engine::FinishReason::kStop;
  std::string stop_string;  // the request's stop string that ended the reply ("" when none did)
  int64_t prompt_tokens = 0;
  int64_t cached_tokens = 0;  // prompt tokens whose K/V the slot's cache held already
  int64_t completion_tokens = 0;
  double generation_seconds = 0;  // slot granted -> generation finished
  double load_seconds = 0;        // getting the model (loading it when it was not in memory)
  engine::Timings timings;
  // The reply split: `content` is the answer -- the text without the reasoning of a thinking
  // model (when it is told apart) and without the tool calls.
  std::string content;
  std::string reasoning_content;
  int64_t reasoning_tokens = 0;  // generated tokens of the reasoning
  // With tools the reply was held back from the stream and parsed into `tool_calls`.
  bool tools_active = false;
  std::vector<OutcomeToolCall> tool_calls;
  // When logprobs were asked for: one per generated token (else empty, reported as null).
  bool logprobs_requested = false;
  std::vector<OutcomeLogprob> logprobs;
  // With `n` above 1: the other choices (index 1, 2, ...), each a whole reply of its own.
  std::vector<GenerationOutcome> more_choices;

  // Generated tokens of every choice, and of their reasoning.
  int64_t total_completion_tokens() const;
  int64_t total_reasoning_tokens() const;
};

// OpenAI's finish_reason: "stop", or "length" for every limit (max_tokens, context, timeout).
std::string OpenAIFinishReason(engine::FinishReason reason);

// A chat reply's finish_reason: "tool_calls" when a reply that stopped by itself holds calls,
// else OpenAIFinishReason.
std::string OpenAIChatFinishReason(const GenerationOutcome& o);

// A new OpenAI-style id: `prefix` followed by 24 random alphanumerics ("chatcmpl-", "cmpl-").
std::string NewCompletionId(const std::string& prefix);

}  // namespace llm::server
