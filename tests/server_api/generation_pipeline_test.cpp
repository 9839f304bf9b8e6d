// The generation pipeline in-process with a fake engine: every API surface's answers, errors,
// streams, reasoning, log probabilities, tool calls, queueing and cancellation, with the
// records they write -- no model, no socket.
#include "server/generation_pipeline.h"

#include <gtest/gtest.h>

#include "server_api/pipeline_test_bench.h"

namespace llm::server {
namespace {

TEST_F(GenerationPipelineTest, NativeGenerateAnswersTheReplyAndLogsTheSuccess) {
  Response r = Answer(ApiSurface::kNativeGenerate, {{"prompt", "Say hi"}});
  ASSERT_EQ(r.status, 200);
  json body = json::parse(r.body);
  EXPECT_EQ(body["response"], "Hello there.");
  EXPECT_EQ(body["model"], "fake.gguf");
  EXPECT_EQ(body["usage"]["prompt_tokens"], 7);  // BOS + 6 bytes
  EXPECT_EQ(body["usage"]["completion_tokens"], 12);
  EXPECT_FALSE(body.contains("logprobs"));
  std::vector<json> done = Records("text_generation_success");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0]["completion_tokens"], 12);
  EXPECT_EQ(done[0]["reasoning_tokens"], 0);
  EXPECT_EQ(done[0]["constrained"], false);
}

TEST_F(GenerationPipelineTest, AnUnknownModelIs404InEachSurfacesShapeWithBothRecords) {
  Response native = Answer(ApiSurface::kNativeGenerate, {{"prompt", "x"}, {"model", "nope.gguf"}});
  EXPECT_EQ(native.status, 404);
  EXPECT_EQ(json::parse(native.body)["error_type"], "ModelNotFoundError");
  Response openai = Answer(ApiSurface::kOpenAIChat, ChatBody({{"model", "nope.gguf"}}));
  EXPECT_EQ(openai.status, 404);
  EXPECT_EQ(json::parse(openai.body)["error"]["code"], "model_not_found");
  EXPECT_EQ(Records("text_generation_error").size(), 2u);
  EXPECT_EQ(Records("error").size(), 2u);
}

TEST_F(GenerationPipelineTest, APromptLongerThanTheContextIsRefusedBeforeGenerating) {
  engine.context = 8;
  Response r = Answer(ApiSurface::kOpenAICompletion, {{"prompt", "far more than eight bytes"}});
  EXPECT_EQ(r.status, 400);
  json e = json::parse(r.body)["error"];
  EXPECT_EQ(e["code"], "context_length_exceeded");
  EXPECT_EQ(e["param"], "prompt");
  EXPECT_EQ(engine.tokens_generated, 0);
}

TEST_F(GenerationPipelineTest, AParseErrorIsAnsweredInTheSurfacesShape) {
  Response r = Answer(ApiSurface::kOpenAIChat, ChatBody({{"top_logprobs", 3}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["error"]["param"], "top_logprobs");
  EXPECT_EQ(Records("text_generation_error").size(), 1u);
}

TEST_F(GenerationPipelineTest, AThinkingReplyGivesReasoningContentAndCountsItsTokens) {
  UseThinkingTemplate();
  engine.reply = "Let me think.\n</think>\n\nIt is 4.";
  Response r = Answer(ApiSurface::kOpenAIChat, ChatBody());
  ASSERT_EQ(r.status, 200);
  json body = json::parse(r.body);
  json message = body["choices"][0]["message"];
  EXPECT_EQ(message["reasoning_content"], "Let me think.");
  EXPECT_EQ(message["content"], "It is 4.");
  // "Let me think.\n</think>": 22 one-byte tokens.
  EXPECT_EQ(body["usage"]["completion_tokens_details"]["reasoning_tokens"], 22);
  EXPECT_EQ(Records("text_generation_success")[0]["reasoning_tokens"], 22);
}

TEST_F(GenerationPipelineTest, EnableThinkingFalseReachesTheTemplateAndTheReplyIsAllContent) {
  UseThinkingTemplate();
  engine.reply = "It is 4.";
  Response r = Answer(ApiSurface::kOpenAIChat, ChatBody({{"chat_template_kwargs", {{"enable_thinking", false}}}}));
  ASSERT_EQ(r.status, 200);
  std::string prompt;
  for (int32_t id : engine.prompt_tokens) prompt += engine.TokenBytes(*engine.model, id);
  EXPECT_NE(prompt.find("<think>\n\n</think>\n\n"), std::string::npos) << prompt;
  json body = json::parse(r.body);
  EXPECT_EQ(body["choices"][0]["message"]["content"], "It is 4.");
  EXPECT_FALSE(body["choices"][0]["message"].contains("reasoning_content"));
  EXPECT_EQ(body["usage"]["completion_tokens_details"]["reasoning_tokens"], 0);
}

TEST_F(GenerationPipelineTest, ReasoningFormatNoneLeavesTheThinkingInTheContent) {
  engine.reply = "<think>hmm</think>Yes.";
  Response r = Answer(ApiSurface::kNativeChat, ChatBody({{"reasoning_format", "none"}}));
  json message = json::parse(r.body)["message"];
  EXPECT_EQ(message["content"], "<think>hmm</think>Yes.");
  EXPECT_FALSE(message.contains("reasoning_content"));
  Response split = Answer(ApiSurface::kNativeChat, ChatBody());
  EXPECT_EQ(json::parse(split.body)["message"]["reasoning_content"], "hmm");
  EXPECT_EQ(json::parse(split.body)["message"]["content"], "Yes.");
}

TEST_F(GenerationPipelineTest, StreamedReasoningAndContentDeltasAddUpToTheCompleteAnswer) {
  UseThinkingTemplate();
  engine.reply = "Step one, step two.\n</think>\n\nDone: 4.";
  CapturingWriter w;
  Answer(ApiSurface::kOpenAIChat, ChatBody({{"stream", true}, {"stream_options", {{"include_usage", true}}}}), &w);
  std::string reasoning, content;
  json usage;
  for (const json& e : w.Events()) {
    if (e.contains("usage") && !e["usage"].is_null()) usage = e["usage"];
    if (e["choices"].empty()) continue;
    const json& delta = e["choices"][0]["delta"];
    reasoning += delta.value("reasoning_content", "");
    content += delta.value("content", "");
  }
  EXPECT_EQ(reasoning, "Step one, step two.");
  EXPECT_EQ(content, "Done: 4.");
  EXPECT_EQ(usage["completion_tokens_details"]["reasoning_tokens"], 28);
  EXPECT_NE(w.written.find("data: [DONE]"), std::string::npos);
}

TEST_F(GenerationPipelineTest, ChatLogprobsHaveOneEntryPerTokenWithTheAskedAlternatives) {
  engine.reply = "Hey";
  Response r = Answer(ApiSurface::kOpenAIChat, ChatBody({{"logprobs", true}, {"top_logprobs", 2}}));
  json lp = json::parse(r.body)["choices"][0]["logprobs"];
  ASSERT_EQ(lp["content"].size(), 3u);
  EXPECT_EQ(lp["content"][0]["token"], "H");
  EXPECT_EQ(lp["content"][0]["bytes"], json::array({72}));
  EXPECT_FLOAT_EQ(lp["content"][0]["logprob"].get<float>(), -0.25f);
  EXPECT_EQ(lp["content"][1]["top_logprobs"].size(), 2u);
  EXPECT_EQ(lp["content"][1]["top_logprobs"][0]["token"], "e");
  EXPECT_EQ(engine.params.logprobs, 2);
  Response off = Answer(ApiSurface::kOpenAIChat, ChatBody());
  EXPECT_TRUE(json::parse(off.body)["choices"][0]["logprobs"].is_null());
  EXPECT_EQ(engine.params.logprobs, -1);
}

TEST_F(GenerationPipelineTest, StreamedLogprobsCoverEveryTokenOnce) {
  engine.reply = "one two";
  CapturingWriter w;
  Answer(ApiSurface::kOpenAICompletion, {{"prompt", "x"}, {"logprobs", 1}, {"stream", true}}, &w);
  std::string tokens;
  std::vector<int64_t> offsets;
  for (const json& e : w.Events()) {
    const json& lp = e["choices"][0]["logprobs"];
    if (lp.is_null()) continue;
    for (const json& t : lp["tokens"]) tokens += t.get<std::string>();
    for (const json& o : lp["text_offset"]) offsets.push_back(o.get<int64_t>());
  }
  EXPECT_EQ(tokens, "one two");
  ASSERT_EQ(offsets.size(), 7u);
  EXPECT_EQ(offsets[3], 3);
}

TEST_F(GenerationPipelineTest, NativeLogprobsAreTheChatEntries) {
  engine.reply = "ab";
  Response r = Answer(ApiSurface::kNativeGenerate, {{"prompt", "x"}, {"logprobs", true}});
  json lp = json::parse(r.body)["logprobs"];
  ASSERT_EQ(lp.size(), 2u);
  EXPECT_EQ(lp[1]["token"], "b");
  EXPECT_TRUE(lp[1]["top_logprobs"].empty());
}

TEST_F(GenerationPipelineTest, ARequiredToolCallIsConstrainedAndParsedIntoToolCalls) {
  engine.context = 4096;  // the tools' instruction is part of the prompt
  engine.reply = R"({"tool_call": {"name": "get_weather", "arguments": {"city": "Paris"}}})";
  const json tools = json::parse(kWeatherTools);
  Response r = Answer(ApiSurface::kOpenAIChat, ChatBody({{"tools", tools}, {"tool_choice", "required"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(engine.params.grammar, nullptr);
  json choice = json::parse(r.body)["choices"][0];
  EXPECT_EQ(choice["finish_reason"], "tool_calls");
  ASSERT_EQ(choice["message"]["tool_calls"].size(), 1u);
  EXPECT_EQ(choice["message"]["tool_calls"][0]["function"]["name"], "get_weather");
  EXPECT_EQ(json::parse(choice["message"]["tool_calls"][0]["function"]["arguments"].get<std::string>()),
            json({{"city", "Paris"}}));
  EXPECT_EQ(Records("text_generation_success")[0]["tool_calls"], 1);
}

TEST_F(GenerationPipelineTest, WithToolsTheTextBeforeACallStreamsLiveAndTheCallFollows) {
  engine.model->chat_template = engine::ChatTemplate::FromSource(kHermesTemplate, "", "").value();
  engine.reply = "Checking the sky.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>";
  CapturingWriter w;
  Answer(ApiSurface::kOpenAIChat, ChatBody({{"tools", json::parse(kWeatherTools)}, {"stream", true}}), &w);
  std::string content, name, arguments, finish;
  int content_chunks = 0;
  bool call_seen = false, content_after_call = false;
  for (const json& e : w.Events()) {
    const json& choice = e["choices"][0];
    const json& delta = choice["delta"];
    if (!delta.value("content", "").empty()) {
      content += delta["content"].get<std::string>();
      ++content_chunks;
      content_after_call = content_after_call || call_seen;
    }
    if (delta.contains("tool_calls")) {
      call_seen = true;
      const json& call = delta["tool_calls"][0]["function"];
      name += call.value("name", "");
      arguments += call.value("arguments", "");
    }
    if (!choice["finish_reason"].is_null()) finish = choice["finish_reason"];
  }
  EXPECT_EQ(content, "Checking the sky.");
  EXPECT_GT(content_chunks, 5);  // sent as it was generated, not in one piece at the end
  EXPECT_FALSE(content_after_call);
  EXPECT_EQ(name, "get_weather");
  EXPECT_EQ(json::parse(arguments), json({{"city", "Oslo"}}));
  EXPECT_EQ(finish, "tool_calls");
}

TEST_F(GenerationPipelineTest, WithToolsAnAnswerWithoutCallsStreamsAsWithout) {
  engine.model->chat_template = engine::ChatTemplate::FromSource(kHermesTemplate, "", "").value();
  engine.reply = "No tool needed: it is sunny.";
  CapturingWriter w;
  Answer(ApiSurface::kOpenAIChat, ChatBody({{"tools", json::parse(kWeatherTools)}, {"stream", true}}), &w);
  std::string content;
  int chunks = 0;
  for (const json& e : w.Events()) {
    const std::string piece = e["choices"][0]["delta"].value("content", "");
    content += piece;
    chunks += !piece.empty();
  }
  EXPECT_EQ(content, "No tool needed: it is sunny.");
  EXPECT_GT(chunks, 5);
  Response whole = Answer(ApiSurface::kOpenAIChat, ChatBody({{"tools", json::parse(kWeatherTools)}}));
  EXPECT_EQ(json::parse(whole.body)["choices"][0]["message"]["content"], content);
}

TEST_F(GenerationPipelineTest, AFullQueueIs503WithRetryAfter) {
  scheduler = std::make_unique<Scheduler>(1, 0);
  pipeline = std::make_unique<GenerationPipeline>(settings, engine, *scheduler, metrics);
  Result<SlotLease> held = scheduler->Acquire();
  ASSERT_TRUE(held.ok());
  Response r = Answer(ApiSurface::kNativeGenerate, {{"prompt", "x"}});
  EXPECT_EQ(r.status, 503);
  bool retry_after = false;
  for (const auto& [name, value] : r.headers) retry_after = retry_after || (name == "Retry-After" && value == "1");
  EXPECT_TRUE(retry_after);
  EXPECT_EQ(engine.tokens_generated, 0);
}

TEST_F(GenerationPipelineTest, AClientThatLeavesMidStreamCancelsTheGenerationWithARecord) {
  engine.reply = std::string(200, 'x');
  CapturingWriter w;
  w.writes_allowed = 5;
  Answer(ApiSurface::kNativeGenerate, {{"prompt", "x"}, {"stream", true}}, &w);
  EXPECT_LT(engine.tokens_generated, 200);
  std::vector<json> cancelled = Records("generation_cancelled");
  ASSERT_EQ(cancelled.size(), 1u);
  EXPECT_EQ(cancelled[0]["reason"], "client_disconnected");
  EXPECT_TRUE(Records("text_generation_success").empty());
}

TEST_F(GenerationPipelineTest, NChoicesAreGeneratedWithSuccessiveSeedsAndCountedTogether) {
  engine.reply = "Hi!";
  Response r = Answer(ApiSurface::kOpenAIChat, ChatBody({{"n", 3}, {"seed", 40}}));
  ASSERT_EQ(r.status, 200) << r.body;
  json body = json::parse(r.body);
  ASSERT_EQ(body["choices"].size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(body["choices"][i]["index"], i);
    EXPECT_EQ(body["choices"][i]["message"]["content"], "Hi!");
  }
  EXPECT_EQ(body["usage"]["completion_tokens"], 9);
  std::vector<uint64_t> seeds = engine.seeds;
  std::sort(seeds.begin(), seeds.end());
  EXPECT_EQ(seeds, (std::vector<uint64_t>{40, 41, 42}));
  std::vector<json> done = Records("text_generation_success");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0]["choices"], 3);
  EXPECT_EQ(done[0]["completion_tokens"], 9);
}

TEST_F(GenerationPipelineTest, NChoicesRunSideBySideInTheSlotsThatAreFree) {
  scheduler = std::make_unique<Scheduler>(2, 4);
  pipeline = std::make_unique<GenerationPipeline>(settings, engine, *scheduler, metrics);
  engine.reply = std::string(20, 'z');
  engine.before_token = [](int) { std::this_thread::sleep_for(std::chrono::milliseconds(2)); };
  Response r = Answer(ApiSurface::kOpenAICompletion, {{"prompt", "x"}, {"n", 4}, {"max_tokens", 20}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["choices"].size(), 4u);
  EXPECT_EQ(engine.max_active, 2);
  EXPECT_EQ(scheduler->busy(), 0);  // the extra slot was given back
}

TEST_F(GenerationPipelineTest, NAboveOneCannotBeStreamed) {
  Response r = Answer(ApiSurface::kOpenAIChat, ChatBody({{"n", 2}, {"stream", true}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["error"]["param"], "n");
}

TEST_F(GenerationPipelineTest, MaxTokensEndsWithLengthInEverySurface) {
  Response native = Answer(ApiSurface::kNativeGenerate, {{"prompt", "x"}, {"max_tokens", 3}});
  EXPECT_EQ(json::parse(native.body)["response"], "Hel");
  EXPECT_EQ(json::parse(native.body)["finish_reason"], "length");
  Response openai = Answer(ApiSurface::kOpenAICompletion, {{"prompt", "x"}, {"max_tokens", 3}});
  EXPECT_EQ(json::parse(openai.body)["choices"][0]["finish_reason"], "length");
}

}  // namespace
}  // namespace llm::server
