// The per-family tool-call parsers behind ParseToolCalls (internal to engine_chat).
#pragma once

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/chat/tool_calls.h"

namespace llm::engine {

// The calls of one block that follows an opening marker, and how many bytes of the text
// after the marker they used.
struct ParsedBlock {
  std::vector<ToolCall> calls;
  size_t used = 0;
};
using BlockParser = std::function<std::optional<ParsedBlock>(std::string_view after_open)>;

// Every block opened by `open` parsed by `parse`; the text around the blocks is content. The
// first block `parse` refuses ends the scan: from its marker on, the text stays content.
ParsedReply SplitBlocks(std::string_view text, std::string_view open, const BlockParser& parse);

// DeepSeek R1: <｜tool▁calls▁begin｜>, per call <｜tool▁call▁begin｜>function<｜tool▁sep｜>NAME
// \n```json\nARGS\n```<｜tool▁call▁end｜>, then <｜tool▁calls▁end｜>.
ParsedReply ParseDeepSeekR1(std::string_view text);

// Llama 3.x: the whole reply one {"name", "parameters"} object (maybe with "type":
// "function"), maybe after <|python_tag|>; or a built-in tool call
// <|python_tag|>NAME.call(key="value", ...). Any other reply is content.
ParsedReply ParseLlama3(std::string_view text);

}  // namespace llm::engine
