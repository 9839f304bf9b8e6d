// Native renderers, one per family, each equivalent to the Jinja templates of its family
// for conversations of plain system/user/assistant messages.
#include <string>

#include "engine/chat/chat_template.h"
#include "engine/chat/text_trim.h"

namespace llm::engine {
namespace {

using Messages = std::span<const ChatMessage>;

struct RenderInput {
  const ChatTemplateStyle& style;
  const std::string& bos;
  const std::string& eos;
  Messages messages;
  bool add_generation_prompt;
};

// Jinja's `trim` filter.
std::string Trim(std::string_view s) { return std::string(TrimPythonWhitespace(s)); }

bool IsUser(const ChatMessage& m) { return m.role == "user"; }

// The Jinja check `(role == 'user') != (index % 2 == 0)` over `messages`.
Status CheckAlternation(Messages messages, const std::string& error) {
  for (size_t i = 0; i < messages.size(); ++i) {
    if (IsUser(messages[i]) != (i % 2 == 0)) return Status::InvalidArgument(error);
  }
  return Status::Ok();
}

// The BOS text when the template opens with it.
std::string LeadingBos(const RenderInput& in) { return in.style.leading_bos ? in.bos : ""; }

Result<std::string> RenderChatML(const RenderInput& in) {
  const ChatTemplateStyle& s = in.style;
  std::string out = LeadingBos(in);
  auto turn = [&](std::string_view role, std::string_view content) {
    out.append("<|im_start|>").append(role).append(s.chatml_role_sep).append(content);
    out.append("<|im_end|>").append(s.chatml_turn_sep);
  };
  if (in.messages[0].role != "system" && !s.default_system.empty()) {
    turn("system", s.default_system);
  }
  for (const ChatMessage& m : in.messages) turn(m.role, m.content);
  if (in.add_generation_prompt) out.append("<|im_start|>assistant").append(s.chatml_role_sep);
  return out;
}

Result<std::string> RenderLlama3(const RenderInput& in) {
  std::string out = in.bos;
  Messages rest = in.messages;
  if (!in.style.llama3_preamble.empty()) {  // Llama 3.1+: a system turn always comes first
    std::string system;
    if (rest[0].role == "system") {
      system = Trim(rest[0].content);
      rest = rest.subspan(1);
    }
    out += "<|start_header_id|>system<|end_header_id|>\n\n" + in.style.llama3_preamble + system +
           "<|eot_id|>";
  }
  for (const ChatMessage& m : rest) {
    out += "<|start_header_id|>" + m.role + "<|end_header_id|>\n\n" + Trim(m.content) +
           "<|eot_id|>";
  }
  if (in.add_generation_prompt || in.style.llama3_prompt_always) {
    out += "<|start_header_id|>assistant<|end_header_id|>\n\n";
  }
  return out;
}

Result<std::string> RenderLlama2(const RenderInput& in) {
  Messages loop = in.messages;
  const bool has_system = loop[0].role == "system";
  if (has_system) loop = loop.subspan(1);
  LLM_RETURN_IF_ERROR(CheckAlternation(loop, in.style.alternate_error));
  std::string out;
  for (size_t i = 0; i < loop.size(); ++i) {
    std::string content = loop[i].content;
    if (i == 0 && has_system) {
      content = "<<SYS>>\n" + in.messages[0].content + "\n<</SYS>>\n\n" + content;
    }
    if (IsUser(loop[i])) {
      out += in.bos + "[INST] " + Trim(content) + " [/INST]";
    } else if (loop[i].role == "assistant") {
      // appends, not `" " + Trim(...)`: GCC 12 raises a false -Wrestrict alarm on the latter
      out.append(" ").append(Trim(content)).append(" ").append(in.eos);
    }
  }
  return out;
}

Result<std::string> RenderMistral(const RenderInput& in) {
  using Placement = ChatTemplateStyle::SystemPlacement;
  const ChatTemplateStyle& s = in.style;
  Messages loop = in.messages;
  const bool has_system = s.system_placement != Placement::kNone && loop[0].role == "system";
  if (has_system) loop = loop.subspan(1);
  LLM_RETURN_IF_ERROR(CheckAlternation(loop, s.alternate_error));
  std::string out = in.bos;
  for (size_t i = 0; i < loop.size(); ++i) {
    const ChatMessage& m = loop[i];
    if (IsUser(m)) {
      const size_t system_turn = s.system_placement == Placement::kLastUser ? loop.size() - 1 : 0;
      out += s.inst_open;
      if (has_system && i == system_turn) out.append(in.messages[0].content).append("\n\n");
      out.append(m.content).append(s.inst_close);
    } else if (m.role == "assistant") {
      if (s.assistant_space) out += ' ';
      out += s.assistant_trim ? Trim(m.content) : m.content;
      out += in.eos;
    } else {
      return Status::InvalidArgument(s.roles_error);
    }
  }
  return out;
}

// The first Phi-3 template: user turns end with the assistant header; no system turn.
std::string RenderPhi3First(const RenderInput& in) {
  std::string out = LeadingBos(in);
  for (const ChatMessage& m : in.messages) {
    if (IsUser(m)) {
      out.append("<|user|>\n").append(m.content).append("<|end|>\n<|assistant|>\n");
    } else if (m.role == "assistant") {
      out.append(m.content).append("<|end|>\n");
    }
  }
  return out;
}

Result<std::string> RenderPhi3(const RenderInput& in) {
  if (in.style.phi3_assistant_after_user) return RenderPhi3First(in);
  std::string out = LeadingBos(in);
  for (const ChatMessage& m : in.messages) {
    if (m.role == "system" && m.content.empty() && in.style.phi3_skip_empty_system) continue;
    out += "<|" + m.role + "|>\n" + m.content + "<|end|>\n";
  }
  out += in.add_generation_prompt ? "<|assistant|>\n" : in.eos;
  return out;
}

Result<std::string> RenderGemma(const RenderInput& in) {
  Messages loop = in.messages;
  std::string first_user_prefix;
  if (loop[0].role == "system") {
    if (in.style.refuses_system) return Status::InvalidArgument(in.style.system_error);
    first_user_prefix = loop[0].content + "\n\n";  // Gemma 3 folds it into the first turn
    loop = loop.subspan(1);
  }
  LLM_RETURN_IF_ERROR(CheckAlternation(loop, in.style.alternate_error));
  std::string out = in.bos;
  for (size_t i = 0; i < loop.size(); ++i) {
    const std::string role = loop[i].role == "assistant" ? "model" : loop[i].role;
    out += "<start_of_turn>" + role + "\n" + (i == 0 ? first_user_prefix : "") +
           Trim(loop[i].content) + "<end_of_turn>\n";
  }
  if (in.add_generation_prompt) out += "<start_of_turn>model\n";
  return out;
}

Result<std::string> RenderDeepSeekR1(const RenderInput& in) {
  std::string system;  // the template keeps the last system message, at the very start
  for (const ChatMessage& m : in.messages) {
    if (m.role == "system") system = m.content;
  }
  std::string out = in.bos + system;
  for (const ChatMessage& m : in.messages) {
    if (IsUser(m)) {
      out += "<｜User｜>" + m.content;
    } else if (m.role == "assistant") {
      constexpr std::string_view kThinkEnd = "</think>";
      const size_t think_end = m.content.rfind(kThinkEnd);
      const size_t answer_start = think_end == std::string::npos ? 0 : think_end + kThinkEnd.size();
      out.append("<｜Assistant｜>").append(m.content, answer_start).append("<｜end▁of▁sentence｜>");
    }
  }
  if (in.add_generation_prompt) {
    out += in.style.think_after_prompt ? "<｜Assistant｜><think>\n" : "<｜Assistant｜>";
  }
  return out;
}

Result<std::string> RenderZephyr(const RenderInput& in) {
  std::string out = LeadingBos(in);
  for (const ChatMessage& m : in.messages) {
    const ChatTemplateStyle::ZephyrTurn& turn = m.role == "system" ? in.style.zephyr_system
                                                : IsUser(m)         ? in.style.zephyr_user
                                                                    : in.style.zephyr_assistant;
    if (turn.open.empty()) continue;  // the template has no branch for this role
    out.append(turn.open).append(m.content);
    if (turn.eos) out += in.eos;
    if (turn.newline) out += '\n';
  }
  if (in.add_generation_prompt) out += in.style.zephyr_prompt;
  return out;
}

}  // namespace

Status ValidateChatMessages(std::span<const ChatMessage> messages) {
  if (messages.empty()) return Status::InvalidArgument("messages must not be empty");
  for (size_t i = 0; i < messages.size(); ++i) {
    const std::string& role = messages[i].role;
    if (role != "system" && role != "user" && role != "assistant") {
      return Status::InvalidArgument("messages[" + std::to_string(i) + "].role must be system, "
                                     "user or assistant, got \"" + role + "\"");
    }
  }
  return Status::Ok();
}

Result<std::string> ChatTemplate::RenderNative(std::span<const ChatMessage> messages,
                                               bool add_generation_prompt) const {
  LLM_RETURN_IF_ERROR(ValidateChatMessages(messages));
  const RenderInput in{style_, bos_, eos_, messages, add_generation_prompt};
  switch (family_) {
    case ChatFamily::kChatML: return RenderChatML(in);
    case ChatFamily::kLlama3: return RenderLlama3(in);
    case ChatFamily::kLlama2: return RenderLlama2(in);
    case ChatFamily::kMistral: return RenderMistral(in);
    case ChatFamily::kPhi3: return RenderPhi3(in);
    case ChatFamily::kGemma: return RenderGemma(in);
    case ChatFamily::kDeepSeekR1: return RenderDeepSeekR1(in);
    case ChatFamily::kZephyr: return RenderZephyr(in);
    case ChatFamily::kCustom: break;
  }
  return Status::Internal("unknown chat family");
}


}  // namespace llm::engine
