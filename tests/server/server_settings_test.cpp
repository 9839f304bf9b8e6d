#include "server/settings.h"

#include <gtest/gtest.h>

#include <map>

#include "server/lock_file.h"
#include "logging/test_dir.h"

namespace llm::server {
namespace {


TEST(ServerSettings, DefaultsAndEnvironment) {
  auto d = ServerSettingsFromEnv(MapEnv({}));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->host, "127.0.0.1");
  EXPECT_EQ(d->port, 5000);
  EXPECT_EQ(d->max_body_bytes, 1048576u);
  auto s = ServerSettingsFromEnv(MapEnv({{"HOST", "0.0.0.0"}, {"PORT", "8080"}, {"MODELS_DIR", "/m"},
                                      {"MAX_BODY_BYTES", "10"}}));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->host, "0.0.0.0");
  EXPECT_EQ(s->port, 8080);
  EXPECT_EQ(s->models_dir, "/m");
  EXPECT_EQ(s->max_body_bytes, 10u);
}

TEST(ServerSettings, RejectsBadPorts) {
  EXPECT_FALSE(ServerSettingsFromEnv(MapEnv({{"PORT", "65536"}})).ok());
  EXPECT_FALSE(ServerSettingsFromEnv(MapEnv({{"PORT", "-1"}})).ok());
  EXPECT_FALSE(ServerSettingsFromEnv(MapEnv({{"PORT", "http"}})).ok());
}

TEST(LockFile, SecondHolderIsRefusedUntilTheFirstReleases) {
  logging::test_util::TempDir dir;
  auto first = LockFile::Acquire(dir.path());
  ASSERT_TRUE(first.ok());
  auto second = LockFile::Acquire(dir.path());
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("already using LOG_DIR"), std::string::npos);
  first->reset();
  EXPECT_TRUE(LockFile::Acquire(dir.path()).ok());
}


TEST(LockFile, TellsACleanStopFromAServerThatDied) {
  logging::test_util::TempDir dir;
  {
    auto first = LockFile::Acquire(dir.path());
    ASSERT_TRUE(first.ok());
    EXPECT_EQ((*first)->previous_shutdown(), "none");
    (*first)->MarkCleanStop();
  }
  {
    auto second = LockFile::Acquire(dir.path());
    ASSERT_TRUE(second.ok());
    EXPECT_EQ((*second)->previous_shutdown(), "clean");
  }  // released without MarkCleanStop: as a killed process leaves it
  auto third = LockFile::Acquire(dir.path());
  ASSERT_TRUE(third.ok());
  EXPECT_EQ((*third)->previous_shutdown(), "unclean");
  EXPECT_GT((*third)->previous_pid(), 0);
}

}  // namespace
}  // namespace llm::server
