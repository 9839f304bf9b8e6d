// 16 concurrent keep-alive connections, >= 20,000 requests, with rotation happening: every
// request is found in the logs exactly once (one request and one response record).
#include <httplib.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <unordered_map>

#include "common/sanitizer.h"
#include "integration_logging/server_process.h"

namespace llm::test {
namespace {

#if LLM_UNDER_ASAN
constexpr int kRequests = 4000;  // the same shape, smaller, under the sanitizers
#else
constexpr int kRequests = 20000;
#endif
constexpr int kConnections = 16;

TEST(ServeLoad, EveryRequestIsLoggedExactlyOnceWhileRotating) {
  ScratchDir dir;
  auto server = ServerProcess::Start({{"LOG_DIR", dir / "logs"},
                                      {"LOG_MAX_BYTES", "1000000"},
                                      {"LOG_BACKUP_COUNT", "1000"}});
  ASSERT_NE(server, nullptr);
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kConnections; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", server->port());
      client.set_keep_alive(true);
      for (int i = c; i < kRequests; i += kConnections) {
        auto res = client.Get("/api/v1/health", {{"X-Request-ID", "load-" + std::to_string(i)}});
        if (!res || res->status != 200) failures.fetch_add(1);
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(server->Stop(SIGTERM), 0);

  EXPECT_TRUE(std::filesystem::exists(dir / "logs/api.log.1")) << "no rotation happened";
  std::unordered_map<std::string, int> requests, responses;
  for (const auto& r : ReadAllApiRecords(dir / "logs")) {
    if (r["type"] == "request") ++requests[r["request_id"]];
    if (r["type"] == "response") ++responses[r["request_id"]];
  }
  int missing = 0, duplicated = 0;
  for (int i = 0; i < kRequests; ++i) {
    std::string id = "load-" + std::to_string(i);
    for (auto* counts : {&requests, &responses}) {
      int n = (*counts)[id];
      if (n == 0) ++missing;
      if (n > 1) ++duplicated;
    }
  }
  EXPECT_EQ(missing, 0);
  EXPECT_EQ(duplicated, 0);
  EXPECT_EQ(requests.size(), static_cast<size_t>(kRequests));
}

}  // namespace
}  // namespace llm::test
