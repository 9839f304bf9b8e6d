// Scanning helpers shared by the tool-call parsers (internal to engine_chat).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "engine/chat/tool_calls.h"

namespace llm::engine::tool_scan {

// `text` without leading and trailing ASCII whitespace.
std::string_view Trim(std::string_view text);
// `text` without leading ASCII whitespace.
std::string_view TrimLeft(std::string_view text);

// The length of the JSON object or array that starts at text[0] ('{' or '['), found by
// matching brackets outside strings; nullopt when it never closes.
std::optional<size_t> JsonExtent(std::string_view text);

// The JSON value that starts at text[0] ('{' or '['), with its length; nullopt when it does
// not close or is not valid JSON.
struct ScannedJson {
  nlohmann::ordered_json value;
  size_t length = 0;
};
std::optional<ScannedJson> ScanJson(std::string_view text);

// A call from an object {"name": string, <args_key>: object | JSON string, "id"?: string};
// nullopt when the shape differs.
std::optional<ToolCall> CallFromObject(const nlohmann::ordered_json& object,
                                       std::string_view args_key);

// Appends `piece` to `content`, separated by a newline when both are non-empty.
void AppendContent(std::string& content, std::string_view piece);

}  // namespace llm::engine::tool_scan
