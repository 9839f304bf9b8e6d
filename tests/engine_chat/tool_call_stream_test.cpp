#include "engine/chat/tool_call_stream.h"

#include <gtest/gtest.h>

#include <string>

namespace llm::engine {
namespace {

// Streams `reply` in pieces of `step` bytes; returns what went out before the end, and checks
// that it is a prefix of the parsed content with the rest following it exactly.
std::string Streamed(ToolCallFormat format, std::string_view reply, size_t step) {
  ToolCallStream s(format);
  std::string out;
  for (size_t i = 0; i < reply.size(); i += step) out += s.Push(reply.substr(i, step));
  const ParsedReply parsed = ParseToolCalls(reply, format);
  EXPECT_EQ(out, s.sent());
  EXPECT_TRUE(parsed.content.starts_with(out)) << out << " | " << parsed.content;
  EXPECT_EQ(out + s.Rest(parsed.content), parsed.content);
  return out;
}

TEST(ToolCallStream, AnAnswerWithoutCallsStreamsWhole) {
  for (size_t step : {1, 3, 100}) {
    EXPECT_EQ(Streamed(ToolCallFormat::kHermes, "\n\nThe weather is fine.\n", step), "The weather is fine.") << step;
    EXPECT_EQ(Streamed(ToolCallFormat::kGenericJson, "Plain words.", step), "Plain words.") << step;
  }
}

TEST(ToolCallStream, TheTextBeforeACallStreamsAndTheCallIsHeld) {
  const std::string hermes = "Let me check.\n<tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call>";
  const std::string mistral = "On it.[TOOL_CALLS][{\"name\": \"f\", \"arguments\": {}}]";
  for (size_t step : {1, 2, 5, 1000}) {
    EXPECT_EQ(Streamed(ToolCallFormat::kHermes, hermes, step), "Let me check.") << step;
    EXPECT_EQ(Streamed(ToolCallFormat::kMistral, mistral, step), "On it.") << step;
  }
}

TEST(ToolCallStream, AReplyThatIsAJsonCallIsHeldFromItsStart) {
  for (size_t step : {1, 4}) {
    EXPECT_EQ(Streamed(ToolCallFormat::kGenericJson, R"( {"tool_call": {"name": "f", "arguments": {}}})", step), "");
    EXPECT_EQ(Streamed(ToolCallFormat::kLlama3Json, R"({"name": "f", "parameters": {"a": 1}})", step), "");
    EXPECT_EQ(Streamed(ToolCallFormat::kLlama3Json, "<|python_tag|>{\"name\": \"f\", \"parameters\": {}}", step), "");
  }
  // The generic format's {"response": ...} answer is held too, then given whole.
  EXPECT_EQ(Streamed(ToolCallFormat::kGenericJson, R"({"response": "hi"})", 1), "");
}

TEST(ToolCallStream, AMarkerThatNeverCompletesIsSentAtTheEnd) {
  ToolCallStream s(ToolCallFormat::kHermes);
  EXPECT_EQ(s.Push("a <tool_c"), "a");
  EXPECT_EQ(s.Push("ar> b"), " <tool_car> b");
  const ParsedReply parsed = ParseToolCalls("a <tool_car> b", ToolCallFormat::kHermes);
  EXPECT_EQ(s.sent() + s.Rest(parsed.content), parsed.content);
}

}  // namespace
}  // namespace llm::engine
