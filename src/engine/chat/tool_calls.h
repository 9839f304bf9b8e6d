// Tool calls in a model's reply: the text a model writes when it calls a tool, in the format
// its chat template teaches it, split back into the calls (name and JSON arguments), the
// remaining content and the reasoning of a thinking model.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace llm::engine {

// The tool-call syntaxes of the families people use.
enum class ToolCallFormat {
  kHermes,       // Hermes / Qwen: <tool_call>\n{"name": ..., "arguments": {...}}\n</tool_call>
  kLlama3Json,   // Llama 3.x: {"name": ..., "parameters": {...}}, maybe after <|python_tag|>
  kMistral,      // Mistral: [TOOL_CALLS][{"name": ..., "arguments": {...}, "id": ...}, ...]
  kDeepSeekR1,   // DeepSeek R1: <｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>...
  kGenericJson,  // no native syntax: {"tool_call": {...}} | {"tool_calls": [...]} | {"response": ...}
};

// One call as the model wrote it. `id` is the model's own (Mistral, generic JSON), else empty.
struct ToolCall {
  std::string name;
  nlohmann::ordered_json arguments = nlohmann::ordered_json::object();
  std::string id;
};

// A reply split into its parts; content and reasoning without surrounding whitespace.
struct ParsedReply {
  std::string content;
  std::string reasoning_content;
  std::vector<ToolCall> tool_calls;
};

// The format a chat template's Jinja source teaches the model, from the markers it writes:
// <tool_call> (Hermes), [TOOL_CALLS] (Mistral), <｜tool▁calls▁begin｜> (DeepSeek R1), a Llama 3
// header template with "parameters" (Llama 3.x JSON); any other source, the empty one
// included, gets the generic JSON format.
ToolCallFormat DetectToolCallFormat(std::string_view template_source);

// The stable lower-case name of a format: "hermes", "llama3_json", "mistral", "deepseek_r1",
// "generic_json".
std::string_view ToolCallFormatName(ToolCallFormat format);

// Splits a model's reply. A leading <think>...</think> block is reasoning; with
// `starts_in_reasoning` (templates whose prompt opens <think>, DeepSeek R1) everything before
// the first </think> is. Calls of `format` become tool_calls; a call block that is not valid
// JSON stays in the content verbatim, so nothing the model wrote is lost.
ParsedReply ParseToolCalls(std::string_view output, ToolCallFormat format,
                           bool starts_in_reasoning = false);

}  // namespace llm::engine
