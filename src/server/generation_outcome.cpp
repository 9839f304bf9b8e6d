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

std::string NewCompletionId(const std::string& prefix) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<int> pick(0, sizeof(kAlphabet) - 2);
  std::string id = prefix;
  for (int i = 0; i < 24; ++i) id += kAlphabet[pick(rng)];
  return id;
}

}  // namespace llm::server
