#include <gtest/gtest.h>

#include "nlohmann/json.hpp"
#include "server/native_json.h"
#include "server/openai_json.h"

namespace llm::server {
namespace {

using nlohmann::json;

GenerationOutcome Sample() {
  GenerationOutcome o;
  o.request_id = "req_1";
  o.completion_id = "chatcmpl-abc";
  o.created_unix = 1700000000;
  o.model = "stories260K.gguf";
  o.text = "Once upon";
  o.content = o.text;
  o.finish_reason = engine::FinishReason::kLength;
  o.prompt_tokens = 5;
  o.completion_tokens = 3;
  o.generation_seconds = 0.25;
  o.timings.prompt_n = 5;
  o.timings.predicted_n = 3;
  o.cached_tokens = 2;
  return o;
}

TEST(OpenAIJson, ChatCompletionHasOpenAIsShape) {
  json j = json::parse(DumpJson(OpenAIChatResponse(Sample())));
  EXPECT_EQ(j["id"], "chatcmpl-abc");
  EXPECT_EQ(j["object"], "chat.completion");
  EXPECT_EQ(j["created"], 1700000000);
  EXPECT_EQ(j["model"], "stories260K.gguf");
  ASSERT_EQ(j["choices"].size(), 1u);
  EXPECT_EQ(j["choices"][0]["index"], 0);
  EXPECT_EQ(j["choices"][0]["message"]["role"], "assistant");
  EXPECT_EQ(j["choices"][0]["message"]["content"], "Once upon");
  EXPECT_EQ(j["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(j["usage"], json::parse(R"({"prompt_tokens":5,"completion_tokens":3,"total_tokens":8,
                                       "prompt_tokens_details":{"cached_tokens":2},
                                       "completion_tokens_details":{"reasoning_tokens":0}})"));
}

TEST(OpenAIJson, TextCompletionHasOpenAIsShape) {
  GenerationOutcome o = Sample();
  o.completion_id = "cmpl-xyz";
  o.finish_reason = engine::FinishReason::kStop;
  json j = json::parse(DumpJson(OpenAICompletionResponse(o)));
  EXPECT_EQ(j["object"], "text_completion");
  EXPECT_EQ(j["choices"][0]["text"], "Once upon");
  EXPECT_EQ(j["choices"][0]["finish_reason"], "stop");
  EXPECT_TRUE(j["choices"][0]["logprobs"].is_null());
}

TEST(OpenAIJson, TimeLimitIsReportedAsLength) {
  EXPECT_EQ(OpenAIFinishReason(engine::FinishReason::kTimeLimit), "length");
  EXPECT_EQ(OpenAIFinishReason(engine::FinishReason::kStop), "stop");
}

TEST(OpenAIJson, ChunksCarryDeltaAndNullFinishReasonUntilTheEnd) {
  ChunkHeader h{"chatcmpl-abc", 1700000000, "m", true};
  std::string role = "assistant";
  GenerationDelta piece;
  piece.content = "Once";
  json first = json::parse(DumpJson(OpenAIChatChunk(h, &role, nullptr, false, "")));
  EXPECT_EQ(first["object"], "chat.completion.chunk");
  EXPECT_EQ(first["choices"][0]["delta"], json::parse(R"({"role":"assistant"})"));
  EXPECT_TRUE(first["choices"][0]["finish_reason"].is_null());
  EXPECT_TRUE(first["usage"].is_null());
  json middle = json::parse(DumpJson(OpenAIChatChunk(h, nullptr, &piece, false, "")));
  EXPECT_EQ(middle["choices"][0]["delta"]["content"], "Once");
  EXPECT_TRUE(middle["choices"][0]["logprobs"].is_null());
  piece.content.clear();
  piece.reasoning = "Hmm";
  json thinking = json::parse(DumpJson(OpenAIChatChunk(h, nullptr, &piece, false, "")));
  EXPECT_EQ(thinking["choices"][0]["delta"], json::parse(R"({"reasoning_content":"Hmm"})"));
  json last = json::parse(DumpJson(OpenAIChatChunk(h, nullptr, nullptr, false, "stop")));
  EXPECT_EQ(last["choices"][0]["delta"], json::object());
  EXPECT_EQ(last["choices"][0]["finish_reason"], "stop");
  json usage = json::parse(DumpJson(OpenAIUsageChunk(h, true, Sample())));
  EXPECT_TRUE(usage["choices"].empty());
  EXPECT_EQ(usage["usage"]["total_tokens"], 8);
  json text = json::parse(DumpJson(OpenAICompletionChunk(h, "up", nullptr, "")));
  EXPECT_EQ(text["object"], "text_completion");
  EXPECT_EQ(text["choices"][0]["text"], "up");
}

TEST(OpenAIJson, ErrorShapeHasMessageTypeParamCode) {
  json j = json::parse(DumpJson(OpenAIErrorBody(ModelNotFound("model 'x' not found"))));
  EXPECT_EQ(j, json::parse(R"({"error":{"message":"model 'x' not found","type":"invalid_request_error",
      "param":"model","code":"model_not_found"}})"));
  json busy = json::parse(DumpJson(OpenAIErrorBody(ServerBusy("busy", 1))));
  EXPECT_EQ(busy["error"]["type"], "server_error");
  json bad = json::parse(DumpJson(OpenAIErrorBody(InvalidRequest("bad"))));
  EXPECT_TRUE(bad["error"]["param"].is_null());
  EXPECT_TRUE(bad["error"]["code"].is_null());
  EXPECT_EQ(OpenAIErrorBody(AuthenticationFailed("no"))["error"]["type"], "authentication_error");
}

TEST(OpenAIJson, ModelListHasOpenAIsShape) {
  json j = json::parse(DumpJson(OpenAIModelList({{"a.gguf", "/m/a.gguf", 10, 1600000000}})));
  EXPECT_EQ(j["object"], "list");
  EXPECT_EQ(j["data"][0], json::parse(R"({"id":"a.gguf","object":"model","created":1600000000,"owned_by":"llm-api"})"));
}

TEST(NativeJson, ResponseCarriesUsageTimingsAndFinishReason) {
  json j = json::parse(DumpJson(NativeResponse(Sample(), PromptKind::kText)));
  EXPECT_EQ(j["response"], "Once upon");
  EXPECT_EQ(j["request_id"], "req_1");
  EXPECT_EQ(j["finish_reason"], "length");
  EXPECT_EQ(j["usage"]["total_tokens"], 8);
  EXPECT_DOUBLE_EQ(j["generation_time"].get<double>(), 0.25);
  for (const char* k : {"prompt_n", "prompt_ms", "prompt_per_second", "predicted_n", "predicted_ms", "predicted_per_second"}) {
    EXPECT_TRUE(j["timings"].contains(k)) << k;
  }
  json chat = json::parse(DumpJson(NativeResponse(Sample(), PromptKind::kChat)));
  EXPECT_EQ(chat["message"], json::parse(R"({"role":"assistant","content":"Once upon"})"));
  EXPECT_FALSE(chat.contains("response"));
}

TEST(NativeJson, SseEventsAreDataLinesEndingWithABlankLine) {
  GenerationDelta d;
  d.content = "a\nb";
  EXPECT_EQ(NativeDeltaEvent(d, PromptKind::kText, false), "data: {\"response\":\"a\\nb\",\"done\":false}\n\n");
  std::string final_event = NativeFinalEvent(Sample(), PromptKind::kText);
  ASSERT_EQ(final_event.rfind("data: ", 0), 0u);
  json j = json::parse(final_event.substr(6));
  EXPECT_EQ(j["done"], true);
  EXPECT_EQ(j["usage"]["completion_tokens"], 3);
}

TEST(NativeJson, InvalidUtf8IsReplacedNotThrown) {
  GenerationOutcome o = Sample();
  o.text = std::string("ok\xff\xfe", 4);
  std::string text = DumpJson(NativeResponse(o, PromptKind::kText));
  EXPECT_TRUE(json::parse(text).is_object());  // does not throw
}

}  // namespace
}  // namespace llm::server
