// log_viewer --security, --check --max-auth-failures and the per-key usage of --stats, on a
// hand-written api.log whose findings are known exactly.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "logview/test_util.h"

namespace llm::logview::testing {
namespace {
using nlohmann::json;

// 2026-06-21T00:00:SS.mmmZ (seconds may exceed 59: minutes are carried).
std::string At(double seconds) {
  const int whole = static_cast<int>(seconds);
  char buf[64];
  std::snprintf(buf, sizeof buf, "2026-06-21T00:%02d:%02d.%03dZ", whole / 60, whole % 60,
                static_cast<int>((seconds - whole) * 1000 + 0.5));
  return buf;
}

json Base(double t, const std::string& type, const std::string& addr, const std::string& id, const std::string& key) {
  json r = {{"timestamp", At(t)}, {"level", "INFO"}, {"type", type}, {"message", type}, {"module", "logger"},
            {"request_id", id}, {"remote_addr", addr}};
  if (!key.empty()) r["api_key_name"] = key;
  return r;
}

class SecurityLog {
 public:
  void Request(double t, const std::string& addr, const std::string& path, int status, const std::string& key = "") {
    const std::string id = "req_" + std::to_string(next_id_++);
    json req = Base(t, "request", addr, id, key);
    req["path"] = path;
    json res = Base(t + 0.001, "response", addr, id, key);
    res["url"] = "http://127.0.0.1:5000" + path + "?q=1";
    res["status_code"] = status;
    res["duration_ms"] = 1.5;
    lines_.push_back(req.dump());
    lines_.push_back(res.dump());
    last_id_ = id;
  }
  void Security(double t, const std::string& addr, const std::string& reason, const std::string& key = "") {
    json e = Base(t, "custom_event", addr, last_id_, key);
    e["level"] = "WARNING";
    e["event_type"] = "security_event";
    e["reason"] = reason;
    lines_.push_back(e.dump());
  }
  void Generation(double t, const std::string& key, int prompt, int completion) {
    json e = Base(t, "custom_event", "127.0.0.1", last_id_, key);
    e["event_type"] = "text_generation_success";
    e["model_name"] = "m.gguf";
    e["prompt_tokens"] = prompt;
    e["completion_tokens"] = completion;
    lines_.push_back(e.dump());
  }
  void Write(const std::string& dir) const {
    std::ofstream out(dir + "/api.log");
    for (const std::string& l : lines_) out << l << "\n";
    out << "{\"torn\n";  // a bad line is counted and skipped
  }

 private:
  std::vector<std::string> lines_;
  std::string last_id_;
  int next_id_ = 1;
};

// 10.0.0.66: 3 auth failures, a ../ and a CR/LF attempt, 12 distinct 404s, a 413 with its
// body_too_large event (one refusal), a nesting refusal; 10.0.0.77: a burst of 30 requests in
// 2 s under key "ci"; 127.0.0.1: ordinary traffic under key "alice".
SecurityLog HostileLog() {
  SecurityLog log;
  for (int i = 0; i < 3; ++i) {
    log.Request(10 + i, "10.0.0.66", "/v1/models", 401);
    log.Security(10 + i, "10.0.0.66", "auth_failed");
  }
  log.Request(20, "10.0.0.66", "/api/v1/generate", 404);
  log.Security(20, "10.0.0.66", "path_traversal");
  log.Request(21, "10.0.0.66", "/api/v1/generate", 404);
  log.Security(21, "10.0.0.66", "injection");
  for (int i = 0; i < 12; ++i) log.Request(30 + i, "10.0.0.66", "/admin/probe" + std::to_string(i), 404);
  log.Request(50, "10.0.0.66", "/api/v1/generate", 413);
  log.Security(50, "10.0.0.66", "body_too_large");
  log.Request(51, "10.0.0.66", "/api/v1/chat", 400);
  log.Security(51, "10.0.0.66", "nesting_too_deep");
  for (int i = 0; i < 30; ++i) log.Request(71 + i * 0.05, "10.0.0.77", "/api/v1/health", 200, "ci");
  log.Request(100, "127.0.0.1", "/api/v1/generate", 200, "alice");
  log.Generation(100.5, "alice", 5, 16);
  log.Request(101, "127.0.0.1", "/api/v1/generate", 500, "alice");
  return log;
}

TEST(LogViewerSecurity, SummarisesEachFindingPerClientWithFirstAndLastTime) {
  TempDir dir;
  HostileLog().Write(dir.path());
  CommandResult r = RunLogViewer({"--security", "--json", "--burst-threshold", "20", "--log-dir", dir.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["mode"], "security");
  EXPECT_EQ(j["bad_lines"], 1);
  const json& t = j["totals"];
  EXPECT_EQ(t["auth_failures"], 3);
  EXPECT_EQ(t["path_traversal"], 1);
  EXPECT_EQ(t["injection"], 1);
  EXPECT_EQ(t["refused_size"], 1);  // the 413 and its event are one refusal
  EXPECT_EQ(t["refused_depth"], 1);
  EXPECT_EQ(t["not_found_scans"], 1);
  EXPECT_EQ(t["bursts"], 1);
  ASSERT_EQ(j["by_client"].size(), 2u);  // 127.0.0.1 has nothing suspicious
  const json& hostile = j["by_client"][0];
  EXPECT_EQ(hostile["remote_addr"], "10.0.0.66");
  EXPECT_EQ(hostile["auth_failures"]["first"], "2026-06-21T00:00:10.000000Z");
  EXPECT_EQ(hostile["auth_failures"]["last"], "2026-06-21T00:00:12.000000Z");
  EXPECT_EQ(hostile["not_found"]["distinct_paths"], 13);  // 12 probes + /api/v1/generate
  EXPECT_TRUE(hostile["not_found"]["scan"].get<bool>());
  EXPECT_EQ(hostile["bursts"]["count"], 0);
  const json& burst = j["by_client"][1];
  EXPECT_EQ(burst["remote_addr"], "10.0.0.77");
  EXPECT_EQ(burst["bursts"]["count"], 1);
  EXPECT_EQ(burst["bursts"]["requests_in_bursts"], 30);
  EXPECT_EQ(burst["bursts"]["first"], "2026-06-21T00:01:11.000000Z");
  bool ci_listed = false;
  for (const json& k : j["by_key"]) ci_listed |= k["api_key_name"] == "ci" && k["bursts"]["count"] == 1;
  EXPECT_TRUE(ci_listed) << j["by_key"].dump();
}

TEST(LogViewerSecurity, ThreadsMergeToTheSameReport) {
  TempDir dir;
  SecurityLog log;
  for (int i = 0; i < 3000; ++i) {  // 10 clients, traffic spread over 25 minutes
    const std::string addr = "10.1.0." + std::to_string(i % 10);
    log.Request(i * 0.5, addr, "/missing/" + std::to_string(i % 37), i % 3 ? 404 : 413, i % 4 ? "" : "k" + std::to_string(i % 3));
    if (i % 6 == 0) log.Security(i * 0.5, addr, "body_too_large");  // about a 413 request
    if (i % 5 == 0) log.Security(i * 0.5, addr, "auth_failed");
  }
  log.Write(dir.path());
  CommandResult one = RunLogViewer({"--security", "--json", "--threads", "1", "--burst-threshold", "15", "--log-dir", dir.path()});
  CommandResult four = RunLogViewer({"--security", "--json", "--threads", "4", "--burst-threshold", "15", "--log-dir", dir.path()});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  ASSERT_EQ(four.exit_code, 0) << four.err;
  EXPECT_EQ(json::parse(one.out), json::parse(four.out));
  const json t = json::parse(one.out)["totals"];
  EXPECT_EQ(t["auth_failures"], 600);
  EXPECT_EQ(t["refused_size"], 1000);  // every 413, its body_too_large event not counted twice
  EXPECT_EQ(t["not_found_scans"], 10);
}

TEST(LogViewerSecurity, BurstThresholdAndScanMinimumAreHonoured) {
  TempDir dir;
  HostileLog().Write(dir.path());
  CommandResult r = RunLogViewer({"--security", "--json", "--burst-threshold", "30", "--scan-min-404", "14",
                                  "--log-dir", dir.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json t = json::parse(r.out)["totals"];
  EXPECT_EQ(t["bursts"], 0);           // 30 is not more than 30
  EXPECT_EQ(t["not_found_scans"], 0);  // 13 distinct paths < 14
}

TEST(LogViewerSecurity, TextReportNamesTheClientsAndFindings) {
  TempDir dir;
  HostileLog().Write(dir.path());
  CommandResult r = RunLogViewer({"--security", "--burst-threshold", "20", "--log-dir", dir.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Security summary"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("10.0.0.66"), std::string::npos);
  EXPECT_NE(r.out.find("auth failures                3  first 2026-06-21T00:00:10"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("404 SCAN"), std::string::npos);
  EXPECT_NE(r.out.find("request bursts"), std::string::npos);
}

TEST(LogViewerSecurity, CheckMaxAuthFailuresExitsOneOnlyWhenExceeded) {
  TempDir dir;
  HostileLog().Write(dir.path());
  CommandResult over = RunLogViewer({"--check", "--max-auth-failures", "2", "--log-dir", dir.path()});
  EXPECT_EQ(over.exit_code, 1) << over.out << over.err;
  EXPECT_NE(over.out.find("CHECK FAILED: auth failures 3 > max 2 (most from 10.0.0.66: 3)"), std::string::npos)
      << over.out;
  CommandResult within = RunLogViewer({"--check", "--max-auth-failures", "3", "--log-dir", dir.path()});
  EXPECT_EQ(within.exit_code, 0) << within.out << within.err;
  CommandResult json_out = RunLogViewer({"--check", "--json", "--max-auth-failures", "0", "--log-dir", dir.path()});
  EXPECT_EQ(json_out.exit_code, 1);
  EXPECT_EQ(json::parse(json_out.out)["security_totals"]["auth_failures"], 3);
}

TEST(LogViewerEntries, ShowTheApiKeyNameOfEachRecord) {
  TempDir dir;
  HostileLog().Write(dir.path());
  CommandResult r = RunLogViewer({"--type", "api", "--lines", "3", "--log-dir", dir.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("key=alice"), std::string::npos) << r.out;
}

TEST(LogViewerStats, ReportsUsagePerApiKeyName) {
  TempDir dir;
  HostileLog().Write(dir.path());
  CommandResult r = RunLogViewer({"--stats", "--json", "--log-dir", dir.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json report = json::parse(r.out);
  std::map<std::string, json> keys;
  for (const json& k : report["api_keys"]) keys[k["api_key_name"].get<std::string>()] = k;
  ASSERT_EQ(keys.size(), 3u) << r.out;
  EXPECT_EQ(keys["alice"]["requests"], 2);
  EXPECT_EQ(keys["alice"]["errors"], 1);
  EXPECT_EQ(keys["alice"]["prompt_tokens"], 5);
  EXPECT_EQ(keys["alice"]["completion_tokens"], 16);
  EXPECT_EQ(keys["ci"]["requests"], 30);
  EXPECT_EQ(keys["anonymous"]["requests"], 19);
  CommandResult text = RunLogViewer({"--stats", "--log-dir", dir.path()});
  EXPECT_NE(text.out.find("Usage per API key"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("alice"), std::string::npos);
}

}  // namespace
}  // namespace llm::logview::testing
