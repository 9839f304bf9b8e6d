// ReplyAssembler: turns what the engine generates -- tokens (with their log probabilities)
// and text pieces -- into the deltas a stream sends and the reply a complete answer gives:
// the reasoning of a thinking model told apart from the answer, and each delta carrying the
// log probabilities of the tokens generated since the previous one.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/chat/reasoning_stream.h"
#include "engine/sampling/logprobs.h"
#include "server/generation_outcome.h"

namespace llm::server {

class ReplyAssembler {
 public:
  // token_bytes: the bytes a token id stands for. split_reasoning: tell <think> reasoning
  // apart (starts_in_reasoning: the prompt opened the thinking block).
  ReplyAssembler(std::function<std::string(int32_t)> token_bytes, bool split_reasoning, bool starts_in_reasoning);

  // A generated token, before its text arrives (logprob: null when not asked for).
  void OnToken(int32_t id, const engine::TokenLogprob* logprob);
  // A piece of generated text; the delta it makes (maybe empty).
  GenerationDelta OnPiece(std::string_view piece);
  // The end of the generation: the held-back rest as a last delta (maybe empty).
  GenerationDelta Finish();

  // The whole reply so far: answer, reasoning, logprobs.
  const std::string& content() const { return content_; }
  const std::string& reasoning() const { return reasoning_; }
  std::vector<OutcomeLogprob>& logprobs() { return logprobs_; }
  // Generated tokens whose text began inside the reasoning.
  int64_t ReasoningTokens() const;

 private:
  GenerationDelta Take(engine::ReasoningStream::Parts parts);

  std::function<std::string(int32_t)> token_bytes_;
  std::optional<engine::ReasoningStream> reasoning_stream_;
  std::vector<size_t> token_sizes_;  // bytes of each generated token
  std::vector<OutcomeLogprob> pending_;  // logprobs not yet sent in a delta
  std::string content_;
  std::string reasoning_;
  std::vector<OutcomeLogprob> logprobs_;
};

}  // namespace llm::server
