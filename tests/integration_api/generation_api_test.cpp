// The generation endpoints over real HTTP: greedy output equals `llm-api generate`, every
// endpoint streamed and not, model listings, metrics, and 16 concurrent generations with
// complete logs.
#include <atomic>
#include <fstream>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "integration_api/api_test_util.h"

namespace llm::test {
namespace {

using nlohmann::json;


TEST(GenerationApi, GreedyOutputOverHttpEqualsLlmApiGenerate) {
  std::string cli_out;
  const std::string cmd = BinDir() + "/llm-api generate --model " + SharedDir() +
                          "/models/stories260K.gguf --prompt 'Once upon a time' --max-tokens 32 --temperature 0 --json";
  ASSERT_EQ(RunCommand(cmd, &cli_out), 0) << cli_out;
  const json cli = json::parse(cli_out);
  auto server = StartApiServer();
  ASSERT_TRUE(server);
  auto c = server->Client();
  auto native = c->Post("/api/v1/generate", R"({"prompt":"Once upon a time","max_tokens":32,"temperature":0})", kJson);
  ASSERT_TRUE(native) << httplib::to_string(native.error()) << " port " << server->process->port() << " out: "
                      << server->process->Stdout() << " err: " << server->process->Stderr();
  ASSERT_EQ(native->status, 200) << native->body;
  const json n = json::parse(native->body);
  EXPECT_EQ(n["response"], cli["text"]);
  EXPECT_EQ(n["usage"]["completion_tokens"], cli["tokens"].size());
  EXPECT_EQ(n["usage"]["prompt_tokens"], cli["prompt_tokens"].size());
  EXPECT_EQ(n["finish_reason"], cli["finish_reason"]);
  auto openai = c->Post("/v1/completions", R"({"model":"stories260K.gguf","prompt":"Once upon a time","max_tokens":32,"temperature":0})", kJson);
  ASSERT_EQ(openai->status, 200) << openai->body;
  EXPECT_EQ(json::parse(openai->body)["choices"][0]["text"], cli["text"]);
  auto streamed = c->Post("/api/v1/generate", R"({"prompt":"Once upon a time","max_tokens":32,"temperature":0,"stream":true})", kJson);
  std::string joined;
  for (const json& e : SseEvents(streamed->body)) {
    if (!e.value("done", true)) joined += e["response"].get<std::string>();
  }
  EXPECT_EQ(joined, cli["text"]);
  EXPECT_EQ(server->Stop(), 0);
}

TEST(GenerationApi, UseMmapFalseReadsTheModelIntoMemoryAndAnswersTheSame) {
  std::string cli_out;
  const std::string cmd = BinDir() + "/llm-api generate --no-mmap --model " + SharedDir() +
                          "/models/stories260K.gguf --prompt 'Once upon a time' --max-tokens 16 --temperature 0 --json";
  ASSERT_EQ(RunCommand(cmd, &cli_out), 0) << cli_out;
  auto server = StartApiServer({{"USE_MMAP", "False"}});
  ASSERT_TRUE(server);
  auto r = server->Client()->Post("/api/v1/generate", R"({"prompt":"Once upon a time","max_tokens":16,"temperature":0})", kJson);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["response"], json::parse(cli_out)["text"]);
  EXPECT_EQ(server->Stop(), 0);
  int loaded = 0;
  for (const json& record : ReadAllApiRecords(server->log_dir())) {
    if (record.value("event_type", "") != "model_loaded") continue;
    ++loaded;
    EXPECT_EQ(record["mmap"], false) << record.dump();
  }
  EXPECT_EQ(loaded, 1);
}

struct EndpointCase {
  std::string path;
  std::string body;  // without "stream"
};

TEST(GenerationApi, EveryGenerationEndpointAnswersStreamedAndNot) {
  auto server = StartApiServer();
  ASSERT_TRUE(server);
  auto c = server->Client();
  const std::vector<EndpointCase> cases = {
      {"/api/v1/generate", R"("prompt":"Once upon a time","max_tokens":12,"temperature":0)"},
      {"/api/v1/chat", R"("messages":[{"role":"system","content":"Be kind."},{"role":"user","content":"Hi"}],"max_tokens":12,"temperature":0)"},
      {"/v1/completions", R"("model":"stories260K.gguf","prompt":"Once upon a time","max_tokens":12,"temperature":0)"},
      {"/v1/chat/completions", R"("model":"stories260K.gguf","messages":[{"role":"user","content":"Hi"}],"max_tokens":12,"temperature":0,"stream_options":{"include_usage":true})"},
  };
  for (const EndpointCase& ec : cases) {
    auto whole = c->Post(ec.path.c_str(), "{" + ec.body + "}", kJson);
    ASSERT_TRUE(whole) << ec.path << " " << httplib::to_string(whole.error());
    ASSERT_EQ(whole->status, 200) << ec.path << " " << whole->body;
    const json w = json::parse(whole->body);
    auto stream = c->Post(ec.path.c_str(), "{" + ec.body + R"(,"stream":true})", kJson);
    ASSERT_EQ(stream->status, 200) << ec.path;
    EXPECT_EQ(stream->get_header_value("Content-Type"), "text/event-stream") << ec.path;
    const std::vector<json> events = SseEvents(stream->body);
    ASSERT_GE(events.size(), 2u) << ec.path;
    std::string text;
    if (ec.path.rfind("/api/", 0) == 0) {
      const bool chat = ec.path == "/api/v1/chat";
      for (const json& e : events) {
        if (e["done"] == false) text += chat ? e["message"]["content"].get<std::string>() : e["response"].get<std::string>();
      }
      const json& last = events.back();
      EXPECT_EQ(last["done"], true);
      EXPECT_TRUE(last["usage"].contains("total_tokens"));
      EXPECT_TRUE(last["timings"].contains("predicted_n"));
      EXPECT_EQ(text, chat ? w["message"]["content"] : w["response"]) << ec.path;
      EXPECT_EQ(w["request_id"], whole->get_header_value("X-Request-ID"));
      EXPECT_GT(w["generation_time"].get<double>(), 0);
    } else {
      const bool chat = ec.path == "/v1/chat/completions";
      EXPECT_EQ(events.back(), "[DONE]") << ec.path;
      for (const json& e : events) {
        if (!e.is_object() || e["choices"].empty()) continue;
        const json& ch = e["choices"][0];
        text += chat ? ch["delta"].value("content", "") : ch["text"].get<std::string>();
      }
      EXPECT_EQ(w["object"], chat ? "chat.completion" : "text_completion");
      EXPECT_EQ(w["id"].get<std::string>().rfind(chat ? "chatcmpl-" : "cmpl-", 0), 0u);
      EXPECT_EQ(text, chat ? w["choices"][0]["message"]["content"] : w["choices"][0]["text"]) << ec.path;
      EXPECT_EQ(w["usage"]["total_tokens"], w["usage"]["prompt_tokens"].get<int>() + w["usage"]["completion_tokens"].get<int>());
      if (chat) {
        EXPECT_GT(events[events.size() - 2]["usage"]["completion_tokens"].get<int>(), 0);  // include_usage
      }
    }
  }
  EXPECT_EQ(server->Stop(), 0);
  std::vector<json> records = ReadAllApiRecords(server->log_dir());
  int streamed_responses = 0;
  for (const json& r : records) {
    if (r["type"] == "response" && r.value("streamed", false)) {
      ++streamed_responses;
      EXPECT_GT(r["response_size"].get<int64_t>(), 0);
    }
  }
  EXPECT_EQ(streamed_responses, 4);
}

TEST(GenerationApi, ModelListingsAndMetrics) {
  auto server = StartApiServer();
  ASSERT_TRUE(server);
  auto c = server->Client();
  ASSERT_EQ(c->Post("/api/v1/generate", R"({"prompt":"Once","max_tokens":4})", kJson)->status, 200);
  const json native = json::parse(c->Get("/api/v1/models")->body);
  bool saw = false;
  for (const json& m : native["models"]) {
    if (m["name"] != "stories260K.gguf") continue;
    saw = true;
    EXPECT_EQ(m["architecture"], "llama");
    EXPECT_EQ(m["tensor_type"], "F32");
    EXPECT_GT(m["parameters"].get<int64_t>(), 0);
    EXPECT_GT(m["context_length"].get<int>(), 0);
    EXPECT_EQ(m["loaded"], true);
    EXPECT_GT(m["size"].get<int64_t>(), 0);
  }
  EXPECT_TRUE(saw);
  const json openai = json::parse(c->Get("/v1/models")->body);
  EXPECT_EQ(openai["object"], "list");
  EXPECT_FALSE(openai["data"].empty());
  auto metrics = c->Get("/metrics");
  ASSERT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("llm_api_http_requests_total{endpoint=\"generate_response\",status=\"200\"} 1"), std::string::npos);
  EXPECT_NE(metrics->body.find("llm_api_time_to_first_token_seconds_bucket"), std::string::npos);
  const std::string file = server->dir / "metrics.txt";
  std::ofstream(file) << metrics->body;
  std::string promtool;
  EXPECT_EQ(RunCommand("promtool check metrics < " + file + " 2>&1", &promtool), 0) << promtool;
  const json health = json::parse(c->Get("/api/v1/health")->body);
  EXPECT_EQ(health["generation"]["slots_total"], 1);
  EXPECT_EQ(health["generation"]["requests_queued"], 0);
  EXPECT_EQ(server->Stop(), 0);
}

TEST(GenerationApi, SixteenConcurrentGenerationsAreAllAnsweredWithCompleteLogs) {
  auto server = StartApiServer({{"PARALLEL", "2"}});
  ASSERT_TRUE(server);
  std::vector<std::string> ids(16);
  std::vector<int> statuses(16, 0);
  std::vector<std::string> failures(16);
  // Connect first (cpp-httplib listens with a backlog of 5), then send all 16 at once.
  std::vector<std::unique_ptr<httplib::Client>> clients;
  for (int i = 0; i < 16; ++i) {
    clients.push_back(server->Client());
    clients.back()->set_keep_alive(true);
    ASSERT_EQ(clients.back()->Get("/api/v1/health")->status, 200);
  }
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      auto& c = clients[i];
      ++ready;
      while (ready.load() < 16) std::this_thread::yield();
      const bool stream = i % 4 == 3;
      auto r = c->Post(i % 2 ? "/v1/completions" : "/api/v1/generate",
                       std::string(R"({"prompt":"Once upon a time","max_tokens":48,"stream":)") + (stream ? "true" : "false") + "}",
                       kJson);
      if (!r) {
        failures[i] = httplib::to_string(r.error());
        return;
      }
      statuses[i] = r->status;
      ids[i] = r->get_header_value("X-Request-ID");
    });
  }
  for (auto& t : threads) t.join();
  clients.clear();  // close the keep-alive connections so the server stops at once
  for (int i = 0; i < 16; ++i) EXPECT_EQ(statuses[i], 200) << i << " " << failures[i];
  EXPECT_EQ(server->Stop(), 0);
  const std::vector<json> records = ReadAllApiRecords(server->log_dir());
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 16u);
  for (const std::string& id : ids) {
    int requests = 0, responses = 0, successes = 0;
    for (const json& r : RecordsOf(records, id)) {
      requests += r["type"] == "request";
      responses += r["type"] == "response";
      successes += r.value("event_type", "") == "text_generation_success";
    }
    EXPECT_EQ(requests, 1) << id;
    EXPECT_EQ(responses, 1) << id;
    EXPECT_EQ(successes, 1) << id;
  }
}

}  // namespace
}  // namespace llm::test
