// The ApiService's routes in-process: a real Server on a free loopback port, the real engine
// on ../shared/models/stories260K.gguf, a cpp-httplib client, and the log files checked after.
#include "server/api_service.h"

#include <httplib.h>

#include <cstdlib>
#include <map>
#include <set>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "nlohmann/json.hpp"
#include "server/builtin_routes.h"
#include "server_api/in_process_api.h"
#include "common/shared_dir.h"

namespace llm::server {
namespace {

using nlohmann::json;

class ApiServiceTest : public InProcessApiTest {};

std::vector<json> SseEvents(const std::string& body) {
  std::vector<json> events;
  std::istringstream in(body);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("data: ", 0) != 0) continue;
    std::string data = line.substr(6);
    events.push_back(data == "[DONE]" ? json("[DONE]") : json::parse(data));
  }
  return events;
}

TEST_F(ApiServiceTest, GenerateAnswersGreedyTextWithUsageAndLogsSuccess) {
  Start();
  auto r = Post("/api/v1/generate", R"({"prompt":"Once upon a time","max_tokens":16,"temperature":0})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json j = json::parse(r->body);
  EXPECT_FALSE(j["response"].get<std::string>().empty());
  EXPECT_EQ(j["model"], "stories260K.gguf");
  EXPECT_EQ(j["usage"]["prompt_tokens"], 5);
  EXPECT_EQ(j["usage"]["completion_tokens"].get<int>() + 5, j["usage"]["total_tokens"].get<int>());
  EXPECT_TRUE(j["timings"].contains("predicted_per_second"));
  EXPECT_EQ(j["request_id"], r->get_header_value("X-Request-ID"));
  auto again = Post("/api/v1/generate", R"({"prompt":"Once upon a time","max_tokens":16,"temperature":0})");
  EXPECT_EQ(json::parse(again->body)["response"], j["response"]);  // greedy is deterministic
  std::vector<json> log = StopAndReadLog();
  int successes = 0;
  for (const json& rec : log) {
    if (rec.value("event_type", "") != "text_generation_success") continue;
    ++successes;
    EXPECT_EQ(rec["model_name"], "stories260K.gguf");
    EXPECT_EQ(rec["message"], "Text generation completed successfully with model: stories260K.gguf");
    for (const char* k : {"response_length", "generation_time", "prompt_tokens", "completion_tokens", "tokens_per_second",
                          "time_to_first_token_ms", "finish_reason", "request_id"}) {
      EXPECT_TRUE(rec.contains(k)) << k;
    }
  }
  EXPECT_EQ(successes, 2);
}

TEST_F(ApiServiceTest, ChatAndOpenAIRoutesAnswerInTheirShapes) {
  Start();
  auto chat = Post("/api/v1/chat", R"({"messages":[{"role":"user","content":"Hi"}],"max_tokens":8,"temperature":0})");
  ASSERT_EQ(chat->status, 200) << chat->body;
  EXPECT_EQ(json::parse(chat->body)["message"]["role"], "assistant");
  auto oc = Post("/v1/chat/completions", R"({"model":"stories260K.gguf","messages":[{"role":"user","content":"Hi"}],"max_tokens":8})");
  ASSERT_EQ(oc->status, 200) << oc->body;
  json c = json::parse(oc->body);
  EXPECT_EQ(c["object"], "chat.completion");
  EXPECT_EQ(c["id"].get<std::string>().rfind("chatcmpl-", 0), 0u);
  auto ot = Post("/v1/completions", R"({"model":"stories260K.gguf","prompt":"Once","max_tokens":8})");
  ASSERT_EQ(ot->status, 200) << ot->body;
  EXPECT_EQ(json::parse(ot->body)["object"], "text_completion");
  auto models = client_->Get("/v1/models");
  EXPECT_EQ(json::parse(models->body)["object"], "list");
  auto native_models = client_->Get("/api/v1/models");
  json nm = json::parse(native_models->body);
  bool found = false;
  for (const json& m : nm["models"]) {
    if (m["name"] != "stories260K.gguf") continue;
    found = true;
    EXPECT_EQ(m["architecture"], "llama");
    EXPECT_TRUE(m["loaded"].get<bool>());
    EXPECT_GT(m["parameters"].get<int64_t>(), 0);
    EXPECT_GT(m["context_length"].get<int>(), 0);
  }
  EXPECT_TRUE(found);
}

TEST_F(ApiServiceTest, StreamsSseEventsAndOpenAIChunksEndingWithDone) {
  Start();
  auto native = Post("/api/v1/generate", R"({"prompt":"Once upon a time","max_tokens":8,"temperature":0,"stream":true})");
  ASSERT_EQ(native->status, 200);
  EXPECT_EQ(native->get_header_value("Content-Type"), "text/event-stream");
  std::vector<json> ev = SseEvents(native->body);
  ASSERT_GE(ev.size(), 2u);
  EXPECT_EQ(ev.back()["done"], true);
  EXPECT_TRUE(ev.back().contains("usage"));
  std::string joined;
  for (size_t i = 0; i + 1 < ev.size(); ++i) joined += ev[i]["response"].get<std::string>();
  EXPECT_EQ(joined, ev.back()["response"]);
  auto oa = Post("/v1/chat/completions", R"({"messages":[{"role":"user","content":"Hi"}],"max_tokens":8,"stream":true,
      "stream_options":{"include_usage":true}})");
  std::vector<json> chunks = SseEvents(oa->body);
  ASSERT_GE(chunks.size(), 3u);
  EXPECT_EQ(chunks.back(), "[DONE]");
  EXPECT_EQ(chunks[0]["choices"][0]["delta"]["role"], "assistant");
  EXPECT_TRUE(chunks[chunks.size() - 2]["choices"].empty());
  EXPECT_GT(chunks[chunks.size() - 2]["usage"]["completion_tokens"].get<int>(), 0);
}

TEST_F(ApiServiceTest, BadInputsGet4xxInTheFlavoursShapeAndErrorRecords) {
  Start();
  struct Case { std::string path, body; int status; std::string error_type; };
  const std::vector<Case> cases = {
      {"/api/v1/generate", R"({"prompt":"x","model":"nope.gguf"})", 404, "ModelNotFoundError"},
      {"/api/v1/generate", R"({"prompt":"x","model":"../models/stories260K.gguf"})", 404, "ModelNotFoundError"},
      {"/api/v1/generate", R"({"prompt":"x","max_tokens":-4})", 400, "InvalidRequestError"},
      {"/api/v1/generate", R"({"prompt":"x","max_tokens":100000000})", 400, "InvalidRequestError"},
      {"/api/v1/generate", R"({"prompt":123})", 400, "InvalidRequestError"},
      {"/api/v1/chat", R"({"messages":[]})", 400, "InvalidRequestError"},
      {"/api/v1/generate", "{\"prompt\":" + std::string(40000, ' ') + "\"" + [] { std::string s; for (int i = 0; i < 3000; ++i) s += "once upon a time "; return s; }() + "\"}", 400, "ContextLengthExceededError"},
      {"/v1/chat/completions", R"({"messages":[{"role":"user","content":"x"}],"model":"/etc/passwd"})", 404, "ModelNotFoundError"},
      {"/v1/completions", R"({"prompt":"x","max_tokens":"many"})", 400, "InvalidRequestError"},
  };
  for (const Case& c : cases) {
    auto r = Post(c.path, c.body);
    ASSERT_TRUE(r) << c.body;
    EXPECT_EQ(r->status, c.status) << c.body << " -> " << r->body;
    json j = json::parse(r->body);
    if (c.path.rfind("/v1/", 0) == 0) {
      ASSERT_TRUE(j["error"].is_object()) << r->body;
      for (const char* k : {"message", "type", "param", "code"}) EXPECT_TRUE(j["error"].contains(k)) << k;
    } else {
      EXPECT_EQ(j["error_type"], c.error_type) << r->body;
    }
  }
  auto ok = Post("/api/v1/generate", R"({"prompt":"Once","max_tokens":4})");
  EXPECT_EQ(ok->status, 200);  // still serving
  std::vector<json> log = StopAndReadLog();
  std::map<std::string, int> errors, generation_errors;
  for (const json& rec : log) {
    if (rec["type"] == "error") ++errors[rec["error_type"]];
    if (rec.value("event_type", "") == "text_generation_error") {
      ++generation_errors[rec["error_type"]];
      EXPECT_EQ(rec["level"], "ERROR");
      EXPECT_EQ(rec["message"].get<std::string>().rfind("Text generation error with model ", 0), 0u);
    }
  }
  EXPECT_EQ(errors["ModelNotFoundError"], 3);
  EXPECT_EQ(errors["InvalidRequestError"], 5);
  EXPECT_EQ(errors["ContextLengthExceededError"], 1);
  EXPECT_EQ(generation_errors["ModelNotFoundError"], 3);
}

TEST_F(ApiServiceTest, ApiKeyIsRequiredComparedAndNeverLogged) {
  ApiSettings s;
  s.api_key = "sk-test-secret-42";
  Start(s);
  auto none = Post("/v1/completions", R"({"prompt":"x","max_tokens":2})");
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(json::parse(none->body)["error"]["type"], "authentication_error");
  auto wrong = Post("/api/v1/generate", R"({"prompt":"x","max_tokens":2})", {{"Authorization", "Bearer sk-test-secret-41"}});
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(json::parse(wrong->body)["error_type"], "AuthenticationError");
  EXPECT_EQ(client_->Get("/api/v1/models")->status, 401);
  auto right = Post("/api/v1/generate", R"({"prompt":"x","max_tokens":2})", {{"Authorization", "Bearer sk-test-secret-42"}});
  EXPECT_EQ(right->status, 200);
  EXPECT_EQ(client_->Get("/api/v1/health")->status, 200);  // open unless PROTECT_METRICS
  EXPECT_EQ(client_->Get("/metrics")->status, 200);
  StopAndReadLog();
  for (const char* f : {"/api.log", "/errors.log"}) {
    std::ifstream in(log_dir_ + f);
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(all.find("sk-test-secret"), std::string::npos) << f;
    if (std::string(f) == "/errors.log") {
      EXPECT_NE(all.find("AuthenticationError"), std::string::npos);
    }
  }
}

TEST_F(ApiServiceTest, NamedKeysLabelEveryRecordAndMetricAndRefuseWith401Challenge) {
  ApiSettings s;
  s.keys = {{"alice", "sk-alice-secret"}, {"bob", "sk-bob-secret"}};
  Start(s);
  auto alice = Post("/api/v1/generate", R"({"prompt":"x","max_tokens":2})", {{"Authorization", "Bearer sk-alice-secret"}});
  ASSERT_EQ(alice->status, 200) << alice->body;
  auto bob = client_->Get("/v1/models", {{"x-api-key", "sk-bob-secret"}});
  ASSERT_EQ(bob->status, 200);
  auto wrong = Post("/v1/completions", R"({"prompt":"x"})", {{"Authorization", "Bearer sk-alice-secreT"}});
  ASSERT_EQ(wrong->status, 401);
  EXPECT_EQ(wrong->get_header_value("WWW-Authenticate"), R"(Bearer realm="llm-api", error="invalid_token")");
  auto missing = client_->Get("/api/v1/models");
  ASSERT_EQ(missing->status, 401);
  EXPECT_EQ(missing->get_header_value("WWW-Authenticate"), R"(Bearer realm="llm-api")");
  const std::string metrics = client_->Get("/metrics")->body;
  EXPECT_NE(metrics.find(R"(llm_api_requests_by_key_total{api_key_name="alice",status="200"} 1)"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find(R"(llm_api_requests_by_key_total{api_key_name="bob",status="200"} 1)"), std::string::npos);
  EXPECT_NE(metrics.find(R"(llm_api_requests_by_key_total{api_key_name="anonymous",status="401"} 2)"), std::string::npos);
  const std::string alice_id = alice->get_header_value("X-Request-ID");
  const std::string wrong_id = wrong->get_header_value("X-Request-ID");
  std::vector<json> records = StopAndReadLog();
  int alice_records = 0, auth_events = 0, auth_errors = 0;
  for (const json& r : records) {
    EXPECT_EQ(r.dump().find("-secret"), std::string::npos) << r.dump();
    if (r.value("request_id", "") == alice_id) {
      ++alice_records;
      EXPECT_EQ(r.value("api_key_name", ""), "alice") << r.dump();
    }
    if (r.value("request_id", "") != wrong_id) continue;
    EXPECT_FALSE(r.contains("api_key_name")) << r.dump();
    if (r.value("event_type", "") == "security_event") {
      ++auth_events;
      EXPECT_EQ(r["reason"], "auth_failed");
      EXPECT_EQ(r["credential"], "invalid");
      EXPECT_EQ(r["remote_addr"], "127.0.0.1");
    }
    if (r["type"] == "error") {
      ++auth_errors;
      EXPECT_EQ(r["status_code"], 401);
      EXPECT_NE(r["error_message"].get<std::string>().find("client 127.0.0.1"), std::string::npos) << r.dump();
    }
  }
  EXPECT_GE(alice_records, 3);  // request, generation event, response
  EXPECT_EQ(auth_events, 1);
  EXPECT_EQ(auth_errors, 1);
}

TEST_F(ApiServiceTest, TraversalAndInjectionModelNamesWriteSecurityEvents) {
  Start();
  EXPECT_EQ(Post("/api/v1/generate", R"({"prompt":"x","model":"../../etc/passwd"})")->status, 404);
  EXPECT_EQ(Post("/v1/completions", R"({"prompt":"x","model":"m\r\nX-Evil: 1"})")->status, 404);
  EXPECT_EQ(client_->Get("/v1/models/%2e%2e")->status, 404);
  EXPECT_EQ(Post("/api/v1/generate", R"({"prompt":"x","max_tokens":1})")->status, 200);
  std::map<std::string, int> reasons;
  for (const json& r : StopAndReadLog()) {
    if (r.value("event_type", "") == "security_event") ++reasons[r["reason"].get<std::string>()];
  }
  EXPECT_EQ(reasons["injection"], 1);
  EXPECT_GE(reasons["path_traversal"], 2);  // the model name, and the path of the last one too
}

TEST_F(ApiServiceTest, MetricsCountRequestsAndPassPromtool) {
  Start();
  ASSERT_EQ(Post("/api/v1/generate", R"({"prompt":"Once","max_tokens":4})")->status, 200);
  ASSERT_EQ(Post("/api/v1/generate", R"({"prompt":"Once","model":"nope"})")->status, 404);
  auto m = client_->Get("/metrics");
  ASSERT_EQ(m->status, 200);
  EXPECT_NE(m->body.find("llm_api_http_requests_total{endpoint=\"generate_response\",status=\"200\"} 1"), std::string::npos);
  EXPECT_NE(m->body.find("llm_api_http_requests_total{endpoint=\"generate_response\",status=\"404\"} 1"), std::string::npos);
  EXPECT_NE(m->body.find("llm_api_generated_tokens_total{model=\"stories260K.gguf\"}"), std::string::npos);
  EXPECT_NE(m->body.find("llm_api_models_loaded 1"), std::string::npos);
  const std::string path = log_dir_ + "_metrics.txt";
  std::ofstream(path) << m->body;
  EXPECT_EQ(std::system(("promtool check metrics < " + path).c_str()), 0) << m->body;
}

TEST_F(ApiServiceTest, HealthReportsSlotsAndQueue) {
  ApiSettings s;
  s.parallel = 2;
  Start(s);
  json h = json::parse(client_->Get("/api/v1/health")->body);
  EXPECT_EQ(h["generation"]["slots_total"], 2);
  EXPECT_EQ(h["generation"]["slots_busy"], 0);
  EXPECT_EQ(h["generation"]["requests_queued"], 0);
}

// The Ollama routes in-process: the key guards them too (401 in Ollama's shape), every record
// of a request names its route's endpoint, and /metrics counts requests by that endpoint.
TEST_F(ApiServiceTest, OllamaRoutesNeedTheKeyAndAreNamedInRecordsAndMetrics) {
  ApiSettings s;
  s.api_key = "sk-ollama-7";
  Start(s);
  const httplib::Headers key = {{"Authorization", "Bearer sk-ollama-7"}};
  auto none = client_->Get("/api/tags");
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(json::parse(none->body), json({{"error", json::parse(none->body)["error"]}}));
  EXPECT_EQ(client_->Get("/api/tags", key)->status, 200);
  auto gen = Post("/api/generate", R"({"model":"stories260K","prompt":"Once","stream":false,"options":{"num_predict":3}})", key);
  ASSERT_EQ(gen->status, 200) << gen->body;
  EXPECT_EQ(json::parse(gen->body)["eval_count"], 3);
  auto missing = Post("/api/chat", R"({"model":"nope:7b","messages":[{"role":"user","content":"x"}]})", key);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(json::parse(missing->body), json({{"error", "model 'nope:7b' not found"}}));
  auto bad_json = Post("/api/chat", "{", key);
  EXPECT_EQ(bad_json->status, 400);
  EXPECT_TRUE(json::parse(bad_json->body)["error"].is_string());
  auto pull = Post("/api/pull", R"({"model":"llama3"})", key);
  EXPECT_EQ(pull->status, 501);
  EXPECT_NE(json::parse(pull->body)["error"].get<std::string>().find("pull is not supported"), std::string::npos);
  const std::string metrics = client_->Get("/metrics")->body;
  EXPECT_NE(metrics.find(R"(endpoint="ollama_generate")"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find(R"(endpoint="ollama_chat")"), std::string::npos);
  EXPECT_NE(metrics.find(R"(endpoint="ollama_pull")"), std::string::npos);
  std::map<std::string, std::set<std::string>> endpoints;  // request id -> endpoint values
  std::set<std::string> record_types;
  for (const json& r : StopAndReadLog()) {
    if (!r.contains("request_id")) continue;
    endpoints[r["request_id"].get<std::string>()].insert(r.value("endpoint", ""));
    if (r.value("endpoint", "") == "ollama_generate") record_types.insert(r.value("event_type", r.value("type", "")));
  }
  std::set<std::string> named;
  for (const auto& [id, names] : endpoints) {
    EXPECT_EQ(names.size(), 1u) << id;  // every record of a request names the same endpoint
    named.insert(names.begin(), names.end());
  }
  for (const char* e : {"ollama_tags", "ollama_generate", "ollama_chat", "ollama_pull"}) {
    EXPECT_TRUE(named.count(e)) << e;
  }
  EXPECT_TRUE(record_types.count("text_generation_success")) << json(record_types).dump();
}

}  // namespace
}  // namespace llm::server
