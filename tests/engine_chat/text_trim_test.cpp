// Jinja's `trim` is Python's str.strip(): Unicode whitespace goes, other bytes stay.
#include "engine/chat/text_trim.h"

#include <gtest/gtest.h>

namespace llm::engine {
namespace {

TEST(TrimPythonWhitespace, RemovesAsciiWhitespaceAtBothEnds) {
  EXPECT_EQ(TrimPythonWhitespace(" \t\r\n\v\fhello world\n\n "), "hello world");
  EXPECT_EQ(TrimPythonWhitespace("   "), "");
  EXPECT_EQ(TrimPythonWhitespace(""), "");
  EXPECT_EQ(TrimPythonWhitespace("x"), "x");
}

TEST(TrimPythonWhitespace, RemovesUnicodeWhitespaceLikePython) {
  // U+00A0 no-break space, U+3000 ideographic space, U+2028 line separator, U+0085 NEL,
  // U+001C file separator.
  EXPECT_EQ(TrimPythonWhitespace("\u00a0\u3000hi\u2028\u0085\x1c"), "hi");
}

TEST(TrimPythonWhitespace, KeepsNonSpaceCharactersAndBrokenUtf8) {
  // U+200B zero-width space is not whitespace for Python.
  EXPECT_EQ(TrimPythonWhitespace("\u200bzero-width\u200b"), "\u200bzero-width\u200b");
  EXPECT_EQ(TrimPythonWhitespace(" \xc2"), "\xc2");         // truncated sequence stays
  EXPECT_EQ(TrimPythonWhitespace("\xa0 ok"), "\xa0 ok");    // a lone continuation byte stays
  EXPECT_EQ(TrimPythonWhitespace("é \u00a0"), "é");
}

}  // namespace
}  // namespace llm::engine
