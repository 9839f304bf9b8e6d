#include "server/generation_outcome.h"

#include <random>

namespace llm::server {

std::string OpenAIFinishReason(engine::FinishReason reason) {
  return reason == engine::FinishReason::kStop ? "stop" : "length";
}

std::string OpenAIChatFinishReason(const GenerationOutcome& o) {
  if (!o.tool_calls.empty() && o.finish_reason == engine::FinishReason::kStop) return "tool_calls";
  return OpenAIFinishReason(o.finish_reason);
}

int64_t GenerationOutcome::total_completion_tokens() const {
  int64_t n = completion_tokens;
  for (const GenerationOutcome& c : more_choices) n += c.completion_tokens;
  return n;
}

int64_t GenerationOutcome::total_reasoning_tokens() const {
  int64_t n = reasoning_tokens;
  for (const GenerationOutcome& c : more_choices) n += c.reasoning_tokens;
  return n;
}

std::string NewCompletionId(const std::string& prefix) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<int> pick(0, sizeof(kAlphabet) - 2);
  std::string id = prefix;
  for (int i = 0; i < 24; ++i) id += kAlphabet[pick(rng)];
  return id;
}

}  // namespace llm::server
