// The result of one generation as the API reports it (native and OpenAI shapes alike).
#pragma once

#include <cstdint>
#include <string>

#include "engine/model/session.h"

namespace llm::server {

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
};

// OpenAI's finish_reason: "stop", or "length" for every limit (max_tokens, context, timeout).
std::string OpenAIFinishReason(engine::FinishReason reason);

// A new OpenAI-style id: `prefix` followed by 24 random alphanumerics ("chatcmpl-", "cmpl-").
std::string NewCompletionId(const std::string& prefix);

}  // namespace llm::server
