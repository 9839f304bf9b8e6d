// The real `llm-api serve`: requests over loopback, SIGTERM, then the files.
#include <httplib.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "integration_logging/server_process.h"

namespace llm::test {
namespace {

std::map<std::string, std::string> Env(const ScratchDir& dir,
                                       std::map<std::string, std::string> extra = {}) {
  extra.emplace("LOG_DIR", dir / "logs");
  return extra;
}

// Every request record has exactly one response record with its request_id, and vice versa.
void ExpectPairedRequestsAndResponses(const std::vector<nlohmann::json>& records) {
  std::map<std::string, int> requests, responses;
  for (const auto& r : records) {
    if (r["type"] == "request") ++requests[r["request_id"]];
    if (r["type"] == "response") ++responses[r["request_id"]];
  }
  EXPECT_FALSE(requests.empty());
  for (const auto& [id, n] : requests) {
    EXPECT_EQ(n, 1) << id;
    EXPECT_EQ(responses[id], 1) << id;
  }
  EXPECT_EQ(requests.size(), responses.size());
}

TEST(ServeLogging, RecordsEveryExchangeAndFlushesOnSigterm) {
  ScratchDir dir;
  std::string models = dir / "models";
  std::filesystem::create_directories(models);
  { std::ofstream(models + "/tiny.gguf") << "GGUF-bytes"; }
  { std::ofstream(models + "/notes.txt") << "x"; }
  auto server = ServerProcess::Start(Env(dir), {"--models-dir", models});
  ASSERT_NE(server, nullptr);
  httplib::Client client("127.0.0.1", server->port());

  auto health = client.Get("/api/v1/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  nlohmann::json h = nlohmann::json::parse(health->body);
  EXPECT_EQ(h["status"], "healthy");
  EXPECT_TRUE(h.contains("version"));
  EXPECT_TRUE(h.contains("uptime_seconds"));
  EXPECT_TRUE(h["logging"].contains("records_written"));
  std::string generated_id = health->get_header_value("X-Request-ID");
  EXPECT_EQ(generated_id.rfind("req_", 0), 0u);

  auto list = client.Get("/api/v1/models");
  ASSERT_TRUE(list);
  nlohmann::json m = nlohmann::json::parse(list->body);
  ASSERT_EQ(m["models"].size(), 1u);
  EXPECT_EQ(m["models"][0]["name"], "tiny.gguf");
  EXPECT_EQ(m["models"][0]["size"], 10);
  EXPECT_TRUE(m["models"][0]["modified"].get<std::string>().ends_with("Z"));

  auto missing = client.Get("/api/v1/nothing");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(nlohmann::json::parse(missing->body)["error_type"], "NotFoundError");

  httplib::Headers secret_headers = {{"Authorization", "Bearer sk-live-SECRET1"},
                                     {"Cookie", "session=SECRET2"},
                                     {"X-API-Key", "SECRET3"},
                                     {"X-Request-ID", "client-chosen.id_1"},
                                     {"traceparent",
                                      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}};
  auto wrong = client.Post("/api/v1/health", secret_headers,
                           R"({"password":"SECRET4","api_key":"SECRET5","prompt":"hello\n{\"forged\":1}"})",
                           "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->get_header_value("X-Request-ID"), "client-chosen.id_1");
  EXPECT_EQ(wrong->get_header_value("Allow"), "GET");

  auto bad_id = client.Get("/api/v1/health", {{"X-Request-ID", std::string(129, 'a')}});
  ASSERT_TRUE(bad_id);
  EXPECT_EQ(bad_id->get_header_value("X-Request-ID").rfind("req_", 0), 0u);

  EXPECT_EQ(server->Stop(SIGTERM), 0);
  auto records = ReadRecords(dir / "logs/api.log");
  ASSERT_GE(records.size(), 10u);
  for (const auto& r : records) {
    for (const char* field : {"timestamp", "level", "message", "module", "type"}) {
      EXPECT_TRUE(r.contains(field)) << r.dump();
    }
    EXPECT_FALSE(r.contains("forged"));
  }
  EXPECT_EQ(records.front()["event_type"], "server_started");
  EXPECT_EQ(records.back()["event_type"], "server_stopped");
  EXPECT_TRUE(records.back().contains("records_written"));
  EXPECT_TRUE(records.back().contains("uptime_seconds"));
  ExpectPairedRequestsAndResponses(records);

  bool traced = false, health_endpoint = false;
  for (const auto& r : records) {
    if (r.value("request_id", "") == "client-chosen.id_1") {
      traced = true;
      EXPECT_EQ(r["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
      EXPECT_EQ(r["span_id"], "00f067aa0ba902b7");
      if (r["type"] == "request") {
        EXPECT_EQ(r["headers"]["Authorization"], "[REDACTED]");
        EXPECT_EQ(r["body"]["password"], "[REDACTED]");
        EXPECT_EQ(r["body"]["prompt"], "hello\n{\"forged\":1}");
      }
      if (r["type"] == "error") {
        EXPECT_EQ(r["error_type"], "MethodNotAllowedError");
      }
    }
    if (r["type"] == "response" && r["endpoint"] == "health_check") {
      health_endpoint = true;
      EXPECT_EQ(r["level"], "INFO");
      EXPECT_TRUE(r["duration_ms"].is_number());
      EXPECT_TRUE(r.contains("response_size"));
    }
  }
  EXPECT_TRUE(traced);
  EXPECT_TRUE(health_endpoint);

  for (const char* file : {"logs/api.log", "logs/errors.log"}) {
    std::string content = ReadFile(dir / file);
    for (const char* secret : {"SECRET1", "SECRET2", "SECRET3", "SECRET4", "SECRET5"}) {
      EXPECT_EQ(content.find(secret), std::string::npos) << secret << " in " << file;
    }
  }
  auto errors = ReadRecords(dir / "logs/errors.log");
  ASSERT_EQ(errors.size(), 1u);  // the 405; the unknown route writes no error record
  for (const auto& r : errors) {
    EXPECT_TRUE(r["level"] == "ERROR" || r["level"] == "CRITICAL") << r.dump();
  }
}

TEST(ServeLogging, RecordsReachTheFileWithinOneSecond) {
  ScratchDir dir;
  auto server = ServerProcess::Start(Env(dir));
  ASSERT_NE(server, nullptr);
  httplib::Client client("127.0.0.1", server->port());
  auto res = client.Get("/api/v1/health");
  ASSERT_TRUE(res);
  std::string id = res->get_header_value("X-Request-ID");
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  std::string content = ReadFile(dir / "logs/api.log");
  EXPECT_NE(content.find("\"request_id\":\"" + id + "\""), std::string::npos);
  EXPECT_NE(content.find("Outgoing response"), std::string::npos);
  EXPECT_EQ(server->Stop(SIGINT), 0);
}

TEST(ServeLogging, OversizedBodyIs413WithErrorRecord) {
  ScratchDir dir;
  auto server = ServerProcess::Start(Env(dir, {{"MAX_BODY_BYTES", "100"}}));
  ASSERT_NE(server, nullptr);
  httplib::Client client("127.0.0.1", server->port());
  auto res = client.Post("/api/v1/health", std::string(1000, 'x'), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  nlohmann::json body = nlohmann::json::parse(res->body);
  EXPECT_EQ(body["error_type"], "PayloadTooLargeError");
  EXPECT_EQ(server->Stop(SIGTERM), 0);
  auto errors = ReadRecords(dir / "logs/errors.log");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0]["error_type"], "PayloadTooLargeError");
  EXPECT_EQ(errors[0]["status_code"], 413);
  EXPECT_EQ(errors[0]["request_id"], body["request_id"]);
}

TEST(ServeLogging, LongBodiesAreTruncatedAndSlowRequestsMarked) {
  ScratchDir dir;
  auto server = ServerProcess::Start(
      Env(dir, {{"LOG_BODY_MAX_BYTES", "40"}, {"LOG_SLOW_REQUEST_MS", "0"}}));
  ASSERT_NE(server, nullptr);
  httplib::Client client("127.0.0.1", server->port());
  std::string body = R"({"prompt":")" + std::string(500, 'p') + R"(","token":"SECRET9"})";
  ASSERT_TRUE(client.Post("/api/v1/health", body, "application/json"));
  ASSERT_TRUE(client.Get("/api/v1/health"));
  EXPECT_EQ(server->Stop(SIGTERM), 0);
  std::string content = ReadFile(dir / "logs/api.log");
  EXPECT_EQ(content.find("SECRET9"), std::string::npos);
  bool truncated = false, slow = false;
  for (const auto& r : ReadRecords(dir / "logs/api.log")) {
    if (r["type"] == "request" && r.contains("body_truncated")) {
      truncated = true;
      EXPECT_LE(r["body"].get<std::string>().size(), 40u);
    }
    if (r["type"] == "response" && r["status_code"] == 200) {
      slow = true;
      EXPECT_EQ(r["slow"], true);
      EXPECT_EQ(r["level"], "WARNING");
    }
  }
  EXPECT_TRUE(truncated);
  EXPECT_TRUE(slow);
}

TEST(ServeLogging, ApiCallsFalseKeepsOnlyErrorsAndEvents) {
  ScratchDir dir;
  auto server = ServerProcess::Start(Env(dir, {{"LOG_API_CALLS", "False"}}));
  ASSERT_NE(server, nullptr);
  httplib::Client client("127.0.0.1", server->port());
  ASSERT_TRUE(client.Get("/api/v1/health"));
  ASSERT_TRUE(client.Delete("/api/v1/health"));
  EXPECT_EQ(server->Stop(SIGTERM), 0);
  std::vector<std::string> types;
  for (const auto& r : ReadRecords(dir / "logs/api.log")) types.push_back(r["type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"custom_event", "error", "custom_event"}));
}

TEST(ServeLogging, DebugTrueWritesJsonLinesToANonTerminalStdout) {
  ScratchDir dir;
  auto server = ServerProcess::Start(Env(dir, {{"DEBUG", "True"}}));
  ASSERT_NE(server, nullptr);
  httplib::Client client("127.0.0.1", server->port());
  ASSERT_TRUE(client.Get("/api/v1/health"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(server->Stop(SIGTERM), 0);
  std::istringstream out(server->Stdout());
  int json_lines = 0;
  std::set<std::string> types;
  for (std::string line; std::getline(out, line);) {
    if (line.empty() || line[0] != '{') continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    types.insert(j["type"]);
    ++json_lines;
  }
  EXPECT_GE(json_lines, 4);
  EXPECT_TRUE(types.count("request") && types.count("response") && types.count("custom_event"));
}

TEST(ServeLogging, RotationKeepsAtMostBackupCountFiles) {
  ScratchDir dir;
  auto server = ServerProcess::Start(Env(dir, {{"LOG_MAX_BYTES", "4000"}, {"LOG_BACKUP_COUNT", "3"}}));
  ASSERT_NE(server, nullptr);
  httplib::Client client("127.0.0.1", server->port());
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(client.Get("/api/v1/health"));
  EXPECT_EQ(server->Stop(SIGTERM), 0);
  namespace fs = std::filesystem;
  EXPECT_TRUE(fs::exists(dir / "logs/api.log.3"));
  EXPECT_FALSE(fs::exists(dir / "logs/api.log.4"));
  for (const char* f : {"logs/api.log", "logs/api.log.1", "logs/api.log.2", "logs/api.log.3"}) {
    EXPECT_LT(fs::file_size(dir / f), 4000u) << f;
    std::string content = ReadFile(dir / f);
    EXPECT_EQ(content.back(), '\n');
    ReadRecords(dir / f);  // every line parses
  }
}

TEST(ServeLogging, BackupCountZeroNeverRotates) {
  ScratchDir dir;
  auto server = ServerProcess::Start(Env(dir, {{"LOG_MAX_BYTES", "2000"}, {"LOG_BACKUP_COUNT", "0"}}));
  ASSERT_NE(server, nullptr);
  httplib::Client client("127.0.0.1", server->port());
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(client.Get("/api/v1/health"));
  EXPECT_EQ(server->Stop(SIGTERM), 0);
  EXPECT_FALSE(std::filesystem::exists(dir / "logs/api.log.1"));
  EXPECT_GT(std::filesystem::file_size(dir / "logs/api.log"), 2000u);
}

TEST(ServeStartup, MalformedSettingsExit2WithOneLineNamingThem) {
  ScratchDir dir;
  struct Case { std::string var, value, expect; };
  for (const Case& c : {Case{"LOG_MAX_BYTES", "abc", "LOG_MAX_BYTES"},
                        Case{"LOG_BACKUP_COUNT", "-3", "negative"},
                        Case{"LOG_API_CALLS", "perhaps", "LOG_API_CALLS"},
                        Case{"PORT", "70000", "PORT"}}) {
    RunResult r = RunToExit({{"LOG_DIR", dir / "logs"}, {c.var, c.value}});
    EXPECT_EQ(r.exit_code, 2) << c.var;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST(ServeStartup, UnusableLogDirExits2NamingThePath) {
  ScratchDir dir;
  { std::ofstream(dir / "plainfile") << "x"; }
  for (std::string bad : {dir / "plainfile/logs", std::string("/proc/llm-api-logs")}) {
    RunResult r = RunToExit({{"LOG_DIR", bad}});
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_NE(r.err.find(bad), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST(ServeStartup, SecondServerOnTheSameLogDirIsRefused) {
  ScratchDir dir;
  auto first = ServerProcess::Start(Env(dir));
  ASSERT_NE(first, nullptr);
  RunResult r = RunToExit(Env(dir), {"--port", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("already using LOG_DIR"), std::string::npos) << r.err;
  httplib::Client client("127.0.0.1", first->port());
  EXPECT_TRUE(client.Get("/api/v1/health"));
  EXPECT_EQ(first->Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace llm::test
