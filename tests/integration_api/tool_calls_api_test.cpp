// Tool calling over real HTTP: a forced call on the Qwen-template model (Hermes format) and on
// stories260K (no template: generic JSON), OpenAI's message and streamed delta shapes, and
// `tool_calls` counted in the text_generation_success record.
#include <gtest/gtest.h>

#include "integration_api/api_test_util.h"

namespace llm::test {
namespace {

using nlohmann::json;


std::string ForcedCallBody(const std::string& model, bool stream) {
  return R"({"model":")" + model + R"(","messages":[{"role":"user","content":"Weather in Paris?"}],
      "max_tokens":200,"temperature":0,"stream":)" + (stream ? "true" : "false") + R"(,
      "tool_choice":"required","tools":[{"type":"function","function":{"name":"get_weather",
      "parameters":{"type":"object","properties":{"city":{"type":"string","maxLength":10},
      "days":{"type":"integer","minimum":1,"maximum":7}},"required":["city","days"]}}}]})";
}

// The one call of a streamed answer, reassembled from its delta.tool_calls fragments.
json StreamedCall(const std::string& body, std::string* finish_reason) {
  json call = {{"id", ""}, {"type", ""}, {"function", {{"name", ""}, {"arguments", ""}}}};
  for (const json& e : SseEvents(body)) {
    if (!e.is_object() || !e.contains("choices") || e["choices"].empty()) continue;
    const json& choice = e["choices"][0];
    if (choice["finish_reason"].is_string()) *finish_reason = choice["finish_reason"];
    for (const json& d : choice["delta"].value("tool_calls", json::array())) {
      EXPECT_EQ(d["index"], 0);
      if (d.contains("id")) call["id"] = d["id"];
      if (d.contains("type")) call["type"] = d["type"];
      const json& f = d["function"];
      if (f.contains("name")) call["function"]["name"] = call["function"]["name"].get<std::string>() + f["name"].get<std::string>();
      call["function"]["arguments"] = call["function"]["arguments"].get<std::string>() + f.value("arguments", "");
    }
  }
  return call;
}

TEST(ToolCallsApi, RequiredToolChoiceGivesAValidCallStreamedAndNot) {
  auto server = StartApiServer();
  ASSERT_TRUE(server);
  auto c = server->Client();
  std::vector<std::string> ids;
  for (const std::string model : {"synth-qwen3-q8_0.gguf", "stories260K.gguf"}) {
    SCOPED_TRACE(model);
    auto r = c->Post("/v1/chat/completions", ForcedCallBody(model, false), kJson);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    ids.push_back(r->get_header_value("X-Request-ID"));
    const json choice = json::parse(r->body)["choices"][0];
    EXPECT_EQ(choice["finish_reason"], "tool_calls") << r->body;
    EXPECT_TRUE(choice["message"]["content"].is_null()) << r->body;
    ASSERT_EQ(choice["message"]["tool_calls"].size(), 1u) << r->body;
    const json& call = choice["message"]["tool_calls"][0];
    EXPECT_EQ(call["id"].get<std::string>().rfind("call_", 0), 0u);
    EXPECT_EQ(call["type"], "function");
    EXPECT_EQ(call["function"]["name"], "get_weather");
    const json args = json::parse(call["function"]["arguments"].get<std::string>());
    EXPECT_TRUE(args["city"].is_string()) << args;
    EXPECT_LE(args["city"].get<std::string>().size(), 10u * 4);
    EXPECT_GE(args["days"].get<int>(), 1);
    EXPECT_LE(args["days"].get<int>(), 7);

    auto s = c->Post("/v1/chat/completions", ForcedCallBody(model, true), kJson);
    ASSERT_TRUE(s);
    ASSERT_EQ(s->status, 200) << s->body;
    std::string finish;
    const json streamed = StreamedCall(s->body, &finish);
    EXPECT_EQ(finish, "tool_calls");
    EXPECT_EQ(streamed["type"], "function");
    EXPECT_EQ(streamed["function"], call["function"]) << s->body;
  }
  c.reset();
  ASSERT_EQ(server->Stop(), 0);
  const auto records = ReadAllApiRecords(server->log_dir());
  for (const std::string& id : ids) {
    int calls = -1;
    for (const json& rec : RecordsOf(records, id)) {
      if (rec.value("event_type", "") == "text_generation_success") calls = rec["tool_calls"];
    }
    EXPECT_EQ(calls, 1) << id;
  }
}

TEST(ToolCallsApi, NativeChatGivesTheCallWithArgumentsAsAnObject) {
  auto server = StartApiServer();
  ASSERT_TRUE(server);
  json body = json::parse(ForcedCallBody("synth-qwen3-q8_0.gguf", false));
  body.erase("temperature");
  auto r = server->Client()->Post("/api/v1/chat", body.dump(), kJson);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json out = json::parse(r->body);
  EXPECT_EQ(out["finish_reason"], "tool_calls") << r->body;
  EXPECT_TRUE(out["message"]["content"].is_null()) << r->body;
  ASSERT_EQ(out["message"]["tool_calls"].size(), 1u) << r->body;
  const json& call = out["message"]["tool_calls"][0];
  EXPECT_EQ(call["name"], "get_weather");
  EXPECT_TRUE(call["arguments"]["city"].is_string()) << r->body;
  EXPECT_GE(call["arguments"]["days"].get<int>(), 1);
  ASSERT_EQ(server->Stop(), 0);
}

}  // namespace
}  // namespace llm::test
