// The tool-call parsers of the families with special tokens around their calls: DeepSeek R1
// and Llama 3.x (JSON calls and the built-in tools' Python-like calls).
#include <cctype>

#include "engine/chat/tool_call_scan_internal.h"
#include "engine/chat/tool_calls_internal.h"

namespace llm::engine {
namespace {

using tool_scan::ScanJson;
using tool_scan::Trim;
using tool_scan::TrimLeft;

// Removes `prefix` (after leading whitespace) from `text`; false when it is not there.
bool Consume(std::string_view& text, std::string_view prefix) {
  const std::string_view rest = TrimLeft(text);
  if (!rest.starts_with(prefix)) return false;
  text = rest.substr(prefix.size());
  return true;
}

// One DeepSeek call after <｜tool▁call▁begin｜>: TYPE<｜tool▁sep｜>NAME\n```json\nARGS\n```
// <｜tool▁call▁end｜>.
std::optional<ToolCall> DeepSeekCall(std::string_view& text) {
  constexpr std::string_view kSep = "<｜tool▁sep｜>";
  const size_t sep = text.find(kSep);
  if (sep == std::string_view::npos) return std::nullopt;
  text.remove_prefix(sep + kSep.size());
  const size_t newline = text.find('\n');
  if (newline == std::string_view::npos) return std::nullopt;
  ToolCall call{std::string(Trim(text.substr(0, newline))), {}, {}};
  text.remove_prefix(newline + 1);
  Consume(text, "```json");
  text = TrimLeft(text);
  const auto json = ScanJson(text);
  if (call.name.empty() || !json || !json->value.is_object()) return std::nullopt;
  call.arguments = json->value;
  text.remove_prefix(json->length);
  Consume(text, "```");
  if (!Consume(text, "<｜tool▁call▁end｜>")) return std::nullopt;
  return call;
}

std::optional<ParsedBlock> ParseDeepSeekBlock(std::string_view body) {
  std::string_view text = body;
  ParsedBlock block;
  while (Consume(text, "<｜tool▁call▁begin｜>")) {
    auto call = DeepSeekCall(text);
    if (!call) return std::nullopt;
    block.calls.push_back(std::move(*call));
  }
  if (block.calls.empty()) return std::nullopt;
  Consume(text, "<｜tool▁calls▁end｜>");
  block.used = body.size() - text.size();
  return block;
}

// A Python literal of a built-in call's argument: a quoted string, a number, True, False or
// None; nullopt for anything else.
std::optional<nlohmann::ordered_json> PythonLiteral(std::string_view& text) {
  if (text.empty()) return std::nullopt;
  const char quote = text[0];
  if (quote == '"' || quote == '\'') {
    std::string value;
    for (size_t i = 1; i < text.size(); ++i) {
      if (text[i] == '\\' && i + 1 < text.size()) {
        value += text[++i];
      } else if (text[i] == quote) {
        text.remove_prefix(i + 1);
        return nlohmann::ordered_json(value);
      } else {
        value += text[i];
      }
    }
    return std::nullopt;
  }
  const size_t end = text.find_first_of(",)");
  const std::string token(Trim(text.substr(0, end)));
  text.remove_prefix(end == std::string_view::npos ? text.size() : end);
  if (token == "True") return nlohmann::ordered_json(true);
  if (token == "False") return nlohmann::ordered_json(false);
  if (token == "None") return nlohmann::ordered_json(nullptr);
  auto number = nlohmann::ordered_json::parse(token, nullptr, false);
  if (number.is_discarded() || !number.is_number()) return std::nullopt;
  return number;
}

bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// NAME.call(key=value, ...) and nothing after it.
std::optional<ToolCall> BuiltinCall(std::string_view text) {
  size_t name_end = 0;
  while (name_end < text.size() && IsIdentChar(text[name_end])) ++name_end;
  ToolCall call{std::string(text.substr(0, name_end)), nlohmann::ordered_json::object(), {}};
  text.remove_prefix(name_end);
  if (call.name.empty() || !Consume(text, ".call(")) return std::nullopt;
  while (!Consume(text, ")")) {
    text = TrimLeft(text);
    size_t key_end = 0;
    while (key_end < text.size() && IsIdentChar(text[key_end])) ++key_end;
    const std::string key(text.substr(0, key_end));
    text.remove_prefix(key_end);
    if (key.empty() || !Consume(text, "=")) return std::nullopt;
    text = TrimLeft(text);
    auto value = PythonLiteral(text);
    if (!value) return std::nullopt;
    call.arguments[key] = std::move(*value);
    if (!Consume(text, ",") && !Trim(text).starts_with(")")) return std::nullopt;
  }
  if (!Trim(text).empty()) return std::nullopt;
  return call;
}

}  // namespace

ParsedReply ParseDeepSeekR1(std::string_view text) {
  return SplitBlocks(text, "<｜tool▁calls▁begin｜>", ParseDeepSeekBlock);
}

ParsedReply ParseLlama3(std::string_view text) {
  std::string_view rest = Trim(text);
  const bool tagged = Consume(rest, "<|python_tag|>");
  rest = Trim(rest);
  ParsedReply reply;
  const auto json = ScanJson(rest);
  if (json && json->length == rest.size() && json->value.is_object()) {
    const char* key = json->value.contains("parameters") ? "parameters" : "arguments";
    if (json->value.contains(key)) {
      if (auto call = tool_scan::CallFromObject(json->value, key)) {
        reply.tool_calls.push_back(std::move(*call));
        return reply;
      }
    }
  }
  if (tagged) {
    if (auto call = BuiltinCall(rest)) {
      reply.tool_calls.push_back(std::move(*call));
      return reply;
    }
  }
  reply.content = std::string(Trim(text));
  return reply;
}

}  // namespace llm::engine
