// Log probabilities of generated tokens, as OpenAI's `logprobs` reports them: the log of the
// model's softmax over the whole vocabulary, taken from the raw logits (before logit_bias,
// penalties, temperature and truncation), so they describe the model, not the sampler.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace llm::engine {

// The most alternatives a request may ask for (OpenAI's top_logprobs limit).
inline constexpr int32_t kMaxTopLogprobs = 20;

struct TokenLogprob {
  int32_t id = -1;
  float logprob = 0;
  // The `top_n` most likely tokens with their log probabilities, most likely first (ties:
  // lower id first).
  std::vector<std::pair<int32_t, float>> top;
};

// The log probability of token `id` under softmax(logits), and the top_n (0..kMaxTopLogprobs)
// most likely tokens. A logit of -infinity gives -infinity; `id` must index `logits`.
TokenLogprob ComputeLogprob(std::span<const float> logits, int32_t id, int32_t top_n);

}  // namespace llm::engine
