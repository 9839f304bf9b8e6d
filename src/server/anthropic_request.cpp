#include "server/anthropic_request.h"

#include "nlohmann/json.hpp"
#include "server/request_fields.h"
#include "server/tool_fields.h"

namespace llm::server {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// Anthropic's range of temperature (OpenAI's goes to 2).
constexpr double kMaxAnthropicTemperature = 1.0;
// Anthropic's smallest thinking budget.
constexpr int64_t kMinThinkingBudget = 1024;
// The most stop sequences one request may give (as `stop` on the other routes).
constexpr size_t kMaxStopSequences = 16;
// Between the texts of consecutive text blocks of one message or of `system`.
constexpr std::string_view kBlockSeparator = "\n\n";

// The `type` string of an object ("" when it has none).
std::string BlockTypeOf(const json& v) {
  const json* t = v.is_object() ? GivenField(v, "type") : nullptr;
  return t != nullptr && t->is_string() ? t->get<std::string>() : "";
}

void AppendBlockText(std::string* to, const std::string& text) {
  if (!to->empty() && !text.empty()) *to += kBlockSeparator;
  *to += text;
}

// The text of a {"type": "text", "text"} block (cache_control and citations have no effect:
// prefixes are reused automatically and nothing is cited).
std::optional<ApiError> ReadTextBlockText(const json& block, const char* field, std::string* out) {
  const json* text = GivenField(block, "text");
  if (text == nullptr || !text->is_string()) {
    return InvalidRequest(std::string("a text block in '") + field + "' needs a 'text' string", field);
  }
  AppendBlockText(out, text->get<std::string>());
  return std::nullopt;
}

// The refusal of a content block the models here cannot read or the server cannot show.
ApiError UnsupportedBlock(const std::string& type, const char* field) {
  if (type.empty()) return InvalidRequest(std::string("each content block in '") + field + "' needs a 'type'", field);
  if (type == "image" || type == "document") {
    return InvalidRequest("'" + type + "' content blocks are not supported: the models served here read text only", field);
  }
  return InvalidRequest("content blocks of type '" + type + "' are not supported in '" + field + "'", field);
}

// `system`: a string or an array of text blocks.
std::optional<ApiError> ReadSystemPrompt(const json& body, std::string* out) {
  const json* v = GivenField(body, "system");
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) {
    *out = v->get<std::string>();
    return std::nullopt;
  }
  if (!v->is_array()) return InvalidRequest("'system' must be a string or an array of text blocks", "system");
  for (const json& block : *v) {
    const std::string type = BlockTypeOf(block);
    if (type != "text") return UnsupportedBlock(type, "system");
    if (auto e = ReadTextBlockText(block, "system", out)) return e;
  }
  return std::nullopt;
}

// The element `key` / `index` of an ordered document that mirrors the json being read (null
// when there is none).
const ordered_json* OrderedChild(const ordered_json* doc, const char* key) {
  if (doc == nullptr || !doc->is_object() || !doc->contains(key)) return nullptr;
  return &doc->at(key);
}
const ordered_json* OrderedChild(const ordered_json* doc, size_t index) {
  if (doc == nullptr || !doc->is_array() || index >= doc->size()) return nullptr;
  return &doc->at(index);
}

void PushChatMessage(GenerationRequest* out, const std::string& role, const std::string& content, ordered_json shaped) {
  out->messages.push_back(engine::ChatMessage{role, content});
  out->template_messages.push_back(std::move(shaped));
}

// A tool_result block: a `tool` message answering call `tool_use_id`; its content a string or
// text blocks; is_error shown to the model as an "Error: " prefix.
std::optional<ApiError> AddToolResult(const json& block, GenerationRequest* out) {
  const json* id = GivenField(block, "tool_use_id");
  if (id == nullptr || !id->is_string()) return InvalidRequest("a tool_result block needs a 'tool_use_id' string", "messages");
  std::string text;
  if (const json* content = GivenField(block, "content")) {
    if (content->is_string()) {
      text = content->get<std::string>();
    } else if (content->is_array()) {
      for (const json& part : *content) {
        const std::string type = BlockTypeOf(part);
        if (type != "text") return UnsupportedBlock(type, "messages");
        if (auto e = ReadTextBlockText(part, "messages", &text)) return e;
      }
    } else {
      return InvalidRequest("a tool_result's 'content' must be a string or an array of text blocks", "messages");
    }
  }
  const json* is_error = GivenField(block, "is_error");
  if (is_error != nullptr && !is_error->is_boolean()) return InvalidRequest("a tool_result's 'is_error' must be a boolean", "messages");
  if (is_error != nullptr && is_error->get<bool>()) text = "Error: " + text;
  PushChatMessage(out, "tool", text, {{"role", "tool"}, {"content", text}, {"tool_call_id", id->get<std::string>()}});
  out->has_tool_messages = true;
  return std::nullopt;
}

// A user turn of blocks: its tool results (as `tool` messages, first, as Anthropic orders
// them), then its text as one user message.
std::optional<ApiError> AddUserBlocks(const json& blocks, GenerationRequest* out) {
  std::string text;
  bool results = false;
  for (const json& block : blocks) {
    const std::string type = BlockTypeOf(block);
    if (type == "text") {
      if (auto e = ReadTextBlockText(block, "messages", &text)) return e;
    } else if (type == "tool_result") {
      if (auto e = AddToolResult(block, out)) return e;
      results = true;
    } else {
      return UnsupportedBlock(type, "messages");
    }
  }
  if (!text.empty() || !results) PushChatMessage(out, "user", text, {{"role", "user"}, {"content", text}});
  return std::nullopt;
}

// A tool_use block as the template's call {id, type, function {name, arguments: object}}.
std::optional<ApiError> ToolUseCall(const json& block, const ordered_json* ordered, ordered_json* out) {
  const char* shape = "a tool_use block needs 'id' and 'name' strings and an 'input' object";
  const json* id = GivenField(block, "id");
  const json* name = GivenField(block, "name");
  const json* input = GivenField(block, "input");
  if (id == nullptr || !id->is_string() || name == nullptr || !name->is_string() || name->get<std::string>().empty() ||
      input == nullptr || !input->is_object()) {
    return InvalidRequest(shape, "messages");
  }
  const ordered_json* ordered_input = OrderedChild(ordered, "input");
  ordered_json arguments = ordered_input != nullptr && ordered_input->is_object() ? *ordered_input
                                                                                   : ordered_json::parse(input->dump());
  *out = {{"id", *id}, {"type", "function"}, {"function", {{"name", *name}, {"arguments", std::move(arguments)}}}};
  return std::nullopt;
}

// An assistant turn of blocks: its text and tool calls as one message. Thinking blocks of
// earlier turns are dropped, as Anthropic drops them from the context.
std::optional<ApiError> AddAssistantBlocks(const json& blocks, const ordered_json* ordered, GenerationRequest* out) {
  std::string text;
  ordered_json calls = ordered_json::array();
  for (size_t i = 0; i < blocks.size(); ++i) {
    const std::string type = BlockTypeOf(blocks[i]);
    if (type == "text") {
      if (auto e = ReadTextBlockText(blocks[i], "messages", &text)) return e;
    } else if (type == "tool_use") {
      ordered_json call;
      if (auto e = ToolUseCall(blocks[i], OrderedChild(ordered, i), &call)) return e;
      calls.push_back(std::move(call));
    } else if (type != "thinking" && type != "redacted_thinking") {
      return UnsupportedBlock(type, "messages");
    }
  }
  ordered_json shaped = {{"role", "assistant"}, {"content", text}};
  if (!calls.empty()) {
    shaped["tool_calls"] = std::move(calls);
    out->has_tool_messages = true;
  }
  PushChatMessage(out, "assistant", text, std::move(shaped));
  return std::nullopt;
}

// One entry of `messages`: {role: user|assistant, content: string or blocks}.
std::optional<ApiError> AddMessageEntry(const json& m, const ordered_json* ordered, GenerationRequest* out) {
  if (!m.is_object()) return InvalidRequest("each message must be an object {role, content}", "messages");
  const json* role = GivenField(m, "role");
  const std::string r = role != nullptr && role->is_string() ? role->get<std::string>() : "";
  if (r != "user" && r != "assistant") {
    return InvalidRequest("a message's 'role' must be \"user\" or \"assistant\" (the system prompt is the "
                          "top-level 'system' field)", "messages");
  }
  const json* content = GivenField(m, "content");
  if (content != nullptr && content->is_string()) {
    PushChatMessage(out, r, content->get<std::string>(), {{"role", r}, {"content", content->get<std::string>()}});
    return std::nullopt;
  }
  if (content == nullptr || !content->is_array()) {
    return InvalidRequest("a message's 'content' must be a string or an array of content blocks", "messages");
  }
  if (r == "user") return AddUserBlocks(*content, out);
  return AddAssistantBlocks(*content, OrderedChild(ordered, "content"), out);
}

// `system` then `messages`, in the template's shapes; the last message must be the user's
// (a partial assistant reply to continue, Anthropic's prefill, is not supported).
std::optional<ApiError> ReadConversation(const json& body, const ordered_json* ordered, GenerationRequest* out) {
  std::string system;
  if (auto e = ReadSystemPrompt(body, &system)) return e;
  out->template_messages = ordered_json::array();
  if (!system.empty()) PushChatMessage(out, "system", system, {{"role", "system"}, {"content", system}});
  const json* v = GivenField(body, "messages");
  if (v == nullptr) return InvalidRequest("'messages' is required", "messages");
  if (!v->is_array() || v->empty()) return InvalidRequest("'messages' must be a non-empty array", "messages");
  const ordered_json* ordered_messages = OrderedChild(ordered, "messages");
  for (size_t i = 0; i < v->size(); ++i) {
    if (auto e = AddMessageEntry((*v)[i], OrderedChild(ordered_messages, i), out)) return e;
  }
  if (out->messages.back().role == "assistant") {
    return InvalidRequest("the last message must be the user's: continuing a partial assistant reply "
                          "(prefill) is not supported", "messages");
  }
  return std::nullopt;
}

// One of `tools` ({name, description?, input_schema}) in OpenAI's shape, from `ordered` (its
// copy in the client's key order) when at hand.
std::optional<ApiError> OpenAITool(const json& tool, const ordered_json* ordered, ordered_json* out) {
  const char* shape = "each tool must be {\"name\", \"description\", \"input_schema\": a JSON Schema object}";
  if (!tool.is_object()) return InvalidRequest(shape, "tools");
  const std::string type = GivenField(tool, "type") == nullptr ? "custom" : BlockTypeOf(tool);
  if (type != "custom") {
    return InvalidRequest("tools of type '" + type + "' (Anthropic's server tools) are not supported; define "
                          "client tools with name, description and input_schema", "tools");
  }
  const json* name = GivenField(tool, "name");
  const json* schema = GivenField(tool, "input_schema");
  const json* description = GivenField(tool, "description");
  if (name == nullptr || !name->is_string() || schema == nullptr || !schema->is_object() ||
      (description != nullptr && !description->is_string())) {
    return InvalidRequest(shape, "tools");
  }
  const ordered_json source = ordered != nullptr && ordered->is_object() ? *ordered : ordered_json::parse(tool.dump());
  ordered_json function = {{"name", source.at("name")}};
  if (description != nullptr) function["description"] = source.at("description");
  function["parameters"] = source.at("input_schema");
  *out = {{"type", "function"}, {"function", std::move(function)}};
  return std::nullopt;
}

// `tool_choice` ({type: auto|any|tool|none, name, disable_parallel_tool_use}) as OpenAI's
// tool_choice and parallel_tool_calls in `out`.
std::optional<ApiError> OpenAIToolChoice(const json& choice, ordered_json* out) {
  const char* shape = "'tool_choice' must be {\"type\": \"auto\" | \"any\" | \"none\"} or {\"type\": \"tool\", \"name\"}";
  const std::string type = BlockTypeOf(choice);
  if (type == "auto" || type == "none") {
    (*out)["tool_choice"] = type;
  } else if (type == "any") {
    (*out)["tool_choice"] = "required";
  } else if (type == "tool") {
    const json* name = GivenField(choice, "name");
    if (name == nullptr || !name->is_string() || name->get<std::string>().empty()) return InvalidRequest(shape, "tool_choice");
    (*out)["tool_choice"] = {{"type", "function"}, {"function", {{"name", *name}}}};
  } else {
    return InvalidRequest(shape, "tool_choice");
  }
  if (const json* off = GivenField(choice, "disable_parallel_tool_use")) {
    if (!off->is_boolean()) return InvalidRequest("'disable_parallel_tool_use' must be a boolean", "tool_choice");
    (*out)["parallel_tool_calls"] = !off->get<bool>();
  }
  return std::nullopt;
}

// `tools` and `tool_choice`, checked by the one reader of tool requests in OpenAI's shape.
std::optional<ApiError> ReadAnthropicTools(const json& body, const ordered_json* ordered, GenerationRequest* out) {
  ordered_json openai = ordered_json::object();
  if (const json* tools = GivenField(body, "tools")) {
    if (!tools->is_array()) return InvalidRequest("'tools' must be an array", "tools");
    openai["tools"] = ordered_json::array();
    const ordered_json* ordered_tools = OrderedChild(ordered, "tools");
    for (size_t i = 0; i < tools->size(); ++i) {
      ordered_json tool;
      if (auto e = OpenAITool((*tools)[i], OrderedChild(ordered_tools, i), &tool)) return e;
      openai["tools"].push_back(std::move(tool));
    }
  }
  if (const json* choice = GivenField(body, "tool_choice")) {
    if (auto e = OpenAIToolChoice(*choice, &openai)) return e;
  }
  return ReadToolFields(json::parse(openai.dump()), &out->tools, &openai);
}

// `thinking`: {"type": "enabled", "budget_tokens"} or {"type": "disabled"}, as the template's
// enable_thinking. The budget is checked as Anthropic checks it (at least 1024, below
// max_tokens when `max_tokens` > 0); max_tokens bounds the reasoning and the answer together.
std::optional<ApiError> ReadThinkingField(const json& body, int32_t max_tokens, GenerationRequest* out) {
  const json* v = GivenField(body, "thinking");
  if (v == nullptr) return std::nullopt;
  const char* shape = "'thinking' must be {\"type\": \"enabled\", \"budget_tokens\": N} or {\"type\": \"disabled\"}";
  const std::string type = BlockTypeOf(*v);
  if (type == "disabled") {
    out->template_kwargs = {{"enable_thinking", false}};
    return std::nullopt;
  }
  if (type != "enabled") return InvalidRequest(shape, "thinking");
  int64_t budget = -1;
  if (auto e = ReadInt(*v, "budget_tokens", kMinThinkingBudget, kMaxTokensLimit, &budget)) {
    return InvalidRequest("'thinking." + e->message.substr(1), "thinking");
  }
  if (budget < 0) return InvalidRequest("'thinking.budget_tokens' is required when thinking is enabled", "thinking");
  if (max_tokens > 0 && budget >= max_tokens) {
    return InvalidRequest("'thinking.budget_tokens' must be less than 'max_tokens'", "thinking");
  }
  out->template_kwargs = {{"enable_thinking", true}};
  return std::nullopt;
}

// `stop_sequences`: an array of up to 16 strings; empty ones are ignored.
std::optional<ApiError> ReadStopSequences(const json& body, std::vector<std::string>* out) {
  const json* v = GivenField(body, "stop_sequences");
  if (v == nullptr) return std::nullopt;
  if (!v->is_array() || v->size() > kMaxStopSequences) {
    return InvalidRequest("'stop_sequences' must be an array of at most 16 strings", "stop_sequences");
  }
  for (const json& s : *v) {
    if (!s.is_string()) return InvalidRequest("'stop_sequences' must be an array of strings", "stop_sequences");
    if (!s.get<std::string>().empty()) out->push_back(s.get<std::string>());
  }
  return std::nullopt;
}

// What both routes read: the model (required), the conversation, tools and thinking.
std::optional<ApiError> ReadAnthropicPrompt(const json& body, GenerationRoute route, const ordered_json* ordered,
                                         GenerationRequest* out) {
  *out = GenerationRequest{};
  out->flavor = ApiFlavor::kAnthropic;
  out->kind = PromptKind::kChat;
  if (!body.is_object()) return InvalidRequest("the request body must be a JSON object");
  if (auto e = CheckRequestFields(body, route)) return e;
  if (auto e = ReadString(body, "model", &out->model)) return e;
  if (out->model.empty()) return InvalidRequest("'model' is required", "model");
  if (auto e = ReadConversation(body, ordered, out)) return e;
  return ReadAnthropicTools(body, ordered, out);
}

// The sampling options, stop sequences and stream of /v1/messages.
std::optional<ApiError> ReadAnthropicSampling(const json& body, GenerationRequest* out) {
  engine::SamplingParams& s = out->sampling;
  if (auto e = ReadNumber(body, "temperature", 0, kMaxAnthropicTemperature, &s.temperature)) return e;
  if (auto e = ReadNumber(body, "top_p", 0, 1, &s.top_p)) return e;
  int64_t top_k = s.top_k;
  if (auto e = ReadInt(body, "top_k", 0, 1 << 20, &top_k)) return e;
  s.top_k = static_cast<int32_t>(top_k);
  if (auto e = ReadStopSequences(body, &out->stop)) return e;
  return ReadBool(body, "stream", &out->stream);
}

}  // namespace

std::optional<ApiError> ParseAnthropicMessages(const json& body, GenerationRequest* out, const ordered_json* ordered) {
  if (auto e = ReadAnthropicPrompt(body, GenerationRoute::kAnthropicMessages, ordered, out)) return e;
  if (GivenField(body, "max_tokens") == nullptr) return InvalidRequest("'max_tokens' is required", "max_tokens");
  int64_t max_tokens = 0;
  if (auto e = ReadInt(body, "max_tokens", 1, kMaxTokensLimit, &max_tokens)) return e;
  out->max_tokens = static_cast<int32_t>(max_tokens);
  if (auto e = ReadThinkingField(body, out->max_tokens, out)) return e;
  return ReadAnthropicSampling(body, out);
}

std::optional<ApiError> ParseAnthropicCountTokens(const json& body, GenerationRequest* out,
                                                  const ordered_json* ordered) {
  if (auto e = ReadAnthropicPrompt(body, GenerationRoute::kAnthropicCountTokens, ordered, out)) return e;
  return ReadThinkingField(body, 0, out);
}

}  // namespace llm::server
