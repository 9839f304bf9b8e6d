// Named API keys and security monitoring end to end: the real `llm-api serve` with an
// API_KEYS_FILE, its records and metrics, the 401 answer, a SIGHUP reload under an open
// keep-alive connection, and log_viewer --stats / --security / --check on the logs that
// hostile requests produced.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "integration_api/api_test_util.h"

namespace llm::test {
namespace {
using nlohmann::json;

constexpr char kAliceKey[] = "sk-alice-0123456789";
constexpr char kBobKey[] = "sk-bob-9876543210";
constexpr char kCarolKey[] = "sk-carol-5555555555";

void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// Waits up to 10 s for `needle` to appear in `file` (the logger flushes every 200 ms).
bool WaitForText(const std::string& file, const std::string& needle) {
  for (int i = 0; i < 100; ++i) {
    if (ReadFile(file).find(needle) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// One HTTP/1.1 connection kept open across requests (to show a reload keeps connections).
class KeepAliveConnection {
 public:
  explicit KeepAliveConnection(int port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~KeepAliveConnection() { close(fd_); }
  bool connected() const { return connected_; }

  // Sends GET /v1/models with `key` and returns the status code; -1 when the connection broke.
  int GetModels(const std::string& key) {
    const std::string req = "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key + "\r\n\r\n";
    if (send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) return -1;
    std::string in;
    char buf[4096];
    while (true) {
      const size_t header_end = in.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        const size_t cl = in.find("Content-Length: ");
        if (cl != std::string::npos && cl < header_end) {
          const size_t length = std::stoul(in.substr(cl + 16));
          if (in.size() >= header_end + 4 + length) return std::stoi(in.substr(9, 3));
        }
      }
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return -1;
      in.append(buf, static_cast<size_t>(n));
    }
  }

 private:
  int fd_;
  bool connected_ = false;
};

TEST(NamedApiKeys, RecordsMetricsAnd401NameTheKeyButNeverShowIt) {
  ScratchDir keys_dir;
  const std::string keys_file = keys_dir / "keys.txt";
  WriteFile(keys_file, std::string("# team keys\nalice:") + kAliceKey + "\nbob:" + kBobKey + "\n");
  auto server = StartApiServer({{"API_KEYS_FILE", keys_file}, {"LLM_API_KEY", "sk-main-key-42"}});
  ASSERT_NE(server, nullptr);
  auto client = server->Client();
  auto gen = client->Post("/api/v1/generate", {{"Authorization", std::string("Bearer ") + kAliceKey}},
                          R"({"prompt":"Once","max_tokens":3})", "application/json");
  ASSERT_TRUE(gen);
  ASSERT_EQ(gen->status, 200) << gen->body;
  ASSERT_EQ(client->Get("/v1/models", {{"x-api-key", kBobKey}})->status, 200);
  ASSERT_EQ(client->Get("/api/v1/models", {{"Authorization", "Bearer sk-main-key-42"}})->status, 200);
  auto wrong = client->Post("/v1/completions", {{"Authorization", std::string("Bearer ") + kAliceKey + "x"}},
                            R"({"prompt":"x"})", "application/json");
  ASSERT_EQ(wrong->status, 401);
  EXPECT_EQ(wrong->get_header_value("WWW-Authenticate"), R"(Bearer realm="llm-api", error="invalid_token")");
  EXPECT_EQ(json::parse(wrong->body)["error"]["code"], "invalid_api_key");
  auto missing = client->Get("/api/v1/models");
  ASSERT_EQ(missing->status, 401);
  EXPECT_EQ(missing->get_header_value("WWW-Authenticate"), R"(Bearer realm="llm-api")");
  EXPECT_EQ(json::parse(missing->body)["error_type"], "AuthenticationError");
  const std::string metrics = client->Get("/metrics")->body;
  EXPECT_NE(metrics.find(R"(llm_api_requests_by_key_total{api_key_name="alice",status="200"} 1)"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find(R"(llm_api_requests_by_key_total{api_key_name="default",status="200"} 1)"), std::string::npos);
  EXPECT_NE(metrics.find(R"(llm_api_requests_by_key_total{api_key_name="anonymous",status="401"} 2)"), std::string::npos);
  EXPECT_NE(metrics.find("llm_api_http_requests_total{endpoint=\"generate_response\",status=\"200\"} 1"), std::string::npos);

  const std::string gen_id = gen->get_header_value("X-Request-ID");
  const std::string wrong_id = wrong->get_header_value("X-Request-ID");
  ASSERT_EQ(server->Stop(), 0);
  for (const char* f : {"/api.log", "/errors.log"}) {
    const std::string all = ReadFile(server->log_dir() + f);
    for (const char* secret : {kAliceKey, kBobKey, "sk-main-key-42", "sk-alice", "sk-bob"})
      EXPECT_EQ(all.find(secret), std::string::npos) << f << " shows " << secret;
  }
  const std::vector<json> records = ReadAllApiRecords(server->log_dir());
  std::set<std::string> gen_types;
  for (const json& r : RecordsOf(records, gen_id)) {
    EXPECT_EQ(r.value("api_key_name", ""), "alice") << r.dump();
    gen_types.insert(r.value("event_type", r["type"].get<std::string>()));
  }
  EXPECT_EQ(gen_types, (std::set<std::string>{"request", "response", "text_generation_success"}));
  int security_events = 0, error_records = 0;
  for (const json& r : RecordsOf(records, wrong_id)) {
    EXPECT_FALSE(r.contains("api_key_name")) << r.dump();
    if (r["type"] == "request") {
      EXPECT_EQ(r["headers"]["Authorization"], "[REDACTED]");
    }
    if (r.value("event_type", "") == "security_event") {
      ++security_events;
      EXPECT_EQ(r["reason"], "auth_failed");
      EXPECT_EQ(r["remote_addr"], "127.0.0.1");
    }
    if (r["type"] == "error") {
      ++error_records;
      EXPECT_EQ(r["remote_addr"], "127.0.0.1");
      EXPECT_NE(r["error_message"].get<std::string>().find("client 127.0.0.1"), std::string::npos);
    }
  }
  EXPECT_EQ(security_events, 1);
  EXPECT_EQ(error_records, 1);
}

TEST(NamedApiKeys, DuplicateNamesOrKeysRefuseToStart) {
  ScratchDir dir;
  WriteFile(dir / "dup_names.txt", "alice:sk-one-111111\nalice:sk-two-222222\n");
  WriteFile(dir / "dup_keys.json", R"({"alice": "sk-same-123456", "bob": "sk-same-123456"})");
  RunResult names = RunToExit({{"API_KEYS_FILE", dir / "dup_names.txt"}, {"LOG_DIR", dir / "logs"}});
  EXPECT_EQ(names.exit_code, 2);
  EXPECT_NE(names.err.find("duplicate key name 'alice'"), std::string::npos) << names.err;
  RunResult keys = RunToExit({{"LOG_DIR", dir / "logs"}}, {"--api-keys-file", dir / "dup_keys.json"});
  EXPECT_EQ(keys.exit_code, 2);
  EXPECT_NE(keys.err.find("repeats another key"), std::string::npos) << keys.err;
  EXPECT_EQ(keys.err.find("sk-same"), std::string::npos) << keys.err;
}

TEST(NamedApiKeys, SighupReloadsTheFileWithoutDroppingAKeepAliveConnection) {
  ScratchDir keys_dir;
  const std::string keys_file = keys_dir / "keys.json";
  WriteFile(keys_file, std::string(R"({"keys": [{"name": "alice", "key": ")") + kAliceKey + R"("}]})");
  auto server = StartApiServer({{"API_KEYS_FILE", keys_file}});
  ASSERT_NE(server, nullptr);
  KeepAliveConnection conn(server->process->port());
  ASSERT_TRUE(conn.connected());
  ASSERT_EQ(conn.GetModels(kAliceKey), 200);
  ASSERT_EQ(conn.GetModels(kBobKey), 401);

  WriteFile(keys_file, std::string("bob:") + kBobKey + "\ncarol:" + kCarolKey + "\n");
  server->process->Signal(SIGHUP);
  ASSERT_TRUE(WaitForText(server->log_dir() + "/api.log", "\"api_keys_reloaded\""));
  EXPECT_EQ(conn.GetModels(kBobKey), 200);    // the same connection, the new keys
  EXPECT_EQ(conn.GetModels(kAliceKey), 401);  // removed from the file
  EXPECT_EQ(conn.GetModels(kCarolKey), 200);

  WriteFile(keys_file, "bob:sk-x-1111111\nbob:sk-y-2222222\n");  // broken: the old keys stay
  server->process->Signal(SIGHUP);
  ASSERT_TRUE(WaitForText(server->log_dir() + "/errors.log", "ApiKeysReloadError"));
  EXPECT_EQ(conn.GetModels(kBobKey), 200);
  EXPECT_EQ(conn.GetModels("sk-x-1111111"), 401);
  ASSERT_EQ(server->Stop(), 0);

  int reloaded = 0;
  for (const json& r : ReadAllApiRecords(server->log_dir())) {
    if (r.value("event_type", "") == "api_keys_reloaded") {
      ++reloaded;
      EXPECT_EQ(r["key_count"], 2);
    }
    if (r.value("error_type", "") == "ApiKeysReloadError") {
      EXPECT_NE(r["error_message"].get<std::string>().find("duplicate key name 'bob'"), std::string::npos);
    }
    EXPECT_EQ(r.dump().find("sk-"), std::string::npos) << r.dump();
  }
  EXPECT_EQ(reloaded, 1);
}

}  // namespace
}  // namespace llm::test
