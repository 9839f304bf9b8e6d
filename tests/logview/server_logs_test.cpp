// log_viewer on logs written by the real server: `llm-api serve` on a free loopback port with
// its own LOG_DIR (small LOG_MAX_BYTES, so it rotates), a few requests, SIGTERM, then the
// viewer's figures against the independent reference over the files the server wrote.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

#include "logview/reference_stats.h"
#include "logview/test_util.h"

namespace llm::logview::testing {
namespace {
using nlohmann::json;

class Server {
 public:
  explicit Server(const std::string& log_dir) : out_(log_dir + "/../server.out") {
    pid_ = fork();
    if (pid_ == 0) {
      int fd = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      setenv("LOG_DIR", log_dir.c_str(), 1);
      setenv("LOG_MAX_BYTES", "6000", 1);
      setenv("LOG_BACKUP_COUNT", "50", 1);
      for (const char* v : {"DEBUG", "LOG_API_CALLS", "HOST", "PORT"}) unsetenv(v);
      std::string bin = BinPath("llm-api");
      execl(bin.c_str(), bin.c_str(), "serve", "--host", "127.0.0.1", "--port", "0", static_cast<char*>(nullptr));
      _exit(127);
    }
    const std::regex listening(R"(listening on http://[^:]+:(\d+))");
    for (int i = 0; i < 200 && port_ == 0; ++i) {
      std::smatch m;
      const std::string text = Output();
      if (std::regex_search(text, m, listening)) port_ = std::stoi(m[1]);
      else std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~Server() {
    if (pid_ > 0) Stop();
  }
  int port() const { return port_; }
  std::string Output() const {
    std::vector<std::string> lines = ReadLines(out_);
    std::string all;
    for (const std::string& l : lines) all += l + "\n";
    return all;
  }
  int Stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  std::string out_;
  pid_t pid_ = -1;
  int port_ = 0;
};

TEST(LogViewerOnServerLogs, FiguresMatchTheFilesTheRealServerWrote) {
  TempDir dir;
  const std::string logs = dir.path() + "/logs";
  std::filesystem::create_directories(logs);
  Server server(logs);
  ASSERT_GT(server.port(), 0) << "llm-api serve did not start: " << server.Output();
  httplib::Client client("127.0.0.1", server.port());
  client.set_tcp_nodelay(true);
  int sent = 0;
  for (int i = 0; i < 40; ++i, ++sent) ASSERT_TRUE(client.Get("/api/v1/health"));
  for (int i = 0; i < 5; ++i, ++sent) ASSERT_TRUE(client.Get("/api/v1/models"));
  for (int i = 0; i < 4; ++i, ++sent) ASSERT_TRUE(client.Get("/no/such/route"));
  for (int i = 0; i < 3; ++i, ++sent) ASSERT_TRUE(client.Post("/api/v1/generate", "{not json", "application/json"));
  for (int i = 0; i < 2; ++i, ++sent) ASSERT_TRUE(client.Delete("/api/v1/health"));
  auto tagged = client.Get("/api/v1/health", {{"X-Request-ID", "viewer-test-42"}, {"User-Agent", "logview-test/1.0"}});
  ++sent;
  ASSERT_TRUE(tagged);
  EXPECT_EQ(server.Stop(), 0) << server.Output();

  std::vector<std::string> api_files, error_files;
  for (const auto& e : std::filesystem::directory_iterator(logs)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("api.log", 0) == 0) api_files.push_back(e.path().string());
    if (name.rfind("errors.log", 0) == 0) error_files.push_back(e.path().string());
  }
  ASSERT_GE(api_files.size(), 2u) << "LOG_MAX_BYTES=6000 should have rotated api.log";
  auto oldest_first = [](std::vector<std::string>& v, const std::string& base) {
    auto number = [&](const std::string& p) {
      std::string n = std::filesystem::path(p).filename().string().substr(base.size());
      return n.empty() ? 0 : std::stoi(n.substr(1));
    };
    std::sort(v.begin(), v.end(), [&](const std::string& a, const std::string& b) { return number(a) > number(b); });
  };
  oldest_first(api_files, "api.log");
  oldest_first(error_files, "errors.log");

  CommandResult r = RunLogViewer({"--stats", "--json", "--log-dir", logs});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json stats = json::parse(r.out);
  const RefStats ref = ComputeReference(api_files, std::nullopt, std::nullopt);
  EXPECT_EQ(stats["files"].get<std::vector<std::string>>(), api_files);
  EXPECT_EQ(stats["bad_lines"], 0) << "the server's lines all follow the schema";
  EXPECT_EQ(ref.bad_lines, 0u);
  EXPECT_EQ(stats["total_requests"].get<uint64_t>(), static_cast<uint64_t>(sent));
  EXPECT_EQ(stats["total_requests"].get<uint64_t>(), ref.overall.count);
  EXPECT_EQ(stats["request_records"].get<uint64_t>(), ref.request_records);
  EXPECT_EQ(stats["overall"]["errors"].get<uint64_t>(), ref.overall.errors);
  EXPECT_NEAR(stats["overall"]["max_ms"].get<double>(), ref.overall.Max(), 0.0011);
  EXPECT_NEAR(stats["overall"]["avg_ms"].get<double>(), ref.overall.Avg(), 0.0011);
  for (const json& e : stats["endpoints"]) {
    const RefDurations& d = ref.endpoints.at(e["endpoint"].get<std::string>());
    EXPECT_EQ(e["count"].get<uint64_t>(), d.count) << e["endpoint"];
    EXPECT_EQ(e["errors"].get<uint64_t>(), d.errors) << e["endpoint"];
    EXPECT_NEAR(e["p95_ms"].get<double>(), d.Percentile(0.95), std::max(0.001, d.Percentile(0.95) * 0.01));
  }
  ASSERT_TRUE(stats["status_codes"].contains("200"));
  EXPECT_EQ(stats["status_codes"]["200"].get<uint64_t>(), ref.status.at(200));
  ASSERT_TRUE(stats["status_codes"].contains("404"));
  EXPECT_EQ(stats["status_codes"]["404"].get<uint64_t>(), ref.status.at(404));
  EXPECT_GE(stats["status_codes"]["404"].get<uint64_t>(), 4u);

  // The tagged request's story: its request and response records, in order.
  r = RunLogViewer({"--request-id", "viewer-test-42", "--json", "--log-dir", logs});
  ASSERT_EQ(r.exit_code, 0);
  const json story = json::parse(r.out)["entries"];
  ASSERT_GE(story.size(), 2u) << r.out;
  EXPECT_EQ(story.front()["type"], "request");
  EXPECT_EQ(story.back()["type"], "response");

  // --errors-only agrees with counting error_type over errors.log (the spec's snippet logic).
  r = RunLogViewer({"--errors-only", "--json", "--log-dir", logs});
  ASSERT_EQ(r.exit_code, 0);
  const json errors = json::parse(r.out);
  const RefStats ref_errors = ComputeReference(error_files, std::nullopt, std::nullopt);
  std::map<std::string, uint64_t> got;
  for (const json& g : errors["by_error_type"]) got[g["error_type"]] = g["count"];
  EXPECT_EQ(got, ref_errors.error_types);
  EXPECT_GT(got.size(), 0u) << "the 400s and 405s write error records";
}

}  // namespace
}  // namespace llm::logview::testing
