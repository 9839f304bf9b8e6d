#include "engine/model/stop_strings.h"

#include <gtest/gtest.h>

namespace llm::engine {
namespace {

TEST(StopStringMatcher, PassesTextThroughWithoutStopStrings) {
  StopStringMatcher m({});
  bool stopped = true;
  EXPECT_EQ(m.Push("Hello", &stopped), "Hello");
  EXPECT_FALSE(stopped);
  EXPECT_EQ(m.Flush(), "");
}

TEST(StopStringMatcher, CutsTheTextBeforeAStopString) {
  StopStringMatcher m({"END"});
  bool stopped = false;
  EXPECT_EQ(m.Push("abc ENDxyz", &stopped), "abc ");
  EXPECT_TRUE(stopped);
}

TEST(StopStringMatcher, WithholdsAPossibleStartUntilItCannotMatch) {
  StopStringMatcher m({"</s>"});
  bool stopped = false;
  EXPECT_EQ(m.Push("one <", &stopped), "one ");
  EXPECT_EQ(m.Push("/", &stopped), "");
  EXPECT_EQ(m.Push("x", &stopped), "</x");
  EXPECT_FALSE(stopped);
}

TEST(StopStringMatcher, DetectsAStopStringSplitAcrossPieces) {
  StopStringMatcher m({"User:"});
  bool stopped = false;
  EXPECT_EQ(m.Push("Sure.\nUs", &stopped), "Sure.\n");
  EXPECT_EQ(m.Push("er", &stopped), "");
  EXPECT_EQ(m.Push(": hi", &stopped), "");
  EXPECT_TRUE(stopped);
}

TEST(StopStringMatcher, TheEarliestOfSeveralStopStringsWins) {
  StopStringMatcher m({"world", "lo"});
  bool stopped = false;
  EXPECT_EQ(m.Push("hello world", &stopped), "hel");
  EXPECT_TRUE(stopped);
}

TEST(StopStringMatcher, FlushReturnsTheWithheldText) {
  StopStringMatcher m({"###"});
  bool stopped = false;
  EXPECT_EQ(m.Push("a ##", &stopped), "a ");
  EXPECT_EQ(m.Flush(), "##");
}

TEST(StopStringMatcher, IgnoresEmptyStopStrings) {
  StopStringMatcher m({""});
  bool stopped = false;
  EXPECT_EQ(m.Push("abc", &stopped), "abc");
  EXPECT_FALSE(stopped);
}

TEST(StopStringMatcher, TellsWhichStopStringMatchedFirstInTheText) {
  StopStringMatcher m({"world", "lo w", "xyz"});
  bool stopped = false;
  EXPECT_EQ(m.Push("he", &stopped), "he");
  EXPECT_FALSE(stopped);
  EXPECT_TRUE(m.matched().empty());
  EXPECT_EQ(m.Push("llo world", &stopped), "l");
  EXPECT_TRUE(stopped);
  EXPECT_EQ(m.matched(), "lo w");
}

}  // namespace
}  // namespace llm::engine
