// The reasoning of a thinking model (<think>...</think>, as Qwen3 and the DeepSeek-R1
// distills write it) told apart from its answer while the reply streams, as llama-server's
// reasoning_format "deepseek" does: the reasoning without its tags and surrounding
// whitespace, the content after </think> without its leading whitespace.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace llm::engine {

class ReasoningStream {
 public:
  // `starts_in_reasoning`: the prompt ended inside a thinking block (its generation prompt
  // opened <think>), so the reply thinks until </think>. Otherwise the reply thinks only if it
  // opens with <think> (after whitespace).
  explicit ReasoningStream(bool starts_in_reasoning);

  struct Parts {
    std::string reasoning;
    std::string content;
    bool empty() const { return reasoning.empty() && content.empty(); }
  };

  // Adds generated text; returns what is known to be reasoning or content. Text that may
  // still turn out to be part of a tag, or whitespace that may end the reasoning, is held back.
  Parts Push(std::string_view text);
  // The held-back text at the end of the reply. A reply cut off while thinking is reasoning.
  Parts Finish();

  // Bytes of the reply (as pushed) up to the end of the reasoning -- through </think>, or all
  // of it while still thinking; 0 for a reply that does not think.
  size_t reasoning_bytes() const { return reasoning_bytes_; }
  // True once the reply is known to think.
  bool thinking_seen() const { return thinking_seen_; }

 private:
  enum class State { kStart, kReasoning, kContentStart, kContent };
  // Moves what can be decided from pending_ into `out`; false when it must wait for more.
  bool Step(Parts& out, bool final);

  State state_;
  std::string pending_;
  size_t pushed_ = 0;  // bytes pushed so far
  size_t reasoning_bytes_ = 0;
  bool reasoning_started_ = false;  // a reasoning byte went out (leading whitespace is dropped)
  bool thinking_seen_ = false;
};

}  // namespace llm::engine
