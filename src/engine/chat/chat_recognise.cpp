// Recognition of a chat template's family and style from its Jinja source.
#include <algorithm>
#include <regex>
#include <vector>

#include "engine/chat/chat_template.h"
#include "engine/chat/template_source.h"

namespace llm::engine {
namespace {

// The messages of every raise_exception('...') in the source.
std::vector<std::string> RaisedMessages(std::string_view source) {
  std::vector<std::string> out;
  constexpr std::string_view kCall = "raise_exception(";
  for (size_t pos = source.find(kCall); pos != std::string_view::npos;
       pos = source.find(kCall, pos + 1)) {
    const std::string_view body = LiteralAt(source, SkipSpaces(source, pos + kCall.size()));
    if (!body.empty()) out.push_back(Unescape(body));
  }
  return out;
}

// The value of the first `name = "literal"` assignment in the source, or empty.
std::string AssignedLiteral(std::string_view source, std::string_view name) {
  for (size_t pos = source.find(name); pos != std::string_view::npos;
       pos = source.find(name, pos + 1)) {
    size_t at = SkipSpaces(source, pos + name.size());
    if (at >= source.size() || source[at] != '=' || source.substr(at, 2) == "==") continue;
    const std::string_view body = LiteralAt(source, SkipSpaces(source, at + 1));
    if (!body.empty()) return Unescape(body);
  }
  return {};
}

// ChatML: a literal '<|im_start|>system\n...<|im_end|>' holding a fixed default system prompt.
std::string DefaultChatMLSystem(std::string_view source) {
  constexpr std::string_view kOpen = "<|im_start|>system";
  for (size_t pos = source.find(kOpen); pos != std::string_view::npos;
       pos = source.find(kOpen, pos + 1)) {
    size_t start = pos + kOpen.size();
    if (source.substr(start, 2) == "\\n") {
      start += 2;
    } else if (source.substr(start, 1) == "\n") {
      start += 1;
    } else {
      continue;
    }
    const size_t end = source.find("<|im_end|>", start);
    if (end == std::string_view::npos) continue;
    const std::string_view body = source.substr(start, end - start);
    if (body.empty() || body.find_first_of("'\"+{}") != std::string_view::npos) continue;
    return Unescape(body);
  }
  return {};
}

// Llama 3.1+: "Cutting Knowledge Date: <month year>\nToday Date: <date_string>\n\n".
std::string Llama3Preamble(std::string_view source) {
  constexpr std::string_view kKnowledge = "Cutting Knowledge Date:";
  const size_t pos = source.find(kKnowledge);
  if (pos == std::string_view::npos) return {};
  const size_t end = source.find_first_of("\\'\"", pos);
  if (end == std::string_view::npos) return {};
  std::string date = AssignedLiteral(source, "date_string");
  if (date.empty()) date = "26 Jul 2024";
  return std::string(source.substr(pos, end - pos)) + "\nToday Date: " + date + "\n\n";
}

void ApplyRaisedMessages(std::string_view source, ChatTemplateStyle& style) {
  for (const std::string& message : RaisedMessages(source)) {
    if (Contains(message, "System role")) {
      style.system_error = message;
      style.refuses_system = true;
    } else if (Contains(message, "must alternate")) {
      style.alternate_error = message;
    } else if (Contains(message, "roles are supported")) {
      style.roles_error = message;
    }
  }
}

// The string literal that holds `marker` with nothing but spaces around it (e.g. ' [INST] '),
// or the bare marker when the source has no such literal.
std::string DelimiterLiteral(std::string_view source, std::string_view marker) {
  for (size_t pos = source.find(marker); pos != std::string_view::npos;
       pos = source.find(marker, pos + 1)) {
    size_t begin = pos;
    while (begin > 0 && source[begin - 1] == ' ') --begin;
    size_t end = pos + marker.size();
    while (end < source.size() && source[end] == ' ') ++end;
    if (begin == 0 || end >= source.size()) continue;
    const char quote = source[begin - 1];
    if ((quote == '\'' || quote == '"') && source[end] == quote) {
      return std::string(source.substr(begin, end - begin));
    }
  }
  return std::string(marker);
}

void ApplyMistralStyle(std::string_view source, std::string_view compact,
                       ChatTemplateStyle& style) {
  using Placement = ChatTemplateStyle::SystemPlacement;
  style.inst_open = DelimiterLiteral(source, "[INST]");
  style.inst_close = DelimiterLiteral(source, "[/INST]");
  if (Contains(compact, "loop.lastandsystem_message")) {
    style.system_placement = Placement::kLastUser;
  } else if (Contains(compact, "system_message")) {
    style.system_placement = Placement::kFirstUser;
  } else {
    style.system_placement = Placement::kNone;  // a system message breaks the alternation
  }
  // An answer written as ' ' + message['content'] (or message.content), maybe | trim.
  static const std::regex kSpacedAnswer(
      R"(['"] ['"]\s*\+\s*message(\[\s*['"]content['"]\s*\]|\.content)\s*(\|\s*trim)?)");
  std::match_results<std::string_view::const_iterator> match;
  if (std::regex_search(source.begin(), source.end(), match, kSpacedAnswer)) {
    style.assistant_space = true;
    style.assistant_trim = match[2].matched;
  }
}

// Zephyr: the expression that writes a turn of the role named by `marker`.
ChatTemplateStyle::ZephyrTurn ZephyrTurnOf(std::string_view source, std::string_view marker) {
  const auto tag = FindExpression(source, marker, "content", /*with_word=*/true);
  if (!tag) return {};
  return {tag->literal, Contains(tag->text, "eos_token"), tag->newline_after};
}

void ApplyZephyrStyle(std::string_view source, ChatTemplateStyle& style) {
  style.zephyr_system = ZephyrTurnOf(source, "<|system|>");
  style.zephyr_user = ZephyrTurnOf(source, "<|user|>");
  style.zephyr_assistant = ZephyrTurnOf(source, "<|assistant|>");
  const auto prompt = FindExpression(source, "<|assistant|>", "content", /*with_word=*/false);
  if (prompt) style.zephyr_prompt = prompt->literal + (prompt->newline_after ? "\n" : "");
}

// The family named by the markers of the compacted source, if any.
bool DetectFamily(std::string_view compact, ChatFamily& family) {
  if (Contains(compact, "<｜User｜>") && Contains(compact, "<｜Assistant｜>")) {
    family = ChatFamily::kDeepSeekR1;
  } else if (Contains(compact, "<|start_header_id|>") && Contains(compact, "<|eot_id|>")) {
    family = ChatFamily::kLlama3;
  } else if (Contains(compact, "<start_of_turn>") && Contains(compact, "<end_of_turn>")) {
    family = ChatFamily::kGemma;
  } else if (Contains(compact, "<|im_start|>") && Contains(compact, "<|im_end|>")) {
    family = ChatFamily::kChatML;
  } else if (Contains(compact, "<|user|>") && Contains(compact, "<|end|>")) {
    family = ChatFamily::kPhi3;
  } else if (Contains(compact, "<|user|>") && Contains(compact, "<|assistant|>")) {
    family = ChatFamily::kZephyr;
  } else if (Contains(compact, "[INST]") && Contains(compact, "<<SYS>>")) {
    family = ChatFamily::kLlama2;
  } else if (Contains(compact, "[INST]") && Contains(compact, "[/INST]")) {
    family = ChatFamily::kMistral;
  } else {
    return false;
  }
  return true;
}

// Everything that varies between the templates of `family`, read from the source.
ChatTemplateStyle StyleOf(ChatFamily family, std::string_view source, std::string_view compact) {
  ChatTemplateStyle style;
  ApplyRaisedMessages(source, style);
  style.leading_bos = compact.starts_with("{{bos_token}}") ||
                      compact.starts_with("{{-bos_token}}") ||
                      compact.starts_with("{{bos_token-}}");
  switch (family) {
    case ChatFamily::kChatML:
      style.default_system = DefaultChatMLSystem(source);
      if (Contains(compact, "<|im_sep|>")) {  // Phi-4
        style.chatml_role_sep = "<|im_sep|>";
        style.chatml_turn_sep = Contains(compact, "<|im_end|>\\n") ? "\n" : "";
      }
      break;
    case ChatFamily::kPhi3:
      style.phi3_skip_empty_system = Contains(compact, "=='system'andmessage['content']") ||
                                     Contains(compact, "==\"system\"andmessage[\"content\"]");
      style.phi3_assistant_after_user = Contains(compact, "'<|end|>'+'\\n'+'<|assistant|>'");
      break;
    case ChatFamily::kLlama3:
      style.llama3_preamble = Llama3Preamble(source);
      style.llama3_prompt_always = !Contains(compact, "add_generation_prompt");
      break;
    case ChatFamily::kMistral:
      ApplyMistralStyle(source, compact, style);
      break;
    case ChatFamily::kZephyr:
      ApplyZephyrStyle(source, style);
      break;
    case ChatFamily::kDeepSeekR1:
      style.think_after_prompt = Contains(compact, "<｜Assistant｜><think>");
      break;
    case ChatFamily::kLlama2:
    case ChatFamily::kGemma:
    case ChatFamily::kCustom:
      break;
  }
  return style;
}

// The first characters of the source on one line, to name an unrecognised template.
std::string Hint(std::string_view source) {
  std::string hint;
  for (char c : source.substr(0, 60)) hint.push_back(IsSpace(c) ? ' ' : c);
  return source.size() > 60 ? hint + "..." : hint;
}

}  // namespace

std::string_view ChatFamilyName(ChatFamily family) {
  switch (family) {
    case ChatFamily::kChatML: return "chatml";
    case ChatFamily::kLlama3: return "llama3";
    case ChatFamily::kLlama2: return "llama2";
    case ChatFamily::kMistral: return "mistral";
    case ChatFamily::kPhi3: return "phi3";
    case ChatFamily::kGemma: return "gemma";
    case ChatFamily::kDeepSeekR1: return "deepseek-r1";
    case ChatFamily::kZephyr: return "zephyr";
    case ChatFamily::kCustom: return "custom";
  }
  return "unknown";
}

ChatTemplate ChatTemplate::ChatML() {
  return ChatTemplate(ChatFamily::kChatML, ChatTemplateStyle{}, "", "<|im_end|>");
}

Result<ChatTemplate> ChatTemplate::Recognise(std::string_view source, std::string bos_token,
                                             std::string eos_token) {
  const std::string compact = Compact(source);
  if (compact.empty()) {
    return ChatTemplate(ChatFamily::kChatML, ChatTemplateStyle{}, std::move(bos_token),
                        std::move(eos_token));
  }
  ChatFamily family;
  if (!DetectFamily(compact, family)) {
    return Status::Unsupported("unrecognised chat template (not ChatML, Llama 2/3, Mistral, "
                               "Phi-3, Gemma, DeepSeek-R1 or Zephyr): \"" + Hint(source) + "\"");
  }
  ChatTemplateStyle style = StyleOf(family, source, compact);
  return ChatTemplate(family, std::move(style), std::move(bos_token), std::move(eos_token));
}

}  // namespace llm::engine
