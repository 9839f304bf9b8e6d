#include "logging/json_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace llm::logging {
namespace {

std::string Encode(std::string_view s) {
  std::string out;
  AppendJsonString(s, out);
  return out;
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(Encode("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(Encode("line1\nline2\r\t"), R"("line1\nline2\r\t")");
  EXPECT_EQ(Encode(std::string("x\0y", 3)), R"("x\u0000y")");
  EXPECT_EQ(Encode("\x1b[31m\x7f"), R"("\u001b[31m\u007f")");
}

TEST(JsonWriter, ReplacesInvalidUtf8WithReplacementCharacter) {
  EXPECT_EQ(Encode("ok\xff"), "\"ok\xEF\xBF\xBD\"");
  EXPECT_EQ(Encode("\xC0\xAF"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");  // overlong '/'
  EXPECT_EQ(Encode("\xED\xA0\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // surrogate
  EXPECT_EQ(Encode("\xE2\x82"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");  // truncated sequence
  EXPECT_EQ(Encode("caf\xC3\xA9 \xF0\x9F\x98\x80"), "\"caf\xC3\xA9 \xF0\x9F\x98\x80\"");
}

TEST(JsonWriter, EscapesUnicodeLineSeparators) {
  EXPECT_EQ(Encode("a\xE2\x80\xA8" "b\xE2\x80\xA9"), R"("a\u2028b\u2029")");
}

TEST(JsonWriter, AnyInputYieldsOneParsableLine) {
  std::string hostile;
  for (int c = 0; c < 256; ++c) hostile.push_back(static_cast<char>(c));
  hostile += "\"}\n{\"level\":\"CRITICAL\",\"forged\":true}";
  std::string line;
  JsonWriter w(line);
  w.BeginObject();
  w.Field("message", hostile);
  w.EndObject();
  EXPECT_EQ(line.find('\n'), std::string::npos);
  nlohmann::json parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed.size(), 1u);
  EXPECT_FALSE(parsed.contains("forged"));
}

TEST(JsonWriter, WritesNestedContainersWithCommas) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Field("a", int64_t{1});
  w.Key("b");
  w.BeginArray();
  w.Int(1);
  w.Bool(false);
  w.BeginObject();
  w.EndObject();
  w.Null();
  w.EndArray();
  w.Field("c", 2.5, 3);
  w.EndObject();
  EXPECT_EQ(out, R"({"a":1,"b":[1,false,{},null],"c":2.500})");
}

TEST(JsonWriter, EncodesNlohmannValuesWithSanitisedStrings) {
  nlohmann::json v = {{"k\n", "v\xff"}, {"n", 1.5}, {"i", -3}, {"u", 7u}, {"arr", {1, "x"}}};
  std::string out;
  JsonWriter(out).Json(v);
  nlohmann::json back = nlohmann::json::parse(out);
  EXPECT_EQ(back["k\n"], "v\xEF\xBF\xBD");
  EXPECT_EQ(back["n"], 1.5);
  EXPECT_EQ(back["i"], -3);
  EXPECT_EQ(back["arr"][1], "x");
}

TEST(JsonWriter, NonFiniteDoublesBecomeNull) {
  std::string out;
  JsonWriter w(out);
  w.BeginArray();
  w.Double(std::numeric_limits<double>::infinity());
  w.Double(std::nan(""));
  w.EndArray();
  EXPECT_EQ(out, "[null,null]");
}


// Deep nesting: commas stay right past 64 levels (the item bits once wrapped at 64), and a
// value deeper than kMaxDepth is cut to null instead of recursing further.
nlohmann::json NestedArrays(int levels) {
  nlohmann::json v = nlohmann::json::array({1, 2});
  for (int i = 1; i < levels; ++i) v = nlohmann::json::array({v, i});
  return v;
}

TEST(JsonWriter, KeepsSeparatorsRightPastSixtyFourLevels) {
  nlohmann::json v = NestedArrays(200);
  std::string out;
  JsonWriter(out).Json(v);
  EXPECT_EQ(nlohmann::json::parse(out), v);
}

TEST(JsonWriter, CutsValuesNestedPastTheLimitToNull) {
  std::string out;
  JsonWriter(out).Json(NestedArrays(JsonWriter::kMaxDepth + 10));
  nlohmann::json back = nlohmann::json::parse(out);
  const nlohmann::json* node = &back;
  int depth = 0;
  while (node->is_array()) {
    node = &(*node)[0];
    ++depth;
  }
  EXPECT_EQ(depth, JsonWriter::kMaxDepth);
  EXPECT_TRUE(node->is_null());
}

}  // namespace
}  // namespace llm::logging
