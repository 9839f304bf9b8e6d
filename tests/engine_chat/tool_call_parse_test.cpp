// Tool calls parsed out of model replies: the conformance rows of
// ../shared/testdata/chat-templates/tool-call-outputs.jsonl (each reply parsed with the format
// its template teaches into exactly the expected calls, content and reasoning), and the
// edge cases a server meets (cut-off replies, broken JSON, built-in tools).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/chat/chat_template.h"
#include "engine/chat/tool_calls.h"
#include "engine_chat/chat_test_data.h"

namespace llm::engine {
namespace {

std::vector<nlohmann::json> Rows() {
  std::vector<nlohmann::json> rows;
  std::ifstream in(TemplatesDir() / "tool-call-outputs.jsonl");
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
  }
  return rows;
}

nlohmann::json CallsJson(const std::vector<ToolCall>& calls) {
  nlohmann::json out = nlohmann::json::array();
  for (const ToolCall& call : calls) {
    nlohmann::json item = {{"name", call.name},
                           {"arguments", nlohmann::json::parse(call.arguments.dump())}};
    if (!call.id.empty()) item["id"] = call.id;
    out.push_back(item);
  }
  return out;
}

TEST(ToolCallParse, EveryConformanceRowGivesTheExpectedCallsContentAndReasoning) {
  const auto rows = Rows();
  ASSERT_EQ(rows.size(), 25u) << "missing or changed " << TemplatesDir();
  for (const auto& row : rows) {
    const std::string name = row.at("template").get<std::string>();
    const std::string output = row.at("model_output");
    SCOPED_TRACE(name + ": " + output);
    auto tmpl = ChatTemplate::FromSource(ReadFile(TemplatesDir() / name), "<s>", "</s>");
    ASSERT_TRUE(tmpl.ok()) << tmpl.status().message();
    const ParsedReply reply = tmpl->ParseReply(output);
    EXPECT_EQ(CallsJson(reply.tool_calls), row.at("expected_tool_calls"));
    EXPECT_EQ(reply.content, row.at("expected_content").get<std::string>());
    EXPECT_EQ(reply.reasoning_content, row.value("expected_reasoning_content", ""));
  }
}

TEST(ToolCallParse, TheTemplateNamesItsFamilysFormat) {
  const auto format_of = [](const char* file) {
    auto tmpl = ChatTemplate::FromSource(ReadFile(TemplatesDir() / file), "<s>", "</s>");
    EXPECT_TRUE(tmpl.ok()) << file;
    return tmpl.ok() ? ToolCallFormatName(tmpl->tool_call_format()) : "";
  };
  EXPECT_EQ(format_of("Qwen-Qwen3.jinja"), "hermes");
  EXPECT_EQ(format_of("meta-llama-Llama-3.1-8B-Instruct.jinja"), "llama3_json");
  EXPECT_EQ(format_of("mistralai-Mistral-Nemo-Instruct-2407.jinja"), "mistral");
  EXPECT_EQ(format_of("deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja"), "deepseek_r1");
  EXPECT_EQ(format_of("google-gemma-3-it.jinja"), "generic_json");
  EXPECT_EQ(ToolCallFormatName(ChatTemplate::ChatML().tool_call_format()), "generic_json");
}

TEST(ToolCallParse, ABlockWithBrokenJsonStaysContentVerbatim) {
  const std::string output = "Checking.\n<tool_call>\n{\"name\": \"f\", \"arguments\": {\n</tool_call>";
  const ParsedReply reply = ParseToolCalls(output, ToolCallFormat::kHermes);
  EXPECT_TRUE(reply.tool_calls.empty());
  EXPECT_EQ(reply.content, output);
}

TEST(ToolCallParse, AHermesCallCutOffBeforeItsClosingTagIsStillACall) {
  const ParsedReply reply = ParseToolCalls(
      "<tool_call>\n{\"name\": \"f\", \"arguments\": {\"a\": 1}}", ToolCallFormat::kHermes);
  ASSERT_EQ(reply.tool_calls.size(), 1u);
  EXPECT_EQ(reply.tool_calls[0].arguments.dump(), R"({"a":1})");
  EXPECT_EQ(reply.content, "");
}

TEST(ToolCallParse, ArgumentsWrittenAsAJsonStringAreDecoded) {
  const ParsedReply reply = ParseToolCalls(
      R"(<tool_call>{"name": "f", "arguments": "{\"a\": \"}\"}"}</tool_call>)",
      ToolCallFormat::kHermes);
  ASSERT_EQ(reply.tool_calls.size(), 1u);
  EXPECT_EQ(reply.tool_calls[0].arguments.dump(), R"({"a":"}"})");
}

TEST(ToolCallParse, ArgumentKeysKeepTheModelsOrder) {
  const ParsedReply reply = ParseToolCalls(R"({"name": "f", "parameters": {"z": 1, "a": 2}})",
                                           ToolCallFormat::kLlama3Json);
  ASSERT_EQ(reply.tool_calls.size(), 1u);
  EXPECT_EQ(reply.tool_calls[0].arguments.dump(), R"({"z":1,"a":2})");
}

TEST(ToolCallParse, Llama3JsonWithoutParametersIsContent) {
  const ParsedReply reply =
      ParseToolCalls(R"({"name": "Ada", "age": 36})", ToolCallFormat::kLlama3Json);
  EXPECT_TRUE(reply.tool_calls.empty());
  EXPECT_EQ(reply.content, R"({"name": "Ada", "age": 36})");
}

TEST(ToolCallParse, BuiltinToolCallTakesPythonLiterals) {
  const ParsedReply reply = ParseToolCalls(
      "<|python_tag|>wolfram_alpha.call(query='2+2', limit=3, exact=True)",
      ToolCallFormat::kLlama3Json);
  ASSERT_EQ(reply.tool_calls.size(), 1u);
  EXPECT_EQ(reply.tool_calls[0].name, "wolfram_alpha");
  EXPECT_EQ(reply.tool_calls[0].arguments.dump(), R"({"query":"2+2","limit":3,"exact":true})");
}

TEST(ToolCallParse, AReplyCutOffWhileThinkingIsAllReasoning) {
  const ParsedReply reply = ParseToolCalls("<think>\nStill thinking", ToolCallFormat::kHermes);
  EXPECT_EQ(reply.reasoning_content, "Still thinking");
  EXPECT_EQ(reply.content, "");
}

TEST(ToolCallParse, MistralCallsAfterContentKeepTheContent) {
  const ParsedReply reply = ParseToolCalls(
      R"(Sure.[TOOL_CALLS][{"name": "f", "arguments": {}, "id": "abcdefghi"}])",
      ToolCallFormat::kMistral);
  ASSERT_EQ(reply.tool_calls.size(), 1u);
  EXPECT_EQ(reply.tool_calls[0].id, "abcdefghi");
  EXPECT_EQ(reply.content, "Sure.");
}

}  // namespace
}  // namespace llm::engine
