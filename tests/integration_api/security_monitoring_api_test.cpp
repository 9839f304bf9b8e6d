// Security monitoring end to end: hostile requests against the real `llm-api serve` (wrong keys,
// traversal and CR/LF model names, a 404 scan, a burst), then log_viewer --security, --check
// --max-auth-failures and --stats on the logs the server wrote.
#include <fstream>

#include <gtest/gtest.h>

#include "integration_api/api_test_util.h"

namespace llm::test {
namespace {
using nlohmann::json;

constexpr char kKey[] = "sk-monitor-0123456789";

std::string LogViewer(const std::string& log_dir, const std::string& args) {
  return BinDir() + "/log_viewer --log-dir " + log_dir + " --no-color " + args + " 2>&1";
}

class SecurityMonitoring : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    keys_dir_ = new ScratchDir();
    std::ofstream(*keys_dir_ / "keys.txt") << "monitor:" << kKey << "\n";
    server_ = StartApiServer({{"API_KEYS_FILE", *keys_dir_ / "keys.txt"}}).release();
    ASSERT_NE(server_, nullptr);
    auto c = server_->Client();
    const httplib::Headers auth = {{"Authorization", std::string("Bearer ") + kKey}};
    for (int i = 0; i < 4; ++i) {  // wrong keys, and one missing
      httplib::Headers h;
      if (i < 3) h = {{"Authorization", "Bearer sk-guess-" + std::to_string(i)}};
      ASSERT_EQ(c->Get("/v1/models", h)->status, 401);
    }
    for (const char* body : {R"({"prompt":"x","model":"../../../etc/passwd"})", R"({"prompt":"x","model":"%2e%2e%2fkeys"})",
                             R"({"prompt":"x","model":"m\r\nX-Injected: yes"})"}) {
      ASSERT_EQ(c->Post("/api/v1/generate", auth, body, "application/json")->status, 404) << body;
    }
    for (int i = 0; i < 12; ++i) {  // a scan for well-known files
      ASSERT_EQ(c->Get(("/probe/" + std::to_string(i) + "/.env").c_str())->status, 404);
    }
    for (int i = 0; i < 80; ++i) ASSERT_EQ(c->Get("/api/v1/health")->status, 200);  // a burst
    ASSERT_EQ(c->Post("/api/v1/generate", auth, R"({"prompt":"Once","max_tokens":3})", "application/json")->status, 200);
    ASSERT_EQ(server_->Stop(), 0);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete keys_dir_;
  }
  static std::string LogDir() { return server_->log_dir(); }

  static ScratchDir* keys_dir_;
  static ApiServer* server_;
};
ScratchDir* SecurityMonitoring::keys_dir_ = nullptr;
ApiServer* SecurityMonitoring::server_ = nullptr;

TEST_F(SecurityMonitoring, SecurityReportCountsEveryHostilePatternOfTheClient) {
  std::string out;
  ASSERT_EQ(RunCommand(LogViewer(LogDir(), "--security --json --burst-threshold 30"), &out), 0) << out;
  const json j = json::parse(out);
  const json& t = j["totals"];
  EXPECT_EQ(t["auth_failures"], 4);
  EXPECT_EQ(t["path_traversal"], 2);
  EXPECT_EQ(t["injection"], 1);
  EXPECT_EQ(t["not_found_scans"], 1);
  EXPECT_GE(t["bursts"].get<int>(), 1);
  ASSERT_EQ(j["by_client"].size(), 1u);
  const json& client = j["by_client"][0];
  EXPECT_EQ(client["remote_addr"], "127.0.0.1");
  EXPECT_GE(client["not_found"]["distinct_paths"].get<int>(), 12);
  EXPECT_TRUE(client["auth_failures"]["first"].is_string());
  EXPECT_LE(client["auth_failures"]["first"].get<std::string>(), client["auth_failures"]["last"].get<std::string>());
  // The traversal attempts were made with a valid key: they show under its name.
  bool monitor_traversal = false;
  for (const json& k : j["by_key"]) monitor_traversal |= k["api_key_name"] == "monitor" && k["path_traversal"]["count"] == 2;
  EXPECT_TRUE(monitor_traversal) << j["by_key"].dump();
  EXPECT_EQ(out.find(kKey), std::string::npos);
}

TEST_F(SecurityMonitoring, CheckMaxAuthFailuresFailsTheCronJobOnlyAboveTheLimit) {
  std::string out;
  EXPECT_EQ(RunCommand(LogViewer(LogDir(), "--check --max-auth-failures 3"), &out), 1) << out;
  EXPECT_NE(out.find("CHECK FAILED: auth failures 4 > max 3"), std::string::npos) << out;
  out.clear();
  EXPECT_EQ(RunCommand(LogViewer(LogDir(), "--check --max-auth-failures 4"), &out), 0) << out;
}

TEST_F(SecurityMonitoring, StatsShowUsagePerKeyName) {
  std::string out;
  ASSERT_EQ(RunCommand(LogViewer(LogDir(), "--stats --json"), &out), 0) << out;
  const json report = json::parse(out);
  json monitor, anonymous;
  for (const json& k : report["api_keys"]) {
    if (k["api_key_name"] == "monitor") monitor = k;
    if (k["api_key_name"] == "anonymous") anonymous = k;
  }
  ASSERT_TRUE(monitor.is_object()) << report["api_keys"].dump();
  EXPECT_EQ(monitor["requests"], 4);  // three refused names and one generation
  EXPECT_EQ(monitor["errors"], 3);
  EXPECT_EQ(monitor["generations"], 1);
  EXPECT_GT(monitor["completion_tokens"].get<int>(), 0);
  EXPECT_EQ(anonymous["requests"], 4 + 12 + 80);
  out.clear();
  ASSERT_EQ(RunCommand(LogViewer(LogDir(), "--stats"), &out), 0);
  EXPECT_NE(out.find("Usage per API key"), std::string::npos) << out;
}

}  // namespace
}  // namespace llm::test
