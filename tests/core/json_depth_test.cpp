#include "core/json_depth.h"

#include <gtest/gtest.h>

#include <string>

namespace llm {
namespace {

std::string Nested(char open, char close, size_t levels) {
  return std::string(levels, open) + std::string(levels, close);
}

TEST(JsonNestingExceeds, AcceptsNestingUpToTheLimit) {
  EXPECT_FALSE(JsonNestingExceeds(Nested('[', ']', 128), 128));
  EXPECT_FALSE(JsonNestingExceeds(R"({"a":{"b":[1,{"c":[]}]}})", 5));
  EXPECT_FALSE(JsonNestingExceeds("", 1));
}

TEST(JsonNestingExceeds, RefusesOneLevelPastTheLimit) {
  EXPECT_TRUE(JsonNestingExceeds(Nested('[', ']', 129), 128));
  EXPECT_TRUE(JsonNestingExceeds(R"({"a":{"b":[1,{"c":[]}]}})", 4));
}

TEST(JsonNestingExceeds, CountsDepthNotTotalBrackets) {
  std::string wide;
  for (int i = 0; i < 10000; ++i) wide += "[],";
  EXPECT_FALSE(JsonNestingExceeds("[" + wide + "1]", 2));
}

TEST(JsonNestingExceeds, IgnoresBracketsInsideStrings) {
  EXPECT_FALSE(JsonNestingExceeds(R"({"p":"[[[[{{{{"})", 1));
  EXPECT_FALSE(JsonNestingExceeds(R"(["a\"[[[[", "\\"])", 1));
  EXPECT_TRUE(JsonNestingExceeds(R"(["\\",[[]]])", 2));
}

TEST(JsonNestingExceeds, HandlesAMillionLevelsWithoutRecursion) {
  EXPECT_TRUE(JsonNestingExceeds(Nested('{', '}', 1000000)));
  EXPECT_TRUE(JsonNestingExceeds(std::string(1000000, '[')));  // unterminated
}

}  // namespace
}  // namespace llm
