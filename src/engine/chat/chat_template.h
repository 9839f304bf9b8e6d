// Chat templates: recognises the family of a model's `tokenizer.chat_template` (a Jinja
// source) and renders conversations natively, byte for byte as the Jinja would.
// Families: ChatML (Qwen, SmolLM...), Llama 3 / 3.1 / 3.2, Llama 2, Mistral (Nemo, v0.3),
// Phi-3, Gemma (2 and 3), DeepSeek-R1, Zephyr (TinyLlama). No Jinja interpreter: tools and
// tool calls are ignored.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/status.h"
#include "engine/chat/template_style.h"

namespace llm::engine {

struct ChatMessage {
  std::string role;  // "system", "user" or "assistant"
  std::string content;
};

enum class ChatFamily {
  kChatML,
  kLlama3,
  kLlama2,
  kMistral,
  kPhi3,
  kGemma,
  kDeepSeekR1,
  kZephyr,
};

// The stable lower-case name of a family, e.g. "chatml", "llama3", "deepseek-r1".
std::string_view ChatFamilyName(ChatFamily family);

class ChatTemplate {
 public:
  // Recognises the family of a Jinja template source (whitespace does not matter); an empty
  // source means ChatML. Unsupported, quoting the start of the source, when unrecognised.
  static Result<ChatTemplate> FromSource(std::string_view jinja_source, std::string bos_token,
                                         std::string eos_token);
  // The plain ChatML template, for a model without a template.
  static ChatTemplate ChatML();

  // Renders the conversation, ending with the assistant's opening when add_generation_prompt.
  // InvalidArgument for an empty list, an unknown role, or a conversation the template refuses
  // (the message is the template's own, e.g. "System role not supported").
  Result<std::string> Render(std::span<const ChatMessage> messages,
                             bool add_generation_prompt) const;

  // Render for a tokenizer that adds BOS itself: as llama.cpp's server does, drops a leading
  // BOS text (when tokenizer_adds_bos) and a trailing EOS text, so BOS is never doubled.
  Result<std::string> RenderPrompt(std::span<const ChatMessage> messages,
                                   bool add_generation_prompt, bool tokenizer_adds_bos) const;

  ChatFamily family() const { return family_; }
  std::string_view family_name() const { return ChatFamilyName(family_); }
  const ChatTemplateStyle& style() const { return style_; }

 private:
  ChatTemplate(ChatFamily family, ChatTemplateStyle style, std::string bos, std::string eos)
      : family_(family), style_(std::move(style)), bos_(std::move(bos)), eos_(std::move(eos)) {}

  ChatFamily family_;
  ChatTemplateStyle style_;
  std::string bos_;
  std::string eos_;
};

}  // namespace llm::engine
