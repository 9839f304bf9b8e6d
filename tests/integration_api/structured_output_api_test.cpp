// Constrained decoding over real HTTP: response_format and grammar on every generation route,
// 400s naming the field, and `constrained` in the text_generation_success record.
#include <gtest/gtest.h>

#include "integration_api/api_test_util.h"

namespace llm::test {
namespace {

using nlohmann::json;


TEST(StructuredOutputApi, JsonSchemaResponseFormatGivesValidJsonOnChatCompletions) {
  auto server = StartApiServer();
  ASSERT_TRUE(server);
  auto c = server->Client();
  const std::string body = R"({"model":"stories260K.gguf","messages":[{"role":"user","content":"A cat"}],
      "max_tokens":300,"temperature":1,"seed":5,"response_format":{"type":"json_schema","json_schema":{
      "name":"cat","strict":true,"schema":{"type":"object","properties":{"name":{"type":"string","maxLength":10},
      "lives":{"type":"integer","minimum":1,"maximum":9}},"required":["name","lives"]}}}})";
  auto r = c->Post("/v1/chat/completions", body, kJson);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json out = json::parse(r->body);
  EXPECT_EQ(out["choices"][0]["finish_reason"], "stop");
  const json cat = json::parse(out["choices"][0]["message"]["content"].get<std::string>());
  EXPECT_TRUE(cat["name"].is_string());
  EXPECT_GE(cat["lives"].get<int>(), 1);
  EXPECT_LE(cat["lives"].get<int>(), 9);
  const std::string id = r->get_header_value("X-Request-ID");
  c.reset();
  ASSERT_EQ(server->Stop(), 0);
  int constrained = 0;
  for (const json& rec : RecordsOf(ReadAllApiRecords(server->log_dir()), id)) {
    if (rec.value("event_type", "") == "text_generation_success") constrained += rec["constrained"] == true;
  }
  EXPECT_EQ(constrained, 1);
}

TEST(StructuredOutputApi, GrammarFieldOnNativeAndOpenAIRoutesStreamedAndNot) {
  auto server = StartApiServer();
  ASSERT_TRUE(server);
  auto c = server->Client();
  const std::string grammar = R"("grammar":"root ::= (\"yes\" | \"no\") \" \" [0-9]{2}")";
  for (const char* path : {"/api/v1/generate", "/v1/completions"}) {
    for (bool stream : {false, true}) {
      const std::string body = std::string(R"({"prompt":"Answer:","max_tokens":50,"stream":)") +
                               (stream ? "true" : "false") + "," + grammar + "}";
      auto r = c->Post(path, body, kJson);
      ASSERT_TRUE(r);
      ASSERT_EQ(r->status, 200) << path << " " << r->body;
      std::string text;
      if (stream) {
        for (const json& e : SseEvents(r->body)) {
          if (!e.is_object()) continue;
          if (e.contains("choices")) text += e["choices"][0].value("text", "");
          if (e.contains("response") && e["done"] == false) text += e["response"].get<std::string>();
        }
      } else {
        const json out = json::parse(r->body);
        text = out.contains("choices") ? out["choices"][0]["text"].get<std::string>() : out.value("response", "");
      }
      EXPECT_TRUE(text.size() == 5 || text.size() == 6) << path << " '" << text << "'";
      EXPECT_TRUE(text.rfind("yes ", 0) == 0 || text.rfind("no ", 0) == 0) << path << " '" << text << "'";
    }
  }
  c.reset();
  EXPECT_EQ(server->Stop(), 0);
}

TEST(StructuredOutputApi, InvalidGrammarAndUnsupportedSchemaAre400NamingTheField) {
  auto server = StartApiServer();
  ASSERT_TRUE(server);
  auto c = server->Client();
  auto bad_grammar = c->Post("/api/v1/generate", R"({"prompt":"x","grammar":"root ::= (\"a\""})", kJson);
  ASSERT_TRUE(bad_grammar);
  EXPECT_EQ(bad_grammar->status, 400);
  EXPECT_NE(bad_grammar->body.find("line 1, column"), std::string::npos) << bad_grammar->body;
  auto bad_schema = c->Post("/v1/chat/completions", R"({"messages":[{"role":"user","content":"x"}],
      "response_format":{"type":"json_schema","json_schema":{"name":"n","schema":{"type":"string","pattern":"a+"}}}})", kJson);
  ASSERT_TRUE(bad_schema);
  EXPECT_EQ(bad_schema->status, 400);
  const json err = json::parse(bad_schema->body)["error"];
  EXPECT_EQ(err["param"], "response_format");
  EXPECT_NE(err["message"].get<std::string>().find("'pattern'"), std::string::npos) << err;
  c.reset();
  EXPECT_EQ(server->Stop(), 0);
}

}  // namespace
}  // namespace llm::test
