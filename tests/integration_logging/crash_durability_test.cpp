// The logs survive a crash of the process: `kill -9` in the middle of heavy logging leaves
// only complete JSON lines (at most one torn final line per file); a server started again on
// the same LOG_DIR begins its first record on a line of its own, reports that the previous run
// did not stop cleanly, and log_viewer counts a torn line as a bad line and goes on.
#include <httplib.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "integration_logging/server_process.h"

namespace llm::test {
namespace {

struct LineCheck {
  size_t complete = 0;  // lines that parse as a JSON object
  std::vector<std::string> torn;  // lines that do not (with their position)
  bool torn_is_last = true;
};

// Reads `file` line by line; a line that does not parse is recorded as torn.
LineCheck CheckLines(const std::string& file) {
  LineCheck check;
  std::istringstream in(ReadFile(file));
  std::string line;
  size_t index = 0, last_torn = 0;
  while (std::getline(in, line)) {
    ++index;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.is_object()) {
      ++check.complete;
    } else {
      check.torn.push_back(line);
      last_torn = index;
    }
  }
  check.torn_is_last = check.torn.empty() || last_torn == index;
  return check;
}

std::vector<std::string> LogFiles(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name.rfind("api.log", 0) == 0 || name.rfind("errors.log", 0) == 0) files.push_back(e.path().string());
  }
  return files;
}

// Clients that keep the server logging: successes, 404s and invalid bodies (error records).
class Hammer {
 public:
  explicit Hammer(int port) {
    for (int t = 0; t < 4; ++t) {
      threads_.emplace_back([this, port, t] {
        httplib::Client client("127.0.0.1", port);
        client.set_connection_timeout(1);
        client.set_read_timeout(1);
        for (uint64_t i = 0; !stop_; ++i) {
          if (t == 0) client.Get("/api/v1/health");
          if (t == 1) client.Get("/no/such/route/" + std::to_string(i));
          if (t >= 2) client.Post("/api/v1/generate", "{not json " + std::to_string(i), "application/json");
          if (i == 200) warmed_up_ += 1;
        }
      });
    }
  }
  ~Hammer() { Stop(); }
  void Stop() {
    stop_ = true;
    for (auto& t : threads_) t.join();
    threads_.clear();
  }
  bool WarmedUp() const { return warmed_up_ == static_cast<int>(threads_.size()); }

 private:
  std::atomic<bool> stop_ = false;
  std::atomic<int> warmed_up_ = 0;
  std::vector<std::thread> threads_;
};

// Runs log_viewer with `args`; its standard output, and its exit status in `status`.
std::string RunLogViewer(const std::string& args, int* status) {
  std::string command = std::string(std::getenv("LLM_BIN_DIR")) + "/log_viewer " + args;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return "";
  std::string out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  int raw = ::pclose(pipe);
  *status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return out;
}

// The last server_started record of `file` (lines that do not parse are passed over).
nlohmann::json LastServerStarted(const std::string& file) {
  nlohmann::json found;
  std::istringstream in(ReadFile(file));
  for (std::string line; std::getline(in, line);) {
    nlohmann::json r = nlohmann::json::parse(line, nullptr, false);
    if (r.is_object() && r.value("event_type", "") == "server_started") found = r;
  }
  return found;
}

TEST(CrashDurability, KillNineLeavesOnlyCompleteLinesAndTheRestartSaysUnclean) {
  ScratchDir dir;
  const std::string logs = dir / "logs";
  const std::map<std::string, std::string> env = {{"LOG_DIR", logs}, {"LOG_MAX_BYTES", "400000"}};
  auto server = ServerProcess::Start(env);
  ASSERT_NE(server, nullptr);
  const int first_pid = server->pid();
  {
    Hammer hammer(server->port());
    for (int i = 0; i < 200 && !hammer.WarmedUp(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_TRUE(hammer.WarmedUp());
    EXPECT_EQ(server->Stop(SIGKILL), -1);
  }
  size_t lines_before = 0;
  for (const std::string& file : LogFiles(logs)) {
    LineCheck check = CheckLines(file);
    lines_before += check.complete;
    EXPECT_LE(check.torn.size(), 1u) << file;
    EXPECT_TRUE(check.torn_is_last) << file;
  }
  EXPECT_GT(lines_before, 1000u) << "the load did not log enough to be a test";

  // The kill may have stopped the process inside a write; where it did not, add the torn tail
  // such a kill leaves. Either way each file now ends with an unterminated partial record.
  std::map<std::string, std::string> torn_tail;
  for (const char* name : {"api.log", "errors.log"}) {
    std::string content = ReadFile(logs + "/" + name);
    if (content.empty() || content.back() == '\n') {
      const std::string fragment = R"({"timestamp":"2026-12-03T10:00:00.1Z","level":"ERR)";
      std::ofstream(logs + "/" + name, std::ios::app) << fragment;
      torn_tail[name] = fragment;
    } else {
      torn_tail[name] = content.substr(content.rfind('\n') + 1);
    }
  }
  auto again = ServerProcess::Start(env);
  ASSERT_NE(again, nullptr);
  httplib::Client client("127.0.0.1", again->port());
  ASSERT_TRUE(client.Get("/no/such/route/after-restart"));
  ASSERT_TRUE(client.Post("/api/v1/generate", "{not json after restart", "application/json"));
  EXPECT_EQ(again->Stop(SIGTERM), 0);

  for (const char* name : {"api.log", "errors.log"}) {
    LineCheck check = CheckLines(logs + "/" + name);
    ASSERT_EQ(check.torn.size(), 1u) << name << ": the torn tail is on a line of its own";
    EXPECT_EQ(check.torn[0], torn_tail[name]) << name;
    EXPECT_FALSE(check.torn_is_last) << name << ": the restarted server wrote after it";
  }
  nlohmann::json started = LastServerStarted(logs + "/api.log");
  ASSERT_FALSE(started.is_null());
  EXPECT_EQ(started["previous_shutdown"], "unclean") << started.dump();
  EXPECT_EQ(started["previous_pid"], first_pid) << started.dump();
  EXPECT_NE(started["message"].get<std::string>().find("did not stop cleanly"), std::string::npos);

  // A third start after the clean stop: the previous run is reported clean.
  auto third = ServerProcess::Start(env);
  ASSERT_NE(third, nullptr);
  EXPECT_EQ(third->Stop(SIGTERM), 0);
  EXPECT_EQ(LastServerStarted(logs + "/api.log")["previous_shutdown"], "clean");

  // log_viewer counts the torn lines as bad lines and reads everything else.
  int status = -1;
  std::string out = RunLogViewer("--stats --json --log-dir " + logs, &status);
  ASSERT_EQ(status, 0) << out;
  nlohmann::json report = nlohmann::json::parse(out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << out;
  EXPECT_EQ(report["bad_lines"], 1) << "api.log's torn line: " << report.dump().substr(0, 400);
}

}  // namespace
}  // namespace llm::test
