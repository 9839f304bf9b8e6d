#include "logging/redaction.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace llm::logging {
namespace {

TEST(Redaction, SecretFieldNamesMatchAnywhereIgnoringCase) {
  EXPECT_TRUE(IsSecretField("password"));
  EXPECT_TRUE(IsSecretField("user_PassWord"));
  EXPECT_TRUE(IsSecretField("client_secret"));
  EXPECT_TRUE(IsSecretField("refreshToken"));
  EXPECT_TRUE(IsSecretField("X_API_KEY"));
  EXPECT_TRUE(IsSecretField("apikey"));
  EXPECT_TRUE(IsSecretField("proxy_authorization"));
  EXPECT_TRUE(IsSecretField("aapi_key"));  // a false start before the match
}

TEST(Redaction, OrdinaryAndTruncatedNamesAreNotSecret) {
  EXPECT_FALSE(IsSecretField(""));
  EXPECT_FALSE(IsSecretField("prompt"));
  EXPECT_FALSE(IsSecretField("passwor"));
  EXPECT_FALSE(IsSecretField("secre"));
  EXPECT_FALSE(IsSecretField("tokn"));
  EXPECT_FALSE(IsSecretField("api_ke"));
  EXPECT_FALSE(IsSecretField("authorizatio"));
  EXPECT_FALSE(IsSecretField("status"));
}

TEST(Redaction, BodyScanFindsASecretNameInsideJson) {
  EXPECT_TRUE(MentionsSecretField(R"({"model":"m","api_key":"x"})"));
  EXPECT_FALSE(MentionsSecretField(R"({"status":"ok","uptime_seconds":12.5})"));
}


TEST(Redaction, RedactsAtAnyDepthWithoutRecursion) {
  nlohmann::json inner = {{"password", "hunter2"}, {"max_tokens", 5}};
  nlohmann::json v = inner;
  for (int i = 0; i < 100000; ++i) v = nlohmann::json::array({std::move(v)});
  RedactJson(v);
  const nlohmann::json* node = &v;
  while (node->is_array()) node = &(*node)[0];
  EXPECT_EQ((*node)["password"], "[REDACTED]");
  EXPECT_EQ((*node)["max_tokens"], 5);
}

}  // namespace
}  // namespace llm::logging
