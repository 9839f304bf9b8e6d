#include "server/api_settings.h"

#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "nlohmann/json.hpp"

namespace llm::server {
namespace {


TEST(ParseApiSettings, DefaultsAreTheIssues) {
  auto s = ParseApiSettings(MapEnv({}), {});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->parallel, 1);
  EXPECT_EQ(s->max_queue, 64);
  EXPECT_EQ(s->max_loaded_models, 1);
  EXPECT_EQ(s->max_generation_seconds, 0);  // no limit unless asked
  EXPECT_EQ(s->shutdown_grace_seconds, 10);
  EXPECT_TRUE(s->api_key.empty());
  EXPECT_FALSE(s->protect_metrics);
  EXPECT_TRUE(s->use_mmap);
}

TEST(ParseApiSettings, UseMmapFalseOrNoMmapReadsModelsIntoMemory) {
  auto env = ParseApiSettings(MapEnv({{"USE_MMAP", "False"}}), {});
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  EXPECT_FALSE(env->use_mmap);
  ApiFlags flags;
  flags.no_mmap = true;
  auto flag = ParseApiSettings(MapEnv({{"USE_MMAP", "True"}}), flags);
  ASSERT_TRUE(flag.ok()) << flag.status().ToString();
  EXPECT_FALSE(flag->use_mmap);
}

TEST(ParseApiSettings, ReadsEnvironmentAndFlagsOverrideIt) {
  const std::string key_file = ::testing::TempDir() + "api_key.txt";
  std::ofstream(key_file) << "file-key\n";
  auto s = ParseApiSettings(MapEnv({{"PARALLEL", "2"}, {"MAX_QUEUE", "0"}, {"MAX_LOADED_MODELS", "3"},
                                 {"MAX_GENERATION_SECONDS", "1.5"}, {"SHUTDOWN_GRACE_SECONDS", "0"},
                                 {"DEFAULT_MODEL", "a.gguf"}, {"LLM_API_KEY", "env-key"}, {"PROTECT_METRICS", "True"}}),
                            ApiFlags{.model = "b.gguf", .api_key_file = key_file});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->parallel, 2);
  EXPECT_EQ(s->max_queue, 0);
  EXPECT_EQ(s->max_loaded_models, 3);
  EXPECT_EQ(s->max_generation_seconds, 1.5);
  EXPECT_EQ(s->shutdown_grace_seconds, 0);
  EXPECT_EQ(s->default_model, "b.gguf");
  EXPECT_EQ(s->api_key, "file-key");
  EXPECT_TRUE(s->protect_metrics);
}

TEST(ParseApiSettings, MalformedValuesNameTheVariable) {
  const std::pair<const char*, const char*> bad[] = {
      {"PARALLEL", "0"}, {"PARALLEL", "two"}, {"MAX_QUEUE", "-1"}, {"MAX_LOADED_MODELS", "0"},
      {"MAX_GENERATION_SECONDS", "abc"}, {"MAX_GENERATION_SECONDS", "-1"}, {"SHUTDOWN_GRACE_SECONDS", "-3"},
      {"PROTECT_METRICS", "maybe"}, {"USE_MMAP", "sometimes"}, {"LLM_API_KEY", "   "}};
  for (const auto& [name, value] : bad) {
    auto s = ParseApiSettings(MapEnv({{name, value}}), {});
    ASSERT_FALSE(s.ok()) << name << "=" << value;
    EXPECT_NE(s.status().message().find(name), std::string::npos) << s.status().message();
  }
}

TEST(ParseApiSettings, UnreadableOrEmptyKeyFileIsAnError) {
  EXPECT_FALSE(ParseApiSettings(MapEnv({}), ApiFlags{.api_key_file = "/nonexistent/key"}).ok());
  const std::string empty = ::testing::TempDir() + "empty_key.txt";
  std::ofstream(empty) << "\n";
  EXPECT_FALSE(ParseApiSettings(MapEnv({}), ApiFlags{.api_key_file = empty}).ok());
}

TEST(ParseApiSettings, ABrokenModelAliasesFileStopsTheStartNamingIt) {
  const std::string path = ::testing::TempDir() + "aliases_broken.json";
  std::ofstream(path) << "{\"tiny\": 3}";
  auto broken = ParseApiSettings(MapEnv({{"MODEL_ALIASES_FILE", path}}), ApiFlags{});
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("MODEL_ALIASES_FILE"), std::string::npos) << broken.status().message();
  auto missing = ParseApiSettings(MapEnv({{"MODEL_ALIASES_FILE", path + ".missing"}}), ApiFlags{});
  EXPECT_FALSE(missing.ok());
  std::ofstream(path) << "{\"tiny\": \"stories260K.gguf\"}";
  auto good = ParseApiSettings(MapEnv({{"MODEL_ALIASES_FILE", path}}), ApiFlags{});
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->model_aliases_file, path);
}

TEST(ParseApiSettings, RedactedNeverShowsTheKey) {
  auto s = ParseApiSettings(MapEnv({{"LLM_API_KEY", "sk-secret-123"}}), {});
  ASSERT_TRUE(s.ok());
  std::string text = s->Redacted().dump();
  EXPECT_EQ(text.find("sk-secret-123"), std::string::npos);
  EXPECT_NE(text.find("[REDACTED]"), std::string::npos);
}

}  // namespace
}  // namespace llm::server
