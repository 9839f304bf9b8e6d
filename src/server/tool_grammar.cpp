#include "server/tool_grammar.h"

#include <regex>
#include <string>

#include "engine/grammar/json_schema.h"

namespace llm::server {
namespace {

using nlohmann::ordered_json;
using Format = engine::ToolCallFormat;

// {"name": <const>, <args_key>: <parameters>} for one tool.
ordered_json CallSchema(const ordered_json& function, const char* args_key) {
  ordered_json parameters = function.contains("parameters") && function["parameters"].is_object()
                                ? function["parameters"]
                                : ordered_json{{"type", "object"}};
  return {{"type", "object"},
          {"properties", {{"name", {{"const", function["name"]}}}, {args_key, std::move(parameters)}}},
          {"required", {"name", args_key}},
          {"additionalProperties", false}};
}

// The schema of one call to any allowed tool.
ordered_json AllowedCallsSchema(const ToolRequest& tools, const char* args_key) {
  ordered_json options = ordered_json::array();
  for (const auto& tool : tools.tools) {
    const auto& function = tool["function"];
    if (tools.choice == ToolRequest::Choice::kNamed && function["name"] != tools.forced_name) continue;
    options.push_back(CallSchema(function, args_key));
  }
  if (options.size() == 1) return options[0];
  return {{"anyOf", options}};
}

// The wrapper around the rule `tool-call` (one call object) in each format. A forced reply
// holds exactly one call: a grammar that allowed more would let a weak model add calls until
// max_tokens cuts it.
Result<std::string> RootRule(Format format) {
  switch (format) {
    case Format::kHermes:
      return std::string(R"(root ::= "<tool_call>\n" tool-call "\n</tool_call>")");
    case Format::kLlama3Json:
      return std::string("root ::= tool-call");
    case Format::kMistral:
      return std::string(R"(root ::= "[TOOL_CALLS][" tool-call "]")");
    case Format::kGenericJson:
      return std::string(R"(root ::= "{\"tool_call\": " tool-call "}")");
    case Format::kDeepSeekR1:
      break;
  }
  return Status::Unsupported("no grammar for the " + std::string(engine::ToolCallFormatName(format)) +
                             " tool-call format");
}

// The compiled schema's start rule renamed `tool-call`, for the format's own root to use.
std::string RenameRoot(const std::string& gbnf) {
  static const std::regex kRootRule(R"((^|\n)root ::=)");
  return std::regex_replace(gbnf, kRootRule, "$1tool-call ::=");
}

// The one tool a DeepSeek R1 call may name (its name is outside the JSON, so the grammar is
// built for a single tool: the named function, or the only tool).
Result<const ordered_json*> SingleTool(const ToolRequest& tools) {
  const ordered_json* found = nullptr;
  for (const auto& tool : tools.tools) {
    if (tools.choice == ToolRequest::Choice::kNamed && tool["function"]["name"] != tools.forced_name) continue;
    if (found != nullptr) {
      return Status::Unsupported("tool_choice \"required\" with several tools is not enforced for the deepseek_r1 "
                                 "tool-call format; name one function");
    }
    found = &tool["function"];
  }
  return found;
}

// DeepSeek R1: one call block, NAME then the arguments in a ```json fence.
Result<std::shared_ptr<const engine::Grammar>> DeepSeekGrammar(const ToolRequest& tools) {
  LLM_ASSIGN_OR_RETURN(const ordered_json* function, SingleTool(tools));
  const ordered_json parameters = function->contains("parameters") ? (*function)["parameters"]
                                                                   : ordered_json{{"type", "object"}};
  Result<std::string> args = engine::JsonSchemaToGbnf(parameters.dump());
  if (!args.ok()) return Status::InvalidArgument("a tool's parameters schema: " + args.status().message());
  const std::string name = (*function)["name"].get<std::string>();
  const std::string root = R"(root ::= "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>" )" +
                           ordered_json(name).dump() + R"( "\n```json\n" tool-call "\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>")";
  return engine::ParseGrammar(root + "\n" + RenameRoot(*args));
}

}  // namespace

Result<std::shared_ptr<const engine::Grammar>> ToolCallGrammar(const ToolRequest& tools,
                                                               engine::ToolCallFormat format) {
  if (format == Format::kDeepSeekR1) return DeepSeekGrammar(tools);
  LLM_ASSIGN_OR_RETURN(std::string root, RootRule(format));
  const char* args_key = format == Format::kLlama3Json ? "parameters" : "arguments";
  Result<std::string> call = engine::JsonSchemaToGbnf(AllowedCallsSchema(tools, args_key).dump());
  if (!call.ok()) return Status::InvalidArgument("a tool's parameters schema: " + call.status().message());
  return engine::ParseGrammar(root + "\n" + RenameRoot(*call));
}

}  // namespace llm::server
