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
  return Status::Unsupported(std::string("tool_choice \"required\" or a named function is not enforced for the ") +
                             std::string(engine::ToolCallFormatName(format)) + " tool-call format");
}

}  // namespace

Result<std::shared_ptr<const engine::Grammar>> ToolCallGrammar(const ToolRequest& tools,
                                                               engine::ToolCallFormat format) {
  LLM_ASSIGN_OR_RETURN(std::string root, RootRule(format));
  const char* args_key = format == Format::kLlama3Json ? "parameters" : "arguments";
  Result<std::string> call = engine::JsonSchemaToGbnf(AllowedCallsSchema(tools, args_key).dump());
  if (!call.ok()) return Status::InvalidArgument("a tool's parameters schema: " + call.status().message());
  // The compiled schema's start rule becomes `tool-call`, under the format's own root.
  static const std::regex kRootRule(R"((^|\n)root ::=)");
  const std::string renamed = std::regex_replace(*call, kRootRule, "$1tool-call ::=");
  return engine::ParseGrammar(root + "\n" + renamed);
}

}  // namespace llm::server
