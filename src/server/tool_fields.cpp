#include "server/tool_fields.h"
#include "server/request_fields.h"

#include <set>

namespace llm::server {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

bool IsNonEmptyString(const json* v) { return v != nullptr && v->is_string() && !v->get<std::string>().empty(); }

// One {type: "function", function: {name, description?, parameters?}}.
std::optional<ApiError> CheckTool(const json& tool, std::set<std::string>& names) {
  const char* shape = "each tool must be {\"type\": \"function\", \"function\": {\"name\", \"parameters\"}}";
  if (!tool.is_object() || tool.value("type", "") != "function") return InvalidRequest(shape, "tools");
  const json* function = GivenField(tool, "function");
  if (function == nullptr || !function->is_object() || !IsNonEmptyString(GivenField(*function, "name"))) {
    return InvalidRequest(shape, "tools");
  }
  if (const json* p = GivenField(*function, "parameters"); p != nullptr && !p->is_object()) {
    return InvalidRequest("a tool's 'parameters' must be a JSON Schema object", "tools");
  }
  if (const json* d = GivenField(*function, "description"); d != nullptr && !d->is_string()) {
    return InvalidRequest("a tool's 'description' must be a string", "tools");
  }
  if (!names.insert((*function)["name"].get<std::string>()).second) {
    return InvalidRequest("two tools are named '" + (*function)["name"].get<std::string>() + "'", "tools");
  }
  return std::nullopt;
}

std::optional<ApiError> ReadChoice(const json& v, const std::set<std::string>& names, ToolRequest* out) {
  using Choice = ToolRequest::Choice;
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s == "auto") out->choice = Choice::kAuto;
    else if (s == "none") out->choice = Choice::kNone;
    else if (s == "required") out->choice = Choice::kRequired;
    else return InvalidRequest("'tool_choice' must be auto, none, required or a function", "tool_choice");
  } else {
    const json* function = v.is_object() && v.value("type", "") == "function" ? GivenField(v, "function") : nullptr;
    if (function == nullptr || !function->is_object() || !IsNonEmptyString(GivenField(*function, "name"))) {
      return InvalidRequest("'tool_choice' must be auto, none, required or {\"type\": \"function\", "
                            "\"function\": {\"name\"}}", "tool_choice");
    }
    out->choice = Choice::kNamed;
    out->forced_name = (*function)["name"].get<std::string>();
    if (!names.contains(out->forced_name)) {
      return InvalidRequest("'tool_choice' names '" + out->forced_name + "', which is not among the tools",
                            "tool_choice");
    }
  }
  if (out->choice != Choice::kNone && out->choice != Choice::kAuto && names.empty()) {
    return InvalidRequest("'tool_choice' requires 'tools'", "tool_choice");
  }
  return std::nullopt;
}

// An assistant message's tool_calls, in the template's shape (arguments as an object).
std::optional<ApiError> TemplateToolCalls(const json& calls, ordered_json* out) {
  const char* shape = "an assistant message's 'tool_calls' must be [{\"id\", \"type\": \"function\", "
                      "\"function\": {\"name\", \"arguments\": JSON text}}]";
  if (!calls.is_array()) return InvalidRequest(shape, "messages");
  *out = ordered_json::array();
  for (const json& call : calls) {
    const json* function = call.is_object() ? GivenField(call, "function") : nullptr;
    if (function == nullptr || !function->is_object() || !IsNonEmptyString(GivenField(*function, "name"))) {
      return InvalidRequest(shape, "messages");
    }
    ordered_json arguments = ordered_json::object();
    if (const json* a = GivenField(*function, "arguments")) {
      if (!a->is_string()) return InvalidRequest(shape, "messages");
      arguments = ordered_json::parse(a->get<std::string>(), nullptr, false);
      if (arguments.is_discarded() || !arguments.is_object()) {
        return InvalidRequest("a tool call's 'arguments' must be a JSON object encoded as a string", "messages");
      }
    }
    ordered_json item = {{"type", "function"},
                         {"function", {{"name", (*function)["name"]}, {"arguments", std::move(arguments)}}}};
    if (const json* id = GivenField(call, "id"); id != nullptr && id->is_string()) item["id"] = *id;
    out->push_back(std::move(item));
  }
  return std::nullopt;
}

}  // namespace

std::optional<ApiError> ReadToolFields(const json& body, ToolRequest* out, const ordered_json* ordered) {
  *out = ToolRequest{};
  std::set<std::string> names;
  if (const json* tools = GivenField(body, "tools")) {
    if (!tools->is_array()) return InvalidRequest("'tools' must be an array", "tools");
    for (const json& tool : *tools) {
      if (auto e = CheckTool(tool, names)) return e;
    }
    if (!tools->empty()) {
      const bool in_order = ordered != nullptr && ordered->is_object() && ordered->contains("tools");
      out->tools = in_order ? ordered->at("tools") : ordered_json::parse(tools->dump());
    }
  }
  if (const json* choice = GivenField(body, "tool_choice")) {
    if (auto e = ReadChoice(*choice, names, out)) return e;
  }
  if (const json* parallel = GivenField(body, "parallel_tool_calls")) {
    if (!parallel->is_boolean()) return InvalidRequest("'parallel_tool_calls' must be a boolean", "parallel_tool_calls");
    out->parallel = parallel->get<bool>();
  }
  return std::nullopt;
}

std::optional<ApiError> TemplateMessage(const json& message, const std::string& role, const std::string& content,
                                        ordered_json* out) {
  *out = {{"role", role}, {"content", content}};
  if (role == "tool") {
    const json* id = GivenField(message, "tool_call_id");
    if (id == nullptr || !id->is_string()) {
      return InvalidRequest("a 'tool' message needs a 'tool_call_id' string", "messages");
    }
    (*out)["tool_call_id"] = *id;
  }
  if (const json* calls = GivenField(message, "tool_calls")) {
    if (role != "assistant") return InvalidRequest("only assistant messages carry 'tool_calls'", "messages");
    ordered_json template_calls;
    if (auto e = TemplateToolCalls(*calls, &template_calls)) return e;
    if (!template_calls.empty()) (*out)["tool_calls"] = std::move(template_calls);
  }
  return std::nullopt;
}

}  // namespace llm::server
