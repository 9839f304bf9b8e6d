// The grammar that forces a tool call: in each family's format, one of the allowed tools,
// arguments following the tool's parameters schema.
#include "server/tool_grammar.h"

#include <gtest/gtest.h>

namespace llm::server {
namespace {

ToolRequest Tools(ToolRequest::Choice choice, bool parallel = true) {
  ToolRequest t;
  t.tools = nlohmann::ordered_json::parse(R"([
    {"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
      "properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city"]}}},
    {"type":"function","function":{"name":"ping"}}])");
  t.choice = choice;
  t.parallel = parallel;
  return t;
}

TEST(ToolCallGrammar, CompilesForEveryFormatWithAGrammar) {
  using F = engine::ToolCallFormat;
  for (F format : {F::kHermes, F::kLlama3Json, F::kMistral, F::kGenericJson}) {
    for (bool parallel : {true, false}) {
      auto grammar = ToolCallGrammar(Tools(ToolRequest::Choice::kRequired, parallel), format);
      EXPECT_TRUE(grammar.ok()) << engine::ToolCallFormatName(format) << ": " << grammar.status().message();
    }
  }
}

TEST(ToolCallGrammar, ANamedFunctionCompilesToo) {
  ToolRequest t = Tools(ToolRequest::Choice::kNamed);
  t.forced_name = "get_weather";
  EXPECT_TRUE(ToolCallGrammar(t, engine::ToolCallFormat::kHermes).ok());
}

TEST(ToolCallGrammar, DeepSeekR1IsRefusedAsUnsupported) {
  auto grammar = ToolCallGrammar(Tools(ToolRequest::Choice::kRequired), engine::ToolCallFormat::kDeepSeekR1);
  ASSERT_FALSE(grammar.ok());
  EXPECT_EQ(grammar.status().code(), StatusCode::kUnsupported);
}

TEST(ToolCallGrammar, AnUnsupportedParametersSchemaIsInvalidArgument) {
  ToolRequest t = Tools(ToolRequest::Choice::kRequired);
  t.tools[0]["function"]["parameters"] = {{"type", "object"}, {"not", {{"type", "string"}}}};
  auto grammar = ToolCallGrammar(t, engine::ToolCallFormat::kHermes);
  ASSERT_FALSE(grammar.ok());
  EXPECT_EQ(grammar.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace llm::server
