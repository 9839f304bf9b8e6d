// OpenAI's tool-calling request fields: `tools`, `tool_choice`, `parallel_tool_calls`, and
// the assistant `tool_calls` / `tool` messages of a conversation's history.
#pragma once

#include <optional>
#include <string>

#include "nlohmann/json.hpp"
#include "server/api_error.h"

namespace llm::server {

struct ToolRequest {
  enum class Choice { kAuto, kNone, kRequired, kNamed };
  // The tools as OpenAI sends them ({type: "function", function: {name, description?,
  // parameters?}}), or null when the request has none.
  nlohmann::ordered_json tools;
  Choice choice = Choice::kAuto;
  std::string forced_name;  // kNamed: the function the reply must call
  bool parallel = true;     // false: at most one call per reply
  // Whether the reply is parsed for calls (tools given and tool_choice is not "none").
  bool active() const { return tools.is_array() && choice != Choice::kNone; }
  // Whether the reply must be a call (tool_choice "required" or a named function).
  bool forced() const { return active() && (choice == Choice::kRequired || choice == Choice::kNamed); }
};

// Reads tools, tool_choice and parallel_tool_calls from an OpenAI chat body; a 400 naming the
// field when one has the wrong shape, names a function twice, or tool_choice needs tools the
// request lacks or names a function that is not among them. The tools are taken from
// `ordered` (the body in the client's key order, may be null) when given, so the template
// renders them as the client wrote them.
std::optional<ApiError> ReadToolFields(const nlohmann::json& body, ToolRequest* out,
                                       const nlohmann::ordered_json* ordered = nullptr);

// One OpenAI message as the chat template sees it: an assistant message's `tool_calls`
// (arguments decoded from their JSON string into an object, as templates expect) and a
// `tool` message's `tool_call_id`; a 400 about `messages` for another shape. `content` is the
// message's text, already read.
std::optional<ApiError> TemplateMessage(const nlohmann::json& message, const std::string& role,
                                        const std::string& content, nlohmann::ordered_json* out);

}  // namespace llm::server
