// Anthropic's Messages API on the generation pipeline with a fake engine: the message object,
// stop reasons, the stream's events (text, thinking and tool_use blocks), errors in Anthropic's
// shape before and during a stream, and count_tokens.
#include <gtest/gtest.h>

#include <map>

#include "server/anthropic_json.h"
#include "server/error_answer.h"
#include "server/json_errors.h"
#include "server_api/pipeline_test_bench.h"

namespace llm::server {
namespace {

class AnthropicPipelineTest : public GenerationPipelineTest {};

// One event of an Anthropic stream: its `event:` name and its data.
struct NamedEvent {
  std::string name;
  json data;
};

// The events of an Anthropic SSE body, in order.
std::vector<NamedEvent> NamedEvents(const std::string& written) {
  std::vector<NamedEvent> out;
  size_t pos = 0;
  while ((pos = written.find("event: ", pos)) != std::string::npos) {
    const size_t eol = written.find('\n', pos);
    const size_t data = written.find("data: ", eol);
    const size_t end = written.find("\n\n", data);
    out.push_back({written.substr(pos + 7, eol - pos - 7), json::parse(written.substr(data + 6, end - data - 6))});
    pos = end;
  }
  return out;
}

json MessagesBody(json extra = json::object()) {
  json body = {{"model", "fake.gguf"},
               {"max_tokens", 64},
               {"messages", json::array({{{"role", "user"}, {"content", "Hi"}}})},
               {"temperature", 0}};
  body.update(extra);
  return body;
}

// What a stream's deltas add up to, by delta type ("text_delta" -> the text, ...).
std::map<std::string, std::string> DeltaTexts(const std::vector<NamedEvent>& events) {
  std::map<std::string, std::string> out;
  for (const NamedEvent& e : events) {
    if (e.name != "content_block_delta") continue;
    const json& d = e.data["delta"];
    const std::string type = d["type"];
    out[type] += d.value("text", "") + d.value("thinking", "") + d.value("partial_json", "");
  }
  return out;
}

TEST_F(AnthropicPipelineTest, AReplyIsAMessageObjectWithTextUsageAndEndTurn) {
  Response r = Answer(ApiSurface::kAnthropicMessages, MessagesBody());
  ASSERT_EQ(r.status, 200) << r.body;
  json body = json::parse(r.body);
  EXPECT_TRUE(body["id"].get<std::string>().starts_with("msg_")) << body["id"];
  EXPECT_EQ(body["type"], "message");
  EXPECT_EQ(body["role"], "assistant");
  EXPECT_EQ(body["model"], "fake.gguf");
  EXPECT_EQ(body["content"], json::parse(R"([{"type": "text", "text": "Hello there."}])"));
  EXPECT_EQ(body["stop_reason"], "end_turn");
  EXPECT_TRUE(body["stop_sequence"].is_null());
  EXPECT_EQ(body["usage"]["output_tokens"], 12);
  EXPECT_EQ(body["usage"]["input_tokens"], static_cast<int64_t>(engine.prompt_tokens.size()));
  EXPECT_EQ(Records("text_generation_success").size(), 1u);
}

TEST_F(AnthropicPipelineTest, StopReasonsTellMaxTokensAndWhichStopSequence) {
  Response limited = Answer(ApiSurface::kAnthropicMessages, MessagesBody({{"max_tokens", 3}}));
  EXPECT_EQ(json::parse(limited.body)["stop_reason"], "max_tokens");
  EXPECT_EQ(json::parse(limited.body)["content"][0]["text"], "Hel");
  Response stopped = Answer(ApiSurface::kAnthropicMessages, MessagesBody({{"stop_sequences", {"zz", "t"}}}));
  json body = json::parse(stopped.body);
  EXPECT_EQ(body["stop_reason"], "stop_sequence");
  EXPECT_EQ(body["stop_sequence"], "t");
  EXPECT_EQ(body["content"][0]["text"], "Hello ");
}

TEST_F(AnthropicPipelineTest, AStreamHasAnthropicsEventsAndItsTextIsTheWholeReply) {
  const json whole = json::parse(Answer(ApiSurface::kAnthropicMessages, MessagesBody()).body);
  CapturingWriter w;
  Answer(ApiSurface::kAnthropicMessages, MessagesBody({{"stream", true}}), &w);
  std::vector<NamedEvent> events = NamedEvents(w.written);
  ASSERT_GE(events.size(), 6u) << w.written;
  for (const NamedEvent& e : events) EXPECT_EQ(e.name, e.data["type"]) << w.written;
  EXPECT_EQ(events.front().name, "message_start");
  const json& start = events.front().data["message"];
  EXPECT_TRUE(start["id"].get<std::string>().starts_with("msg_"));
  EXPECT_EQ(start["content"], json::array());
  EXPECT_EQ(start["usage"]["input_tokens"], whole["usage"]["input_tokens"]);
  EXPECT_EQ(events[1].name, "content_block_start");
  EXPECT_EQ(events[1].data["content_block"], json::parse(R"({"type": "text", "text": ""})"));
  EXPECT_EQ(DeltaTexts(events)["text_delta"], whole["content"][0]["text"]);
  const size_t n = events.size();
  EXPECT_EQ(events[n - 3].name, "content_block_stop");
  EXPECT_EQ(events[n - 2].name, "message_delta");
  EXPECT_EQ(events[n - 2].data["delta"]["stop_reason"], "end_turn");
  EXPECT_EQ(events[n - 2].data["usage"]["output_tokens"], 12);
  EXPECT_EQ(events[n - 1].name, "message_stop");
}

TEST_F(AnthropicPipelineTest, ThinkingEnabledGivesAThinkingBlockBeforeTheText) {
  UseThinkingTemplate();
  engine.context = 4096;  // above max_tokens, which must exceed the thinking budget
  engine.reply = "Two and two.\n</think>\n\nIt is 4.";
  const json thinking = {{"type", "enabled"}, {"budget_tokens", 1024}};
  json body = json::parse(Answer(ApiSurface::kAnthropicMessages, MessagesBody({{"max_tokens", 2048},
                                                                                {"thinking", thinking}})).body);
  ASSERT_EQ(body["content"].size(), 2u) << body;
  EXPECT_EQ(body["content"][0]["type"], "thinking");
  EXPECT_EQ(body["content"][0]["thinking"], "Two and two.");
  EXPECT_EQ(body["content"][1], json::parse(R"({"type": "text", "text": "It is 4."})"));
  CapturingWriter w;
  Answer(ApiSurface::kAnthropicMessages, MessagesBody({{"max_tokens", 2048}, {"thinking", thinking}, {"stream", true}}),
         &w);
  std::vector<NamedEvent> events = NamedEvents(w.written);
  std::vector<std::string> blocks;
  for (const NamedEvent& e : events) {
    if (e.name == "content_block_start") blocks.push_back(e.data["content_block"]["type"]);
  }
  EXPECT_EQ(blocks, (std::vector<std::string>{"thinking", "text"}));
  EXPECT_EQ(DeltaTexts(events)["thinking_delta"], "Two and two.");
  EXPECT_EQ(DeltaTexts(events)["text_delta"], "It is 4.");
}

TEST_F(AnthropicPipelineTest, ThinkingDisabledReachesTheTemplate) {
  UseThinkingTemplate();
  engine.reply = "It is 4.";
  Response r = Answer(ApiSurface::kAnthropicMessages, MessagesBody({{"thinking", {{"type", "disabled"}}}}));
  std::string prompt;
  for (int32_t id : engine.prompt_tokens) prompt += engine.TokenBytes(*engine.model, id);
  EXPECT_NE(prompt.find("<think>\n\n</think>\n\n"), std::string::npos) << prompt;
  EXPECT_EQ(json::parse(r.body)["content"], json::parse(R"([{"type": "text", "text": "It is 4."}])"));
}

const char* kAnthropicWeatherTools = R"([{"name": "get_weather", "description": "Weather now.",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}])";

TEST_F(AnthropicPipelineTest, AToolCallIsAToolUseBlockStreamedAsInputJsonDelta) {
  engine.model->chat_template = engine::ChatTemplate::FromSource(kHermesTemplate, "", "").value();
  engine.reply = "Checking.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>";
  const json tools = json::parse(kAnthropicWeatherTools);
  json body = json::parse(Answer(ApiSurface::kAnthropicMessages, MessagesBody({{"tools", tools}, {"max_tokens", 200}})).body);
  EXPECT_EQ(body["stop_reason"], "tool_use");
  ASSERT_EQ(body["content"].size(), 2u) << body;
  EXPECT_EQ(body["content"][0], json::parse(R"({"type": "text", "text": "Checking."})"));
  const json& use = body["content"][1];
  EXPECT_EQ(use["type"], "tool_use");
  EXPECT_TRUE(use["id"].get<std::string>().starts_with("toolu_")) << use;
  EXPECT_EQ(use["name"], "get_weather");
  EXPECT_EQ(use["input"], json({{"city", "Oslo"}}));

  CapturingWriter w;
  Answer(ApiSurface::kAnthropicMessages, MessagesBody({{"tools", tools}, {"max_tokens", 200}, {"stream", true}}), &w);
  std::vector<NamedEvent> events = NamedEvents(w.written);
  json tool_start;
  for (const NamedEvent& e : events) {
    if (e.name == "content_block_start" && e.data["content_block"]["type"] == "tool_use") tool_start = e.data;
  }
  ASSERT_FALSE(tool_start.is_null()) << w.written;
  EXPECT_EQ(tool_start["index"], 1);
  EXPECT_EQ(tool_start["content_block"]["name"], "get_weather");
  EXPECT_EQ(tool_start["content_block"]["input"], json::object());
  EXPECT_EQ(DeltaTexts(events)["text_delta"], "Checking.");
  EXPECT_EQ(json::parse(DeltaTexts(events)["input_json_delta"]), json({{"city", "Oslo"}}));
  EXPECT_EQ(events[events.size() - 2].data["delta"]["stop_reason"], "tool_use");
}

TEST_F(AnthropicPipelineTest, ErrorsHaveAnthropicsShapeAndTheGenerationErrorRecord) {
  Response unknown = Answer(ApiSurface::kAnthropicMessages, MessagesBody({{"model", "nope.gguf"}}));
  EXPECT_EQ(unknown.status, 404);
  json e = json::parse(unknown.body);
  EXPECT_EQ(e["type"], "error");
  EXPECT_EQ(e["error"]["type"], "not_found_error");
  EXPECT_EQ(e["request_id"], "req_test");
  json no_max = MessagesBody();
  no_max.erase("max_tokens");
  Response missing = Answer(ApiSurface::kAnthropicMessages, no_max);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(json::parse(missing.body)["error"]["type"], "invalid_request_error");
  EXPECT_NE(json::parse(missing.body)["error"]["message"].get<std::string>().find("max_tokens"), std::string::npos);
  EXPECT_EQ(Records("text_generation_error").size(), 2u);
}

TEST_F(AnthropicPipelineTest, AFailureMidStreamIsAnErrorEvent) {
  engine.fail_with = Status::Internal("the kernel broke");
  CapturingWriter w;
  Answer(ApiSurface::kAnthropicMessages, MessagesBody({{"stream", true}}), &w);
  std::vector<NamedEvent> events = NamedEvents(w.written);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().name, "error");
  EXPECT_EQ(events.back().data["type"], "error");
  EXPECT_EQ(events.back().data["error"]["type"], "api_error");
  EXPECT_EQ(events.back().data["error"]["message"], "the kernel broke");
}

TEST_F(AnthropicPipelineTest, CountTokensIsTheInputTokensOfTheMessage) {
  const json body = MessagesBody({{"system", "Be brief."}});
  const json answer = json::parse(Answer(ApiSurface::kAnthropicMessages, body).body);
  json count_body = body;
  count_body.erase("max_tokens");
  count_body.erase("temperature");
  std::unique_ptr<ApiAdapter> adapter = MakeAdapter(ApiSurface::kAnthropicCountTokens);
  GenerationRequest request;
  ASSERT_FALSE(adapter->Parse(count_body, "", &request));
  auto ctx = Context();
  int64_t count = -1;
  EXPECT_FALSE(pipeline->CountPromptTokens(*ctx, *adapter, request, &count));
  EXPECT_EQ(count, answer["usage"]["input_tokens"]);
  request.model = "nope.gguf";
  std::optional<Response> refused = pipeline->CountPromptTokens(*ctx, *adapter, request, &count);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 404);
  EXPECT_EQ(json::parse(refused->body)["error"]["type"], "not_found_error");
}

TEST(AnthropicJson, ErrorTypesFollowAnthropicsStatuses) {
  EXPECT_EQ(AnthropicErrorType(400), "invalid_request_error");
  EXPECT_EQ(AnthropicErrorType(401), "authentication_error");
  EXPECT_EQ(AnthropicErrorType(404), "not_found_error");
  EXPECT_EQ(AnthropicErrorType(413), "request_too_large");
  EXPECT_EQ(AnthropicErrorType(503), "overloaded_error");
  EXPECT_EQ(AnthropicErrorType(500), "api_error");
}

TEST(AnthropicJson, ErrorsAnsweredBeforeRoutingTakeAnthropicsShapeUnderV1Messages) {
  for (const char* path : {"/v1/messages", "/v1/messages/count_tokens", "/v1/messages/nope"}) {
    json e = ErrorBodyFor(path, 413, "PayloadTooLargeError", "too big", "req_1");
    EXPECT_EQ(e["type"], "error") << path;
    EXPECT_EQ(e["error"]["type"], "request_too_large") << path;
    EXPECT_EQ(e["error"]["message"], "too big") << path;
    EXPECT_EQ(e["request_id"], "req_1") << path;
  }
  EXPECT_EQ(ErrorBodyFor("/v1/messagesx", 400, "InvalidRequestError", "m", "r")["error"]["param"], nullptr);
  EXPECT_EQ(ErrorBodyText(ApiFlavor::kAnthropic, ModelNotFound("no model"), "req_2"),
            R"({"type":"error","error":{"type":"not_found_error","message":"no model"},"request_id":"req_2"})");
}

}  // namespace
}  // namespace llm::server
