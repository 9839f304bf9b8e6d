#include "core/env.h"

#include <gtest/gtest.h>

namespace llm {
namespace {

TEST(MapEnv, AnswersOnlyTheGivenVariables) {
  EnvLookup env = MapEnv({{"PORT", "8080"}});
  EXPECT_EQ(env("PORT"), "8080");
  EXPECT_EQ(env("HOST"), std::nullopt);
  EXPECT_EQ(EnvNonNegative(env, "PORT", 5000).value(), 8080u);
}

}  // namespace
}  // namespace llm
