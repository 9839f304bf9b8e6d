// The API under misuse and pressure: every bad input gets a 4xx in the right shape and its
// error record; a full queue answers 503; a client that disconnects cancels its generation;
// SIGTERM lets generations finish within the grace period; the API key is enforced.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "integration_api/api_test_util.h"

namespace llm::test {
namespace {

using nlohmann::json;


struct BadInput {
  std::string name, path, body;
  int status;
  std::string error_type;
};

std::string LongPrompt() {
  std::string s;
  for (int i = 0; i < 2500; ++i) s += "once upon a time ";
  return s;
}

TEST(RobustnessApi, EveryBadInputGets4xxInTheRightShapeAndAnErrorRecord) {
  auto server = StartApiServer();
  ASSERT_TRUE(server);
  auto c = server->Client();
  const std::vector<BadInput> cases = {
      {"invalid json", "/api/v1/generate", R"({"prompt": "x",)", 400, "InvalidRequestError"},
      {"invalid json (openai)", "/v1/completions", R"({"prompt": )", 400, "InvalidRequestError"},
      {"wrong type", "/api/v1/generate", R"({"prompt": ["x"]})", 400, "InvalidRequestError"},
      {"wrong type (openai)", "/v1/chat/completions", R"({"messages":[{"role":"user","content":"x"}],"temperature":"hot"})", 400, "InvalidRequestError"},
      {"negative max_tokens", "/api/v1/generate", R"({"prompt":"x","max_tokens":-1})", 400, "InvalidRequestError"},
      {"huge max_tokens", "/v1/completions", R"({"prompt":"x","max_tokens":99999999999999})", 400, "InvalidRequestError"},
      {"max_tokens over the context", "/api/v1/generate", R"({"prompt":"x","max_tokens":100000})", 400, "InvalidRequestError"},
      {"unknown model", "/api/v1/generate", R"({"prompt":"x","model":"mistral-7b"})", 404, "ModelNotFoundError"},
      {"unknown model (openai)", "/v1/chat/completions", R"({"messages":[{"role":"user","content":"x"}],"model":"gpt-4o"})", 404, "ModelNotFoundError"},
      {"path traversal", "/api/v1/generate", R"({"prompt":"x","model":"../models/stories260K.gguf"})", 404, "ModelNotFoundError"},
      {"absolute path", "/v1/completions", R"({"prompt":"x","model":"/etc/passwd"})", 404, "ModelNotFoundError"},
      {"prompt longer than the context", "/api/v1/generate", "{\"prompt\":\"" + LongPrompt() + "\"}", 400, "ContextLengthExceededError"},
      {"empty message list", "/api/v1/chat", R"({"messages":[]})", 400, "InvalidRequestError"},
      {"empty message list (openai)", "/v1/chat/completions", R"({"messages":[]})", 400, "InvalidRequestError"},
      {"invalid utf-8", "/api/v1/generate", std::string("{\"prompt\":\"caf\xC3\x28 \xFF\"}"), 400, "InvalidRequestError"},
  };
  std::vector<std::string> ids;
  for (const BadInput& b : cases) {
    auto r = c->Post(b.path.c_str(), b.body, kJson);
    ASSERT_TRUE(r) << b.name;
    EXPECT_EQ(r->status, b.status) << b.name << ": " << r->body;
    const json j = json::parse(r->body, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << b.name << ": " << r->body;
    const bool openai = b.path.rfind("/v1/", 0) == 0;
    if (openai) {
      ASSERT_TRUE(j["error"].is_object()) << b.name << ": " << r->body;
      for (const char* k : {"message", "type", "param", "code"}) EXPECT_TRUE(j["error"].contains(k)) << b.name << " " << k;
    } else if (b.path.rfind("/api/", 0) == 0) {
      EXPECT_EQ(j["error_type"], b.error_type) << b.name << ": " << r->body;
      EXPECT_EQ(j["status_code"], b.status) << b.name;
    }
    ids.push_back(r->get_header_value("X-Request-ID"));
    auto health = c->Get("/api/v1/health");  // still serving
    ASSERT_TRUE(health) << "after " << b.name;
    EXPECT_EQ(health->status, 200);
  }
  auto ok = c->Post("/api/v1/generate", R"({"prompt":"Once","max_tokens":4})", kJson);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(server->Stop(), 0);
  const std::vector<json> errors = ReadRecords(server->log_dir() + "/errors.log");
  for (size_t i = 0; i < cases.size(); ++i) {
    int matching = 0;
    for (const json& r : RecordsOf(errors, ids[i])) {
      if (r["type"] == "error" && r["error_type"] == cases[i].error_type && r["status_code"] == cases[i].status) ++matching;
    }
    EXPECT_EQ(matching, 1) << cases[i].name;
  }
}

TEST(RobustnessApi, AFullQueueAnswers503WithRetryAfterAndLogsServerBusy) {
  auto server = StartApiServer({{"PARALLEL", "1"}, {"MAX_QUEUE", "1"}});
  ASSERT_TRUE(server);
  std::atomic<int> ok{0}, busy{0}, other{0};
  std::atomic<bool> retry_after{true};
  std::vector<std::thread> threads;
  for (int i = 0; i < 12; ++i) {
    threads.emplace_back([&] {
      auto c = server->Client();
      auto r = c->Post("/v1/completions", R"({"prompt":"Once upon a time","max_tokens":600})", kJson);
      if (r && r->status == 200) {
        ++ok;
      } else if (r && r->status == 503) {
        ++busy;
        if (r->get_header_value("Retry-After").empty()) retry_after = false;
        if (json::parse(r->body)["error"]["code"] != "server_busy") retry_after = false;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GE(ok.load(), 2);
  EXPECT_GE(busy.load(), 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_TRUE(retry_after.load());
  EXPECT_EQ(server->Client()->Post("/api/v1/generate", R"({"prompt":"x","max_tokens":2})", kJson)->status, 200);
  EXPECT_EQ(server->Stop(), 0);
  int logged = 0;
  for (const json& r : ReadRecords(server->log_dir() + "/errors.log")) logged += r.value("error_type", "") == "ServerBusyError" && r["type"] == "error";
  EXPECT_EQ(logged, busy.load());
}

// Opens a connection and sends a POST /api/v1/generate with `body`; returns the socket.
int SendGenerate(int port, const std::string& body) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string req = "POST /api/v1/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                          "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  EXPECT_EQ(send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  return fd;
}

// Resets the connection (SO_LINGER 0) so the server sees it go at once.
void Reset(int fd) {
  linger l{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close(fd);
}

// Sends a streamed request on a raw socket, reads until the first SSE event, then resets it.
void StreamThenDisconnect(int port, const std::string& body) {
  int fd = SendGenerate(port, body);
  std::string got;
  char buf[4096];
  while (got.find("data: ") == std::string::npos) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    ASSERT_GT(n, 0);
    got.append(buf, static_cast<size_t>(n));
  }
  Reset(fd);
}

// The generation_cancelled events of a log directory.
std::vector<json> CancelledEvents(const std::string& log_dir) {
  std::vector<json> out;
  for (const json& r : ReadAllApiRecords(log_dir)) {
    if (r.value("event_type", "") == "generation_cancelled") out.push_back(r);
  }
  return out;
}

TEST(RobustnessApi, AClientDisconnectCancelsItsGeneration) {
  auto server = StartApiServer();
  ASSERT_TRUE(server);
  StreamThenDisconnect(server->process->port(), R"({"prompt":"Once upon a time","max_tokens":2000,"stream":true})");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto after = server->Client()->Post("/api/v1/generate", R"({"prompt":"Once","max_tokens":4})", kJson);
  EXPECT_EQ(after->status, 200);  // the slot was freed
  EXPECT_EQ(server->Stop(), 0);
  const std::vector<json> cancelled = CancelledEvents(server->log_dir());
  ASSERT_EQ(cancelled.size(), 1u);
  EXPECT_EQ(cancelled[0]["reason"], "client_disconnected");
  EXPECT_LT(cancelled[0]["completion_tokens"].get<int>(), 2000);
  EXPECT_EQ(cancelled[0]["model_name"], "stories260K.gguf");
}

TEST(RobustnessApi, AClientDisconnectCancelsANonStreamedGeneration) {
  auto server = StartApiServer();
  ASSERT_TRUE(server);
  ASSERT_EQ(server->Client()->Post("/api/v1/generate", R"({"prompt":"x","max_tokens":1})", kJson)->status, 200);
  int fd = SendGenerate(server->process->port(), R"({"prompt":"Once upon a time","max_tokens":2000})");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // generating by now
  Reset(fd);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(server->Stop(), 0);
  const std::vector<json> cancelled = CancelledEvents(server->log_dir());
  ASSERT_EQ(cancelled.size(), 1u);
  EXPECT_EQ(cancelled[0]["reason"], "client_disconnected");
  EXPECT_LT(cancelled[0]["completion_tokens"].get<int>(), 2000);
}

// SIGTERMs `server` while a greedy generation of `max_tokens` on synth-llama3-q4_0.gguf runs
// (loaded first, so it starts generating at once; stopped after `running`). Returns the
// generation's HTTP status, the server's exit code and how long the stop took.
struct StopWhileGenerating {
  int status = 0;
  int exit_code = -1;
  double stop_seconds = 0;
};

StopWhileGenerating StopDuringGeneration(ApiServer& server, int max_tokens, std::chrono::milliseconds running) {
  StopWhileGenerating out;
  auto loaded = server.Client()->Post(
      "/api/v1/generate", R"({"model":"synth-llama3-q4_0.gguf","prompt":"x","max_tokens":1})", kJson);
  EXPECT_TRUE(loaded && loaded->status == 200);
  std::atomic<int> status{0};
  std::thread gen([&] {
    auto r = server.Client()->Post("/api/v1/generate",
                                   R"({"model":"synth-llama3-q4_0.gguf","prompt":"Once upon a time","max_tokens":)" +
                                       std::to_string(max_tokens) + "}",
                                   kJson);
    status = r ? r->status : -1;
  });
  std::this_thread::sleep_for(running);
  const auto t0 = std::chrono::steady_clock::now();
  out.exit_code = server.Stop();
  out.stop_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  gen.join();
  out.status = status.load();
  return out;
}

TEST(RobustnessApi, SigtermCancelsGenerationsThatOutliveTheGracePeriod) {
  auto server = StartApiServer({{"SHUTDOWN_GRACE_SECONDS", "0.3"}});
  ASSERT_TRUE(server);
  const StopWhileGenerating stop = StopDuringGeneration(*server, 4000, std::chrono::milliseconds(500));
  EXPECT_EQ(stop.exit_code, 0);
  EXPECT_EQ(stop.status, 503);
  EXPECT_LT(stop.stop_seconds, 8.0);
  const std::vector<json> records = ReadAllApiRecords(server->log_dir());
  bool cancelled = false, stopped = false;
  for (const json& r : records) {
    if (r.value("event_type", "") == "generation_cancelled") cancelled = r["reason"] == "shutdown";
    if (r.value("event_type", "") == "server_stopped") stopped = true;
  }
  EXPECT_TRUE(cancelled);
  EXPECT_TRUE(stopped);
}

TEST(RobustnessApi, AGenerationStopsAtMaxGenerationSeconds) {
  auto server = StartApiServer({{"MAX_GENERATION_SECONDS", "0.5"}});
  ASSERT_TRUE(server);
  auto r = server->Client()->Post("/api/v1/generate",
                                  R"({"model":"synth-llama3-q4_0.gguf","prompt":"Once upon a time","max_tokens":4000})", kJson);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json j = json::parse(r->body);
  EXPECT_EQ(j["finish_reason"], "time_limit");
  EXPECT_LT(j["usage"]["completion_tokens"].get<int>(), 4000);
  EXPECT_LT(j["generation_time"].get<double>(), 5.0);
  auto o = server->Client()->Post("/v1/completions",
                                  R"({"model":"synth-llama3-q4_0.gguf","prompt":"Once upon a time","max_tokens":4000})", kJson);
  ASSERT_TRUE(o);
  ASSERT_EQ(o->status, 200) << o->body;
  EXPECT_EQ(json::parse(o->body)["choices"][0]["finish_reason"], "length");  // OpenAI has no other name for a limit
  EXPECT_EQ(server->Stop(), 0);
}

TEST(RobustnessApi, SigtermLetsAShortGenerationFinish) {
  auto server = StartApiServer({{"SHUTDOWN_GRACE_SECONDS", "20"}});
  ASSERT_TRUE(server);
  const StopWhileGenerating stop = StopDuringGeneration(*server, 100, std::chrono::milliseconds(300));
  EXPECT_EQ(stop.exit_code, 0);
  EXPECT_EQ(stop.status, 200);
}

TEST(RobustnessApi, TheApiKeyIsEnforcedAndNeverLogged) {
  ScratchDir keys;
  const std::string key = "sk-llmapi-test-7f3a9c";
  std::ofstream(keys / "key") << key << "\n";
  auto server = StartApiServer({{"PROTECT_METRICS", "False"}}, {"--api-key-file", keys / "key"});
  ASSERT_TRUE(server);
  auto c = server->Client();
  EXPECT_EQ(c->Post("/api/v1/generate", R"({"prompt":"x","max_tokens":2})", kJson)->status, 401);
  auto wrong = c->Post("/v1/chat/completions", {{"Authorization", "Bearer sk-wrong"}}, R"({"messages":[{"role":"user","content":"x"}]})", kJson);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(json::parse(wrong->body)["error"]["type"], "authentication_error");
  EXPECT_EQ(c->Get("/api/v1/models")->status, 401);
  EXPECT_EQ(c->Get("/v1/models")->status, 401);
  EXPECT_EQ(c->Get("/api/v1/health")->status, 200);
  EXPECT_EQ(c->Get("/metrics")->status, 200);
  httplib::Headers auth = {{"Authorization", "Bearer " + key}};
  EXPECT_EQ(c->Post("/api/v1/generate", auth, R"({"prompt":"x","max_tokens":2})", kJson)->status, 200);
  EXPECT_EQ(c->Get("/v1/models", auth)->status, 200);
  EXPECT_EQ(server->Stop(), 0);
  for (const char* f : {"/api.log", "/errors.log"}) {
    const std::string text = ReadFile(server->log_dir() + f);
    EXPECT_EQ(text.find(key), std::string::npos) << f;
  }
  EXPECT_NE(ReadFile(server->log_dir() + "/errors.log").find("AuthenticationError"), std::string::npos);
}

TEST(RobustnessApi, ProtectMetricsGuardsHealthAndMetricsWithTheEnvironmentKey) {
  auto server = StartApiServer({{"LLM_API_KEY", "env-key-123"}, {"PROTECT_METRICS", "True"}});
  ASSERT_TRUE(server);
  auto c = server->Client();
  EXPECT_EQ(c->Get("/metrics")->status, 401);
  EXPECT_EQ(c->Get("/api/v1/health")->status, 401);
  EXPECT_EQ(c->Get("/metrics", {{"Authorization", "Bearer env-key-123"}})->status, 200);
  EXPECT_EQ(server->Stop(), 0);
}

TEST(RobustnessApi, MalformedSettingsStopTheServerWithExit2) {
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"PARALLEL", "0"}, {"MAX_QUEUE", "lots"}, {"MAX_GENERATION_SECONDS", "-1"}, {"PROTECT_METRICS", "perhaps"}}) {
    ScratchDir dir;
    RunResult r = RunToExit({{"LOG_DIR", dir / "logs"}, {"MODELS_DIR", SharedDir() + "/models"}, {name, value}});
    EXPECT_EQ(r.exit_code, 2) << name;
    EXPECT_NE(r.err.find(name), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace llm::test
