// The details of one chat-template family that vary between the templates of that family,
// read from the Jinja source by the recogniser. Public only because chat_template.h holds one;
// nothing outside engine_chat reads it.
#pragma once

#include <string>

namespace llm::engine {

struct ChatTemplateStyle {
  // ChatML, Phi-3, Zephyr: the template opens with {{ bos_token }} (the others place BOS
  // themselves).
  bool leading_bos = false;
  // ChatML: the system turn emitted when the conversation has none (Qwen's), or empty; the
  // separator after the role ("\n", Phi-4's "<|im_sep|>") and after <|im_end|> ("\n" or none).
  std::string default_system;
  std::string chatml_role_sep = "\n";
  std::string chatml_turn_sep = "\n";
  // Phi-3: a system message with empty content is skipped (Phi-3.5's `and message['content']`).
  bool phi3_skip_empty_system = false;
  // The first Phi-3 template: no system turn, the assistant header written after every user
  // turn (so no generation prompt and no final EOS).
  bool phi3_assistant_after_user = false;
  // Llama 3.1+: "Cutting Knowledge Date: ...\nToday Date: ...\n\n" before the system message;
  // empty for Llama 3.0, which renders every message as a plain header turn.
  std::string llama3_preamble;
  // Llama 3.0's first template appends the assistant header whatever add_generation_prompt is.
  bool llama3_prompt_always = false;
  // Mistral: the [INST] delimiters exactly as the template's literals write them ("[INST]"
  // Nemo, "[INST] " v0.3, " [INST] " v0.1/v0.2), where the system message goes, and how an
  // answer is written (Nemo: content + eos; v0.1/v0.2: " " + content + eos; v0.3: " " +
  // trim(content) + eos).
  enum class SystemPlacement { kLastUser, kFirstUser, kNone };
  std::string inst_open = "[INST]";
  std::string inst_close = "[/INST]";
  SystemPlacement system_placement = SystemPlacement::kLastUser;
  bool assistant_space = false;
  bool assistant_trim = false;
  // Gemma: refuse a system message (Gemma 2) or fold it into the first user turn (Gemma 3).
  bool refuses_system = false;
  // Zephyr (TinyLlama, Zephyr): per role, the literal opening a turn ("<|user|>\n"), whether
  // EOS follows the content and whether a newline follows the turn (template layout); a role
  // with an empty opening is not rendered. The generation prompt as the template writes it.
  struct ZephyrTurn {
    std::string open;
    bool eos = false;
    bool newline = false;
  };
  ZephyrTurn zephyr_system, zephyr_user, zephyr_assistant;
  std::string zephyr_prompt = "<|assistant|>\n";
  // DeepSeek-R1: the generation prompt opens a thinking block.
  bool think_after_prompt = false;
  // The template's own error messages (raise_exception) for the conversations it refuses.
  std::string system_error = "System role not supported";
  std::string alternate_error =
      "Conversation roles must alternate user/assistant/user/assistant/...";
  std::string roles_error =
      "Only user and assistant roles are supported, with the exception of an initial optional "
      "system message!";
};

}  // namespace llm::engine
