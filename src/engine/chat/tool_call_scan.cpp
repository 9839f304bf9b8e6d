// Scanning helpers shared by the tool-call parsers.
#include "engine/chat/tool_call_scan_internal.h"

namespace llm::engine::tool_scan {
namespace {

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Arguments as an object: the object itself, or a string holding a JSON object.
std::optional<nlohmann::ordered_json> ArgumentsOf(const nlohmann::ordered_json& value) {
  if (value.is_object()) return value;
  if (!value.is_string()) return std::nullopt;
  auto parsed = nlohmann::ordered_json::parse(value.get<std::string>(), nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
  return parsed;
}

}  // namespace

std::string_view TrimLeft(std::string_view text) {
  while (!text.empty() && IsAsciiSpace(text.front())) text.remove_prefix(1);
  return text;
}

std::string_view Trim(std::string_view text) {
  text = TrimLeft(text);
  while (!text.empty() && IsAsciiSpace(text.back())) text.remove_suffix(1);
  return text;
}

std::optional<size_t> JsonExtent(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return i + 1;
    }
  }
  return std::nullopt;
}

std::optional<ScannedJson> ScanJson(std::string_view text) {
  if (text.empty() || (text[0] != '{' && text[0] != '[')) return std::nullopt;
  const auto length = JsonExtent(text);
  if (!length) return std::nullopt;
  auto value = nlohmann::ordered_json::parse(text.substr(0, *length), nullptr, false);
  if (value.is_discarded()) return std::nullopt;
  return ScannedJson{std::move(value), *length};
}

std::optional<ToolCall> CallFromObject(const nlohmann::ordered_json& object,
                                       std::string_view args_key) {
  if (!object.is_object()) return std::nullopt;
  const auto name = object.find("name");
  if (name == object.end() || !name->is_string() || name->get<std::string>().empty()) {
    return std::nullopt;
  }
  const auto args = object.find(std::string(args_key));
  auto arguments = args == object.end() ? std::optional(nlohmann::ordered_json::object())
                                        : ArgumentsOf(*args);
  if (!arguments) return std::nullopt;
  ToolCall call{name->get<std::string>(), std::move(*arguments), {}};
  const auto id = object.find("id");
  if (id != object.end() && id->is_string()) call.id = id->get<std::string>();
  return call;
}

void AppendContent(std::string& content, std::string_view piece) {
  piece = Trim(piece);
  if (piece.empty()) return;
  if (!content.empty()) content += '\n';
  content += piece;
}

}  // namespace llm::engine::tool_scan
