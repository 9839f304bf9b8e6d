// Tool calls in a model's reply: reasoning split off, then the calls of the template's
// format parsed out of the remaining text.
#include "engine/chat/tool_calls.h"

#include <functional>
#include <optional>

#include "engine/chat/tool_call_scan_internal.h"
#include "engine/chat/tool_calls_internal.h"

namespace llm::engine {
namespace {

using tool_scan::AppendContent;
using tool_scan::CallFromObject;
using tool_scan::ScanJson;
using tool_scan::Trim;
using tool_scan::TrimLeft;

constexpr std::string_view kThinkOpen = "<think>";
constexpr std::string_view kThinkClose = "</think>";

// Moves a leading <think>...</think> (or, when the prompt opened it, everything up to the
// first </think>) from `text` to the reasoning.
std::string_view SplitReasoning(std::string_view text, bool starts_in_reasoning,
                                std::string& reasoning) {
  std::string_view rest = Trim(text);
  const bool opened = rest.starts_with(kThinkOpen);
  if (!opened && !starts_in_reasoning) return text;
  if (opened) rest.remove_prefix(kThinkOpen.size());
  const size_t end = rest.find(kThinkClose);
  if (end == std::string_view::npos) {
    if (!opened) return text;  // never closed: nothing marks it as reasoning
    reasoning = std::string(Trim(rest));  // a reply cut off while thinking
    return {};
  }
  reasoning = std::string(Trim(rest.substr(0, end)));
  return rest.substr(end + kThinkClose.size());
}

// Hermes: one {"name", "arguments"} object, then </tool_call>.
std::optional<ParsedBlock> ParseHermesBlock(std::string_view body) {
  constexpr std::string_view kClose = "</tool_call>";
  const std::string_view json_text = TrimLeft(body);
  const size_t skipped = body.size() - json_text.size();
  const auto json = ScanJson(json_text);
  if (!json) return std::nullopt;
  auto call = CallFromObject(json->value, "arguments");
  if (!call) return std::nullopt;
  size_t used = skipped + json->length;
  const std::string_view tail = body.substr(used);
  const size_t close = tail.find(kClose);
  if (close != std::string_view::npos && Trim(tail.substr(0, close)).empty()) {
    used += close + kClose.size();
  }
  return ParsedBlock{{std::move(*call)}, used};
}

// Mistral: a JSON array of {"name", "arguments", "id"}.
std::optional<ParsedBlock> ParseMistralBlock(std::string_view body) {
  const std::string_view json_text = TrimLeft(body);
  const size_t skipped = body.size() - json_text.size();
  const auto json = ScanJson(json_text);
  if (!json || !json->value.is_array() || json->value.empty()) return std::nullopt;
  ParsedBlock block{{}, skipped + json->length};
  for (const auto& item : json->value) {
    auto call = CallFromObject(item, "arguments");
    if (!call) return std::nullopt;
    block.calls.push_back(std::move(*call));
  }
  return block;
}

// Generic JSON: the whole reply is {"tool_call": {...}}, {"tool_calls": [...]} or
// {"response": "..."}; anything else is content.
ParsedReply ParseGenericJson(std::string_view text) {
  ParsedReply reply;
  const std::string_view trimmed = Trim(text);
  const auto json = ScanJson(trimmed);
  if (!json || json->length != trimmed.size() || !json->value.is_object()) {
    reply.content = std::string(trimmed);
    return reply;
  }
  const auto& object = json->value;
  if (object.contains("tool_call")) {
    if (auto call = CallFromObject(object["tool_call"], "arguments")) {
      reply.tool_calls.push_back(std::move(*call));
      return reply;
    }
  } else if (object.contains("tool_calls") && object["tool_calls"].is_array()) {
    for (const auto& item : object["tool_calls"]) {
      auto call = CallFromObject(item, "arguments");
      if (!call) return ParsedReply{std::string(trimmed), {}, {}};
      reply.tool_calls.push_back(std::move(*call));
    }
    return reply;
  } else if (object.size() == 1 && object.contains("response")) {
    const auto& response = object["response"];
    reply.content = response.is_string() ? response.get<std::string>() : response.dump();
    return reply;
  }
  reply.content = std::string(trimmed);
  return reply;
}

}  // namespace

ParsedReply SplitBlocks(std::string_view text, std::string_view open, const BlockParser& parse) {
  ParsedReply reply;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t at = text.find(open, pos);
    if (at == std::string_view::npos) break;
    AppendContent(reply.content, text.substr(pos, at - pos));
    const auto block = parse(text.substr(at + open.size()));
    if (!block) {  // not a call after all: the rest stays content, verbatim
      pos = at;
      break;
    }
    for (const ToolCall& call : block->calls) reply.tool_calls.push_back(call);
    pos = at + open.size() + block->used;
  }
  if (pos < text.size()) AppendContent(reply.content, text.substr(pos));
  return reply;
}

ToolCallFormat DetectToolCallFormat(std::string_view source) {
  const auto has = [source](std::string_view marker) {
    return source.find(marker) != std::string_view::npos;
  };
  if (has("<tool_call>")) return ToolCallFormat::kHermes;
  if (has("[TOOL_CALLS]")) return ToolCallFormat::kMistral;
  if (has("<｜tool▁calls▁begin｜>")) return ToolCallFormat::kDeepSeekR1;
  if (has("<|start_header_id|>") && has("parameters")) return ToolCallFormat::kLlama3Json;
  return ToolCallFormat::kGenericJson;
}

std::string_view ToolCallFormatName(ToolCallFormat format) {
  switch (format) {
    case ToolCallFormat::kHermes: return "hermes";
    case ToolCallFormat::kLlama3Json: return "llama3_json";
    case ToolCallFormat::kMistral: return "mistral";
    case ToolCallFormat::kDeepSeekR1: return "deepseek_r1";
    case ToolCallFormat::kGenericJson: return "generic_json";
  }
  return "unknown";
}

ParsedReply ParseToolCalls(std::string_view output, ToolCallFormat format,
                           bool starts_in_reasoning) {
  std::string reasoning;
  const std::string_view text = SplitReasoning(output, starts_in_reasoning, reasoning);
  ParsedReply reply;
  switch (format) {
    case ToolCallFormat::kHermes:
      reply = SplitBlocks(text, "<tool_call>", ParseHermesBlock);
      break;
    case ToolCallFormat::kMistral:
      reply = SplitBlocks(text, "[TOOL_CALLS]", ParseMistralBlock);
      break;
    case ToolCallFormat::kDeepSeekR1:
      reply = ParseDeepSeekR1(text);
      break;
    case ToolCallFormat::kLlama3Json:
      reply = ParseLlama3(text);
      break;
    case ToolCallFormat::kGenericJson:
      reply = ParseGenericJson(text);
      break;
  }
  reply.reasoning_content = std::move(reasoning);
  return reply;
}

}  // namespace llm::engine
