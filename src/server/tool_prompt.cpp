#include "server/tool_prompt.h"

#include <vector>

namespace llm::server {
namespace {

using nlohmann::ordered_json;

// The tools and the JSON reply format, for a template that has no tool syntax of its own.
std::string GenericToolInstruction(const ordered_json& tools) {
  ordered_json functions = ordered_json::array();
  for (const auto& tool : tools) functions.push_back(tool["function"]);
  return "You can call these tools (their parameters are JSON Schemas):\n" + functions.dump(2) +
         "\nTo call a tool, reply with only {\"tool_call\": {\"name\": \"<tool name>\", \"arguments\": {...}}}"
         " (several calls: {\"tool_calls\": [{\"name\": ..., \"arguments\": ...}, ...]}). "
         "Otherwise reply normally.";
}

// The conversation with the instruction in its system message (or, for a template that
// refuses one, at the start of the first message).
ordered_json WithInstruction(ordered_json messages, const std::string& instruction, bool refuses_system) {
  if (!messages.empty() && (messages[0]["role"] == "system" || refuses_system)) {
    ordered_json& first = messages[0];
    const std::string text = first["content"].is_string() ? first["content"].get<std::string>() : "";
    first["content"] = refuses_system && first["role"] != "system" ? instruction + "\n\n" + text
                                                                   : text + "\n\n" + instruction;
    return messages;
  }
  messages.insert(messages.begin(), ordered_json{{"role", "system"}, {"content", instruction}});
  return messages;
}

// A natively rendered template (a model without a template of its own gets ChatML): the
// generic instruction in the system message; tool calls and results in the history cannot
// be shown.
Result<std::string> RenderNativeToolPrompt(const GenerationRequest& request, const engine::ChatTemplate& tmpl) {
  if (request.has_tool_messages) {
    return Status::Unsupported("this model's chat template is rendered natively, which cannot show tool calls "
                               "and tool results");
  }
  std::vector<engine::ChatMessage> messages = request.messages;
  const std::string instruction = GenericToolInstruction(request.tools.tools);
  if (!messages.empty() && messages[0].role == "system") {
    messages[0].content += "\n\n" + instruction;
  } else if (tmpl.style().refuses_system) {
    messages[0].content = instruction + "\n\n" + messages[0].content;
  } else {
    messages.insert(messages.begin(), engine::ChatMessage{"system", instruction});
  }
  return tmpl.Render(messages, /*add_generation_prompt=*/true);
}

}  // namespace

Result<std::string> RenderChatRequest(const GenerationRequest& request, const engine::ChatTemplate& tmpl) {
  if (!tmpl.interpreted()) {
    if (!request.template_kwargs.is_null()) {
      return Status::Unsupported("this model's chat template is rendered natively, which takes no "
                                 "chat_template_kwargs");
    }
    return RenderNativeToolPrompt(request, tmpl);
  }
  engine::ChatTemplateRequest render;
  render.messages = request.template_messages;
  render.kwargs = request.template_kwargs;
  render.add_generation_prompt = true;
  render.clock = engine::LocalTimeNow;
  if (request.tools.tools.is_array()) {
    if (tmpl.tool_call_format() == engine::ToolCallFormat::kGenericJson) {
      render.messages = WithInstruction(std::move(render.messages), GenericToolInstruction(request.tools.tools),
                                        tmpl.style().refuses_system);
    } else {
      render.tools = request.tools.tools;
    }
  }
  return tmpl.RenderRequest(render);
}

void SplitToolReply(const ToolRequest& tools, const engine::ChatTemplate& tmpl, GenerationOutcome& outcome) {
  outcome.tools_active = true;
  engine::ParsedReply reply = tmpl.ParseReply(outcome.content);
  outcome.content = reply.reasoning_content.empty()
                        ? reply.content
                        : "<think>\n" + reply.reasoning_content + "\n</think>\n\n" + reply.content;
  if (!tools.parallel && reply.tool_calls.size() > 1) reply.tool_calls.resize(1);
  for (engine::ToolCall& call : reply.tool_calls) {
    outcome.tool_calls.push_back({call.id.empty() ? NewCompletionId("call_") : call.id, std::move(call.name),
                                  call.arguments.dump()});
  }
}

}  // namespace llm::server
