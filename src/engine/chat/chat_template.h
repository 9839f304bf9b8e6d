// Chat templates: renders a model's own `tokenizer.chat_template` (a Jinja source) with the
// Jinja interpreter of jinja_template.h, byte for byte as Hugging Face transformers does, and
// names its family when it is one the recogniser knows: ChatML (Qwen, SmolLM...), Llama 3 /
// 3.1 / 3.2, Llama 2, Mistral (Nemo, v0.3), Phi-3, Gemma (2 and 3), DeepSeek-R1, Zephyr
// (TinyLlama). The native renderers of those families serve a model without a template
// (ChatML) and a template the interpreter cannot parse but the recogniser knows.
#pragma once

#include <ctime>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"
#include "engine/chat/template_style.h"
#include "engine/chat/tool_calls.h"

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
  kCustom,  // a template of no known family, rendered by the interpreter only
};

// OK for a non-empty conversation of system, user and assistant messages; InvalidArgument
// naming the first message that is not.
Status ValidateChatMessages(std::span<const ChatMessage> messages);

// The stable lower-case name of a family, e.g. "chatml", "llama3", "deepseek-r1".
std::string_view ChatFamilyName(ChatFamily family);

namespace jinja {
class Template;
}

// A conversation as the template sees it, in OpenAI's JSON shapes, as transformers'
// apply_chat_template passes it.
struct ChatTemplateRequest {
  nlohmann::ordered_json messages = nlohmann::ordered_json::array();
  nlohmann::ordered_json tools;  // an array, or null for none (the template sees None)
  // Extra template variables (enable_thinking, ...); a JSON object or null.
  nlohmann::ordered_json kwargs;
  bool add_generation_prompt = false;
  // The time `strftime_now` reads; empty: the template sees no `strftime_now`.
  std::function<std::tm()> clock;
};

// The local time now, as transformers' strftime_now reads it.
std::tm LocalTimeNow();
// A clock fixed at midnight of a "YYYY-MM-DD" date; InvalidArgument for another shape or an
// impossible date.
Result<std::function<std::tm()>> FixedDateClock(std::string_view date);

class ChatTemplate {
 public:
  // Parses a Jinja template source for the interpreter and recognises its family (kCustom
  // when none); an empty source means the native ChatML. A source the parser refuses is
  // rendered natively when its family is recognised; otherwise InvalidArgument naming the
  // line of the syntax error.
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

  // Renders a request of OpenAI-shaped messages, tools and extra variables with the template
  // itself (with bos_token and eos_token). InvalidArgument for a template error (the
  // template's own raise_exception message, or the error with its template line);
  // ResourceExhausted when the template exceeds the interpreter's limits; Unsupported for a
  // template only the native renderer handles.
  Result<std::string> RenderRequest(const ChatTemplateRequest& request) const;

  // The clock `strftime_now` reads in Render and RenderPrompt (the local time by default, as
  // in transformers); an empty function hides `strftime_now` from the template.
  void set_clock(std::function<std::tm()> clock) { clock_ = std::move(clock); }

  // Whether the interpreter renders this template (false: a native renderer does).
  bool interpreted() const { return jinja_ != nullptr; }
  ChatFamily family() const { return family_; }
  std::string_view family_name() const { return ChatFamilyName(family_); }
  const ChatTemplateStyle& style() const { return style_; }
  // The tool-call syntax the template teaches the model (generic JSON when it has none).
  ToolCallFormat tool_call_format() const { return tool_call_format_; }
  // Splits a reply generated after this template's generation prompt into content,
  // reasoning and tool calls of the template's format (see ParseToolCalls).
  ParsedReply ParseReply(std::string_view output) const {
    return ParseToolCalls(output, tool_call_format_, style_.think_after_prompt);
  }

 private:
  ChatTemplate(ChatFamily family, ChatTemplateStyle style, std::string bos, std::string eos)
      : family_(family), style_(std::move(style)), bos_(std::move(bos)), eos_(std::move(eos)) {}
  // The recogniser: the family and style of a source, Unsupported when unrecognised.
  static Result<ChatTemplate> Recognise(std::string_view source, std::string bos_token,
                                        std::string eos_token);
  // FromSource without the tool-call format: the interpreter's template, or the native
  // renderer of a recognised family whose source the parser refuses.
  static Result<ChatTemplate> Interpreted(std::string_view source, std::string bos_token,
                                          std::string eos_token);
  Result<std::string> RenderNative(std::span<const ChatMessage> messages,
                                   bool add_generation_prompt) const;

  std::shared_ptr<const jinja::Template> jinja_;
  std::function<std::tm()> clock_ = LocalTimeNow;
  ChatFamily family_;
  ChatTemplateStyle style_;
  ToolCallFormat tool_call_format_ = ToolCallFormat::kGenericJson;
  std::string bos_;
  std::string eos_;
};

}  // namespace llm::engine
