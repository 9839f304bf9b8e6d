// The real HTTP adapter in-process (port 0): streamed responses and their response records.
#include <httplib.h>
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "logging/test_dir.h"
#include "server/server.h"

namespace llm::server {
namespace {

using logging::test_util::ReadJsonLines;
using logging::test_util::TempDir;

struct Running {
  TempDir dir;
  std::unique_ptr<logging::Logger> logger;
  std::unique_ptr<Server> server;

  Running() {
    logging::LogSettings s;
    s.dir = dir.path();
    logger = std::move(logging::Logger::Open(s).value());
    ServerSettings settings;
    settings.port = 0;
    server = std::make_unique<Server>(settings, *logger);
  }
  std::vector<nlohmann::json> StopAndRead() {
    server.reset();
    logger.reset();
    return ReadJsonLines(dir.file("api.log"));
  }
};

TEST(ServerStreaming, StreamedResponseIsLoggedWhenItEndsWithTrueSize) {
  Running r;
  r.server->routes().Add({"GET", "/stream", "stream_test", [](RequestContext&) {
                            return Response::Stream("text/event-stream", [](StreamWriter& out,
                                                                            RequestContext& ctx) {
                              for (int i = 0; i < 5; ++i) {
                                if (!out.Write("data: " + std::to_string(i) + "\n\n")) return;
                                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                              }
                              ctx.LogEvent("stream_done", logging::Level::kInfo, "done");
                            });
                          }});
  ASSERT_TRUE(r.server->Start().ok());
  httplib::Client client("127.0.0.1", r.server->port());
  auto res = client.Get("/stream");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "data: 0\n\ndata: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\n");
  std::string id = res->get_header_value("X-Request-ID");
  bool found = false;
  for (const auto& rec : r.StopAndRead()) {
    if (rec["type"] != "response") continue;
    found = true;
    EXPECT_EQ(rec["request_id"], id);
    EXPECT_EQ(rec["streamed"], true);
    EXPECT_EQ(rec["response_size"], res->body.size());
    EXPECT_GE(rec["duration_ms"].get<double>(), 80.0);  // the stream's real length
    EXPECT_FALSE(rec.contains("client_disconnected"));
  }
  EXPECT_TRUE(found);
}

TEST(ServerStreaming, ClientDisconnectStopsTheStreamAndIsRecorded) {
  Running r;
  std::atomic<int> chunks{0};
  std::atomic<bool> stopped{false};
  r.server->routes().Add({"GET", "/forever", "forever", [&](RequestContext&) {
                            return Response::Stream("text/event-stream", [&](StreamWriter& out,
                                                                             RequestContext&) {
                              for (int i = 0; i < 2000; ++i) {
                                if (!out.Write(std::string(1024, 'x') + "\n")) break;
                                ++chunks;
                                std::this_thread::sleep_for(std::chrono::milliseconds(2));
                              }
                              stopped = true;
                            });
                          }});
  ASSERT_TRUE(r.server->Start().ok());
  httplib::Client client("127.0.0.1", r.server->port());
  size_t received = 0;
  client.Get("/forever", [&](const char*, size_t n) {
    received += n;
    return received < 20000;  // hang up after about 20 chunks
  });
  for (int i = 0; i < 300 && !stopped; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(stopped.load());
  EXPECT_LT(chunks.load(), 2000);
  bool found = false;
  for (const auto& rec : r.StopAndRead()) {
    if (rec["type"] == "response") {
      found = true;
      EXPECT_EQ(rec["client_disconnected"], true);
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace llm::server
