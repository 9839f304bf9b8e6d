#include <string>

#include <gtest/gtest.h>

#include "engine/tokenizer/tokenizer.h"

namespace llm::engine {
namespace {

TEST(Utf8StreamDecoder, PassesAsciiThroughImmediately) {
  Utf8StreamDecoder d;
  EXPECT_EQ(d.Push("Hello"), "Hello");
  EXPECT_EQ(d.Flush(), "");
}

TEST(Utf8StreamDecoder, HoldsBackASplitTwoByteCharacter) {
  Utf8StreamDecoder d;
  EXPECT_EQ(d.Push("caf\xC3"), "caf");
  EXPECT_EQ(d.Push("\xA9!"), "\xC3\xA9!");
}

TEST(Utf8StreamDecoder, ReassemblesAFourByteCharacterFedByteByByte) {
  Utf8StreamDecoder d;
  const std::string emoji = "\xF0\x9F\xA6\x99";
  EXPECT_EQ(d.Push(emoji.substr(0, 1)), "");
  EXPECT_EQ(d.Push(emoji.substr(1, 1)), "");
  EXPECT_EQ(d.Push(emoji.substr(2, 1)), "");
  EXPECT_EQ(d.Push(emoji.substr(3, 1)), emoji);
  EXPECT_EQ(d.Flush(), "");
}

TEST(Utf8StreamDecoder, ReplacesInvalidBytesAtOnce) {
  Utf8StreamDecoder d;
  EXPECT_EQ(d.Push("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(d.Push("\xC3(x"), "\xEF\xBF\xBD(x");  // a lead byte followed by a non-continuation
  EXPECT_EQ(d.Push("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
}

TEST(Utf8StreamDecoder, FlushReplacesAnUnfinishedSequence) {
  Utf8StreamDecoder d;
  EXPECT_EQ(d.Push("x\xE2\x82"), "x");
  EXPECT_EQ(d.Flush(), "\xEF\xBF\xBD");
  EXPECT_EQ(d.Push("y"), "y");  // the decoder is reusable after Flush
}

}  // namespace
}  // namespace llm::engine
