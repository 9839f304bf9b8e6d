// The grammar that forces a tool call: in each family's format, one of the allowed tools,
// arguments following the tool's parameters schema.
#include "server/tool_grammar.h"

#include <gtest/gtest.h>

#include "engine/grammar/grammar_matcher.h"

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

TEST(ToolCallGrammar, DeepSeekR1CompilesForANamedFunction) {
  ToolRequest t = Tools(ToolRequest::Choice::kNamed);
  t.forced_name = "get_weather";
  auto grammar = ToolCallGrammar(t, engine::ToolCallFormat::kDeepSeekR1);
  EXPECT_TRUE(grammar.ok()) << grammar.status().message();
}

// Whether the grammar accepts the whole text and may end there.
bool Matches(const std::shared_ptr<const engine::Grammar>& grammar, std::string_view text) {
  engine::GrammarMatcher matcher(grammar);
  return matcher.AcceptBytes(text) && matcher.CanEnd();
}

TEST(ToolCallGrammar, EachFormatsGrammarAcceptsTheCallItsParserReads) {
  using F = engine::ToolCallFormat;
  ToolRequest t = Tools(ToolRequest::Choice::kNamed);
  t.forced_name = "get_weather";
  const std::pair<F, std::string> cases[] = {
      {F::kHermes, "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>"},
      {F::kLlama3Json, "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}"},
      {F::kMistral, "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}]"},
      {F::kGenericJson, "{\"tool_call\": {\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}}"},
      {F::kDeepSeekR1, "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n"
                       "{\"city\": \"Paris\"}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>"},
  };
  for (const auto& [format, text] : cases) {
    SCOPED_TRACE(engine::ToolCallFormatName(format));
    auto grammar = ToolCallGrammar(t, format);
    ASSERT_TRUE(grammar.ok()) << grammar.status().message();
    EXPECT_TRUE(Matches(*grammar, text)) << text;
    const engine::ParsedReply reply = engine::ParseToolCalls(text, format);
    ASSERT_EQ(reply.tool_calls.size(), 1u) << text;
    EXPECT_EQ(reply.tool_calls[0].name, "get_weather");
    EXPECT_FALSE(Matches(*grammar, text.substr(0, text.size() - 1)));  // an unfinished call
  }
}

TEST(ToolCallGrammar, DeepSeekR1WithSeveralAllowedToolsIsUnsupported) {
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
