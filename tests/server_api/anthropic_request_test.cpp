// Anthropic's Messages API bodies read into GenerationRequest: system and content blocks as
// the template's messages, tools and tool_choice as the ToolRequest, thinking, the sampling
// fields, and a 400 naming the field for everything malformed or not supported.
#include "server/anthropic_request.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace llm::server {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

json Body(json extra = json::object()) {
  json body = {{"model", "m.gguf"}, {"max_tokens", 32}, {"messages", json::array({{{"role", "user"}, {"content", "Hi"}}})}};
  body.update(extra);
  return body;
}

GenerationRequest Parsed(const json& body) {
  GenerationRequest r;
  std::optional<ApiError> e = ParseAnthropicMessages(body, &r);
  EXPECT_FALSE(e) << body.dump() << ": " << (e ? e->message : "");
  return r;
}

ApiError Refused(const json& body) {
  GenerationRequest r;
  std::optional<ApiError> e = ParseAnthropicMessages(body, &r);
  EXPECT_TRUE(e) << body.dump();
  return e.value_or(ApiError{});
}

TEST(AnthropicRequest, ASimpleBodyIsAChatWithItsOptions) {
  GenerationRequest r = Parsed(Body({{"temperature", 0.5}, {"top_p", 0.9}, {"top_k", 5}, {"stream", true},
                                     {"stop_sequences", {"END", ""}}, {"metadata", {{"user_id", "u1"}}}}));
  EXPECT_EQ(r.flavor, ApiFlavor::kAnthropic);
  EXPECT_EQ(r.kind, PromptKind::kChat);
  EXPECT_EQ(r.model, "m.gguf");
  EXPECT_EQ(r.max_tokens, 32);
  EXPECT_FLOAT_EQ(r.sampling.temperature, 0.5f);
  EXPECT_FLOAT_EQ(r.sampling.top_p, 0.9f);
  EXPECT_EQ(r.sampling.top_k, 5);
  EXPECT_TRUE(r.stream);
  EXPECT_EQ(r.stop, std::vector<std::string>{"END"});
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].role, "user");
  EXPECT_EQ(r.messages[0].content, "Hi");
  EXPECT_FALSE(r.renders_request());
}

TEST(AnthropicRequest, SystemAsStringOrTextBlocksComesFirst) {
  GenerationRequest a = Parsed(Body({{"system", "Be brief."}}));
  ASSERT_EQ(a.messages.size(), 2u);
  EXPECT_EQ(a.messages[0].role, "system");
  EXPECT_EQ(a.messages[0].content, "Be brief.");
  const json blocks = json::parse(R"([{"type": "text", "text": "One."},
                                      {"type": "text", "text": "Two.", "cache_control": {"type": "ephemeral"}}])");
  GenerationRequest b = Parsed(Body({{"system", blocks}}));
  EXPECT_EQ(b.messages[0].content, "One.\n\nTwo.");
  EXPECT_EQ(Refused(Body({{"system", 3}})).param, "system");
  EXPECT_EQ(Refused(Body({{"system", json::parse(R"([{"type": "image"}])")}})).param, "system");
}

TEST(AnthropicRequest, ToolUseAndToolResultBlocksBecomeTheTemplatesCallsAndToolMessages) {
  const json messages = json::parse(R"([
    {"role": "user", "content": [{"type": "text", "text": "Weather?"}]},
    {"role": "assistant", "content": [
      {"type": "thinking", "thinking": "hmm", "signature": "s"},
      {"type": "text", "text": "Let me look."},
      {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"unit": "c", "city": "Oslo"}}]},
    {"role": "user", "content": [
      {"type": "tool_result", "tool_use_id": "toolu_1", "content": [{"type": "text", "text": "18 C"}]},
      {"type": "tool_result", "tool_use_id": "toolu_2", "content": "no such city", "is_error": true},
      {"type": "text", "text": "Thanks."}]}])");
  json body = Body({{"messages", messages}});
  // The client's key order of the input, as it wrote it.
  const std::string raw = R"({"model": "m.gguf", "max_tokens": 32, "messages": [
    {"role": "user", "content": "Weather?"},
    {"role": "assistant", "content": [
      {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"unit": "c", "city": "Oslo"}}]},
    {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "18 C"}]}]})";
  GenerationRequest r = Parsed(body);
  EXPECT_TRUE(r.has_tool_messages);
  const ordered_json& t = r.template_messages;
  ASSERT_EQ(t.size(), 5u) << t.dump();
  EXPECT_EQ(t[1]["role"], "assistant");
  EXPECT_EQ(t[1]["content"], "Let me look.");  // the thinking of an earlier turn is dropped
  EXPECT_EQ(t[1]["tool_calls"][0]["id"], "toolu_1");
  EXPECT_EQ(t[1]["tool_calls"][0]["function"]["name"], "get_weather");
  EXPECT_EQ(t[1]["tool_calls"][0]["function"]["arguments"]["city"], "Oslo");
  EXPECT_EQ(t[2], ordered_json::parse(R"({"role": "tool", "content": "18 C", "tool_call_id": "toolu_1"})"));
  EXPECT_EQ(t[3]["content"], "Error: no such city");
  EXPECT_EQ(t[4], ordered_json::parse(R"({"role": "user", "content": "Thanks."})"));

  GenerationRequest in_order;
  const ordered_json raw_doc = ordered_json::parse(raw);
  ASSERT_FALSE(ParseAnthropicMessages(json::parse(raw), &in_order, &raw_doc));
  EXPECT_EQ(in_order.template_messages[1]["tool_calls"][0]["function"]["arguments"].dump(),
            R"({"unit":"c","city":"Oslo"})");
}

TEST(AnthropicRequest, ToolsAndToolChoiceMapOntoTheToolRequest) {
  const std::string raw = R"({"model": "m.gguf", "max_tokens": 8, "messages": [{"role": "user", "content": "x"}],
    "tools": [{"name": "add", "description": "Adds.", "input_schema":
      {"type": "object", "properties": {"b": {"type": "integer"}, "a": {"type": "integer"}}}}],
    "tool_choice": {"type": "tool", "name": "add", "disable_parallel_tool_use": true}})";
  const ordered_json ordered = ordered_json::parse(raw);
  GenerationRequest r;
  ASSERT_FALSE(ParseAnthropicMessages(json::parse(raw), &r, &ordered));
  ASSERT_TRUE(r.tools.tools.is_array());
  const ordered_json& function = r.tools.tools[0]["function"];
  EXPECT_EQ(r.tools.tools[0]["type"], "function");
  EXPECT_EQ(function["name"], "add");
  EXPECT_EQ(function["description"], "Adds.");
  EXPECT_EQ(function["parameters"]["properties"].dump(), R"({"b":{"type":"integer"},"a":{"type":"integer"}})");
  EXPECT_EQ(r.tools.choice, ToolRequest::Choice::kNamed);
  EXPECT_EQ(r.tools.forced_name, "add");
  EXPECT_FALSE(r.tools.parallel);

  json body = json::parse(raw);
  body["tool_choice"] = {{"type", "any"}};
  EXPECT_EQ(Parsed(body).tools.choice, ToolRequest::Choice::kRequired);
  body["tool_choice"] = {{"type", "none"}};
  EXPECT_FALSE(Parsed(body).tools.active());
  body["tool_choice"] = {{"type", "auto"}};
  EXPECT_EQ(Parsed(body).tools.choice, ToolRequest::Choice::kAuto);
  body["tool_choice"] = {{"type", "tool"}, {"name", "nope"}};
  EXPECT_EQ(Refused(body).param, "tool_choice");
  body["tool_choice"] = "auto";
  EXPECT_EQ(Refused(body).param, "tool_choice");
  body.erase("tool_choice");
  body["tools"][0]["type"] = "web_search_20250305";
  EXPECT_EQ(Refused(body).param, "tools");
  body["tools"] = json::parse(R"([{"name": "f"}])");  // no input_schema
  EXPECT_EQ(Refused(body).param, "tools");
}

TEST(AnthropicRequest, ThinkingSetsEnableThinkingWithAnthropicsBudgetRules) {
  const json enabled = {{"type", "enabled"}, {"budget_tokens", 1024}};
  EXPECT_EQ(Parsed(Body({{"max_tokens", 2000}, {"thinking", enabled}})).template_kwargs,
            ordered_json({{"enable_thinking", true}}));
  EXPECT_EQ(Parsed(Body({{"thinking", {{"type", "disabled"}}}})).template_kwargs,
            ordered_json({{"enable_thinking", false}}));
  EXPECT_TRUE(Parsed(Body()).template_kwargs.is_null());
  EXPECT_EQ(Refused(Body({{"max_tokens", 1024}, {"thinking", enabled}})).param, "thinking");  // budget >= max
  const json small = {{"type", "enabled"}, {"budget_tokens", 100}};
  EXPECT_EQ(Refused(Body({{"max_tokens", 2000}, {"thinking", small}})).param, "thinking");
  EXPECT_EQ(Refused(Body({{"thinking", {{"type", "enabled"}}}})).param, "thinking");
  EXPECT_EQ(Refused(Body({{"thinking", true}})).param, "thinking");
}

TEST(AnthropicRequest, RequiredFieldsAndAnthropicsRangesAreChecked) {
  json no_max = Body();
  no_max.erase("max_tokens");
  EXPECT_EQ(Refused(no_max).param, "max_tokens");
  json no_model = Body();
  no_model.erase("model");
  EXPECT_EQ(Refused(no_model).param, "model");
  EXPECT_EQ(Refused(Body({{"temperature", 1.5}})).param, "temperature");
  EXPECT_EQ(Refused(Body({{"max_tokens", 0}})).param, "max_tokens");
  EXPECT_EQ(Refused(Body({{"stop_sequences", "END"}})).param, "stop_sequences");
  EXPECT_EQ(Refused(Body({{"messages", json::array()}})).param, "messages");
  ApiError unknown = Refused(Body({{"n", 2}}));
  EXPECT_EQ(unknown.param, "n");
  EXPECT_EQ(unknown.message, "Unrecognized request argument supplied: n");
  EXPECT_EQ(Refused(Body({{"container", "c1"}})).param, "container");
}

TEST(AnthropicRequest, ImagesOtherRolesAndAPrefillAreRefusedAboutMessages) {
  const json image = json::parse(R"([{"role": "user", "content": [
      {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AAAA"}}]}])");
  ApiError e = Refused(Body({{"messages", image}}));
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.param, "messages");
  EXPECT_NE(e.message.find("image"), std::string::npos) << e.message;
  EXPECT_EQ(Refused(Body({{"messages", json::parse(R"([{"role": "system", "content": "x"}])")}})).param, "messages");
  const json prefill = json::parse(R"([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Well"}])");
  EXPECT_EQ(Refused(Body({{"messages", prefill}})).param, "messages");
}

TEST(AnthropicRequest, WrongTypesAnywhereAreA400AndNeverThrow) {
  const std::vector<json> odd = {nullptr, true, 7, -1.5, "s", json::array(), json::object(), json::array({1, "x"}),
                                 json::object({{"type", 3}})};
  const std::vector<std::string> paths = {"/model", "/max_tokens", "/messages", "/messages/0", "/messages/0/role",
                                          "/messages/0/content", "/system", "/tools", "/tool_choice", "/thinking",
                                          "/stop_sequences", "/temperature", "/top_k", "/stream", "/metadata"};
  const json tool_turns = json::parse(R"([
    {"role": "user", "content": [{"type": "text", "text": "x"}]},
    {"role": "assistant", "content": [{"type": "tool_use", "id": "t", "name": "f", "input": {}}]},
    {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": "r"}]}])");
  const std::vector<std::string> block_paths = {"/messages/0/content/0", "/messages/0/content/0/text",
                                                "/messages/1/content/0/input", "/messages/1/content/0/id",
                                                "/messages/2/content/0/content", "/messages/2/content/0/is_error",
                                                "/messages/2/content/0/tool_use_id"};
  for (const json& v : odd) {
    for (const std::string& path : paths) {
      json body = Body({{"tools", json::parse(R"([{"name": "f", "input_schema": {}}])")}});
      body[json::json_pointer(path)] = v;
      GenerationRequest r;
      EXPECT_NO_THROW(ParseAnthropicMessages(body, &r)) << path << " = " << v.dump();
    }
    for (const std::string& path : block_paths) {
      json body = Body({{"messages", tool_turns}});
      body[json::json_pointer(path)] = v;
      GenerationRequest r;
      EXPECT_NO_THROW(ParseAnthropicMessages(body, &r)) << path << " = " << v.dump();
    }
  }
  GenerationRequest r;
  EXPECT_TRUE(ParseAnthropicMessages(json::array(), &r));
}

TEST(AnthropicRequest, CountTokensTakesThePromptFieldsWithoutMaxTokens) {
  json body = Body({{"system", "S"}});
  body.erase("max_tokens");
  GenerationRequest r;
  ASSERT_FALSE(ParseAnthropicCountTokens(body, &r));
  EXPECT_EQ(r.messages.size(), 2u);
  body["max_tokens"] = 10;
  std::optional<ApiError> e = ParseAnthropicCountTokens(body, &r);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->param, "max_tokens");
}

}  // namespace
}  // namespace llm::server
