// A LOG_DIR on a tiny tmpfs that fills up: the server keeps answering, counts the records it
// could not write (shown in /api/v1/health), says so once on stderr, and resumes writing when
// space returns. Needs root (mount); skipped otherwise (the unit test RotatingFileSink.
// DiskFullDropsCountsAndResumesWithoutPartialLines covers the same logic with an injected
// failing write).
#include <httplib.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "integration_logging/server_process.h"

namespace llm::test {
namespace {

void FillUp(const std::string& file) {
  std::ofstream out(file, std::ios::binary);
  std::string block(4096, 'f');
  while (out.write(block.data(), block.size())) {
  }
}

nlohmann::json Health(httplib::Client& client) {
  auto res = client.Get("/api/v1/health");
  EXPECT_TRUE(res);
  return res ? nlohmann::json::parse(res->body) : nlohmann::json();
}

TEST(ServeDiskFull, KeepsServingCountsDropsAndResumes) {
  ScratchDir dir;
  std::string mnt = dir / "small";
  std::filesystem::create_directories(mnt);
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=512k") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (not root?)";
  }
  {
    auto server = ServerProcess::Start({{"LOG_DIR", mnt + "/logs"}});
    ASSERT_NE(server, nullptr);
    httplib::Client client("127.0.0.1", server->port());
    ASSERT_TRUE(client.Get("/api/v1/health"));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    FillUp(mnt + "/filler");
    for (int i = 0; i < 100; ++i) {
      auto res = client.Get("/api/v1/health");
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, 200);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    nlohmann::json during = Health(client);
    EXPECT_GT(during["logging"]["records_dropped"].get<uint64_t>(), 0u) << during.dump();
    std::string err = server->Stderr();
    EXPECT_NE(err.find("No space left on device"), std::string::npos) << err;

    std::filesystem::remove(mnt + "/filler");
    auto after = client.Get("/api/v1/health", {{"X-Request-ID", "after-space-returned"}});
    ASSERT_TRUE(after);
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    std::string content = ReadFile(mnt + "/logs/api.log");
    EXPECT_NE(content.find("after-space-returned"), std::string::npos);
    EXPECT_EQ(server->Stop(SIGTERM), 0);
    // The "cannot write" message appeared once for the failing episode of each file.
    err = server->Stderr();
    size_t first = err.find("cannot write " + mnt + "/logs/api.log");
    EXPECT_NE(first, std::string::npos);
    EXPECT_EQ(err.find("cannot write " + mnt + "/logs/api.log", first + 1), std::string::npos) << err;
    for (const auto& r : ReadRecords(mnt + "/logs/api.log")) EXPECT_TRUE(r.contains("type"));
  }
  ::umount2(mnt.c_str(), MNT_DETACH);
}

}  // namespace
}  // namespace llm::test
