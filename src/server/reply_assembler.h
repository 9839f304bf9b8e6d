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
#include "engine/chat/tool_call_stream.h"
#include "engine/sampling/logprobs.h"
#include "server/generation_outcome.h"

namespace llm::server {

// How the answer's text goes out while the reply streams.
struct ContentRelease {
  // With tools: the answer before the first place a call of this format could begin goes out
  // at once, the rest once the reply is parsed (engine::ToolCallStream).
  std::optional<engine::ToolCallFormat> tool_calls;
  bool hold_all = false;  // nothing goes out until the reply is parsed
};

class ReplyAssembler {
 public:
  // token_bytes: the bytes a token id stands for. split_reasoning: tell <think> reasoning
  // apart (starts_in_reasoning: the prompt opened the thinking block).
  ReplyAssembler(std::function<std::string(int32_t)> token_bytes, bool split_reasoning, bool starts_in_reasoning,
                 ContentRelease release = {});

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
  // The part of the parsed reply's answer (`final_content`) that no delta carried yet.
  std::string UnsentContent(std::string_view final_content) const;

 private:
  GenerationDelta Take(engine::ReasoningStream::Parts parts);

  std::function<std::string(int32_t)> token_bytes_;
  std::optional<engine::ReasoningStream> reasoning_stream_;
  std::optional<engine::ToolCallStream> tool_stream_;
  bool hold_all_ = false;
  std::vector<size_t> token_sizes_;  // bytes of each generated token (when telling reasoning apart)
  std::vector<OutcomeLogprob> pending_;  // logprobs not yet sent in a delta
  std::string content_;
  std::string reasoning_;
  std::vector<OutcomeLogprob> logprobs_;
};

}  // namespace llm::server
