#include "logging/settings.h"

#include <gtest/gtest.h>

#include <map>

namespace llm::logging {
namespace {


TEST(LogSettings, DefaultsMatchTheSpecification) {
  auto s = LogSettingsFromEnv(MapEnv({}));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->dir, "./logs");
  EXPECT_EQ(s->max_bytes, 10485760u);
  EXPECT_EQ(s->backup_count, 5u);
  EXPECT_TRUE(s->api_calls);
  EXPECT_FALSE(s->debug);
  EXPECT_EQ(s->body_max_bytes, 8192u);
  EXPECT_EQ(s->slow_request_ms, 5000u);
}

TEST(LogSettings, ReadsEveryVariable) {
  auto s = LogSettingsFromEnv(MapEnv({{"LOG_DIR", "/tmp/x"},
                                   {"LOG_MAX_BYTES", "1000"},
                                   {"LOG_BACKUP_COUNT", "0"},
                                   {"LOG_API_CALLS", "False"},
                                   {"DEBUG", "yes"},
                                   {"LOG_BODY_MAX_BYTES", "10"},
                                   {"LOG_SLOW_REQUEST_MS", "7"}}));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->dir, "/tmp/x");
  EXPECT_EQ(s->max_bytes, 1000u);
  EXPECT_EQ(s->backup_count, 0u);
  EXPECT_FALSE(s->api_calls);
  EXPECT_TRUE(s->debug);
  EXPECT_EQ(s->body_max_bytes, 10u);
  EXPECT_EQ(s->slow_request_ms, 7u);
}

TEST(LogSettings, BooleansAcceptTheDocumentedSpellings) {
  for (const char* t : {"True", "true", "1", "yes", "on", "ON", "Yes"}) {
    auto s = LogSettingsFromEnv(MapEnv({{"DEBUG", t}}));
    ASSERT_TRUE(s.ok()) << t;
    EXPECT_TRUE(s->debug) << t;
  }
  for (const char* f : {"False", "false", "0", "no", "off"}) {
    auto s = LogSettingsFromEnv(MapEnv({{"LOG_API_CALLS", f}}));
    ASSERT_TRUE(s.ok()) << f;
    EXPECT_FALSE(s->api_calls) << f;
  }
}

TEST(LogSettings, MalformedValuesNameTheSettingAndReason) {
  auto abc = LogSettingsFromEnv(MapEnv({{"LOG_MAX_BYTES", "abc"}}));
  ASSERT_FALSE(abc.ok());
  EXPECT_NE(abc.status().message().find("LOG_MAX_BYTES"), std::string::npos);
  EXPECT_NE(abc.status().message().find("abc"), std::string::npos);
  auto neg = LogSettingsFromEnv(MapEnv({{"LOG_BACKUP_COUNT", "-1"}}));
  ASSERT_FALSE(neg.ok());
  EXPECT_NE(neg.status().message().find("negative"), std::string::npos);
  EXPECT_FALSE(LogSettingsFromEnv(MapEnv({{"DEBUG", "maybe"}})).ok());
  EXPECT_FALSE(LogSettingsFromEnv(MapEnv({{"LOG_MAX_BYTES", "99999999999999999999999"}})).ok());
  EXPECT_FALSE(LogSettingsFromEnv(MapEnv({{"LOG_MAX_BYTES", " 10"}})).ok());
  EXPECT_FALSE(LogSettingsFromEnv(MapEnv({{"LOG_MAX_BYTES", "1e6"}})).ok());
}


TEST(LogSettings, LogFlushIsIntervalOrAlways) {
  EXPECT_FALSE(LogSettingsFromEnv(MapEnv({}))->flush_always);
  EXPECT_FALSE(LogSettingsFromEnv(MapEnv({{"LOG_FLUSH", "interval"}}))->flush_always);
  EXPECT_TRUE(LogSettingsFromEnv(MapEnv({{"LOG_FLUSH", "always"}}))->flush_always);
  EXPECT_FALSE(LogSettingsFromEnv(MapEnv({{"LOG_FLUSH", "sometimes"}})).ok());
}

}  // namespace
}  // namespace llm::logging
