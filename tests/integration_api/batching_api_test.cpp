// Continuous batching over HTTP: with PARALLEL=2, concurrent generations on a model large
// enough to be batched (>= 50 M parameters: a random-weight Q4_0 Llama written by
// make-synthetic-gguf) share forward passes, and each answer is exactly what the request
// gets when it runs alone; a chat's next turn goes back to the slot caching its earlier turns.
#include <algorithm>
#include <thread>

#include <gtest/gtest.h>

#include "integration_api/api_test_util.h"

namespace llm::test {
namespace {

using nlohmann::json;

// llm_api_<name> from the metrics text (-1 when missing).
int64_t MetricValue(const std::string& text, const std::string& name) {
  const std::string key = "\n" + name + " ";
  const size_t at = text.find(key);
  return at == std::string::npos ? -1 : std::stoll(text.substr(at + key.size()));
}

TEST(BatchingApi, ConcurrentGenerationsShareForwardPassesAndAnswerAsAlone) {
  ScratchDir models;
  std::string out;
  // 32,000 x 768 embeddings and output + 2 blocks: about 62 M parameters.
  ASSERT_EQ(MakeSyntheticModel(models / "batch-62m-q4_0.gguf",
                               "--type q4_0 --dim 768 --layers 2 --heads 12 --kv-heads 4 --ffn 2048 --threads 2", &out),
            0) << out;
  auto server = StartApiServer({{"MODELS_DIR", models.path()}, {"DEFAULT_MODEL", "batch-62m-q4_0.gguf"},
                                {"PARALLEL", "2"}, {"THREADS", "2"}});
  ASSERT_TRUE(server);
  const std::vector<std::string> bodies = {
      R"({"prompt":"Once upon a time","max_tokens":24,"temperature":0})",
      R"({"prompt":"The quick brown fox jumps over the lazy dog","max_tokens":24,"temperature":0})"};

  std::vector<std::string> alone;
  for (const std::string& body : bodies) {
    auto r = server->Client()->Post("/api/v1/generate", body, "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    alone.push_back(json::parse(r->body)["response"]);
  }
  auto before = server->Client()->Get("/metrics");
  ASSERT_TRUE(before);

  std::vector<std::string> together(bodies.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < bodies.size(); ++i) {
    threads.emplace_back([&, i] {
      auto r = server->Client()->Post("/api/v1/generate", bodies[i], "application/json");
      if (r && r->status == 200) together[i] = json::parse(r->body)["response"];
    });
  }
  for (std::thread& t : threads) t.join();
  auto after = server->Client()->Get("/metrics");
  ASSERT_TRUE(after);

  EXPECT_EQ(together, alone);
  const int64_t passes = MetricValue(after->body, "llm_api_decode_passes_total") -
                         MetricValue(before->body, "llm_api_decode_passes_total");
  const int64_t steps = MetricValue(after->body, "llm_api_decode_steps_total") -
                        MetricValue(before->body, "llm_api_decode_steps_total");
  EXPECT_EQ(steps, 2 * 24);  // per request: its prompt, then 23 tokens (the 24th needs no pass)
  EXPECT_LT(passes, steps);  // some passes carried both requests
  EXPECT_EQ(server->Stop(), 0);
}

// Chat turns as OpenAI clients send them: the conversation so far, then one more question.
json ChatTurn(const std::vector<std::string>& turns) {
  json messages = json::array();
  for (size_t i = 0; i < turns.size(); ++i) {
    messages.push_back({{"role", i % 2 == 0 ? "user" : "assistant"}, {"content", turns[i]}});
  }
  return {{"model", "stories260K.gguf"}, {"messages", messages}, {"max_tokens", 12}, {"temperature", 0}};
}

// Each conversation's next turn goes to the slot whose cache holds its earlier turns (not just
// the first free one), reports the reused tokens as cached_tokens, and answers exactly what a
// server with nothing cached answers.
TEST(BatchingApi, InterleavedChatsReturnToTheSlotHoldingTheirEarlierTurns) {
  auto server = StartApiServer({{"PARALLEL", "2"}});
  ASSERT_TRUE(server);
  std::vector<std::vector<std::string>> chats = {{"Tell me about a little dog named Max."},
                                                 {"Once upon a time there was a princess in a castle."}};
  std::vector<int64_t> first_prompt(2);
  for (int turn = 0; turn < 3; ++turn) {
    for (size_t c = 0; c < chats.size(); ++c) {
      auto r = server->Client()->Post("/v1/chat/completions", ChatTurn(chats[c]).dump(), "application/json");
      ASSERT_TRUE(r);
      ASSERT_EQ(r->status, 200) << r->body;
      const json answer = json::parse(r->body);
      const int64_t prompt = answer["usage"]["prompt_tokens"], cached = answer["usage"]["prompt_tokens_details"]["cached_tokens"];
      if (turn == 0) {
        EXPECT_EQ(cached, 0) << "chat " << c;
        first_prompt[c] = prompt;
      } else {
        EXPECT_GE(cached, first_prompt[c]) << "chat " << c << " turn " << turn << ": " << answer["usage"].dump();
        EXPECT_LT(cached, prompt);
      }
      chats[c].push_back(answer["choices"][0]["message"]["content"]);
      chats[c].push_back("And then what happened?");
    }
  }
  EXPECT_EQ(server->Stop(), 0);
  int64_t cached_in_records = 0;
  for (const json& record : ReadAllApiRecords(server->log_dir())) {
    if (record.value("event_type", "") == "text_generation_success") cached_in_records += record["cached_tokens"].get<int64_t>();
  }
  EXPECT_GE(cached_in_records, 4 * std::min(first_prompt[0], first_prompt[1]));

  // The last turn of each chat, asked of a server that never saw it: the same answer.
  auto fresh = StartApiServer({{"PARALLEL", "2"}});
  ASSERT_TRUE(fresh);
  for (auto& chat : chats) {
    const std::string expected = chat[chat.size() - 2];
    chat.resize(chat.size() - 2);
    auto r = fresh->Client()->Post("/v1/chat/completions", ChatTurn(chat).dump(), "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(json::parse(r->body)["choices"][0]["message"]["content"], expected);
    EXPECT_EQ(json::parse(r->body)["usage"]["prompt_tokens_details"]["cached_tokens"], 0);
  }
  EXPECT_EQ(fresh->Stop(), 0);
}

}  // namespace
}  // namespace llm::test
