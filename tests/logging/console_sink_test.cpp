#include "logging/console_sink.h"

#include <gtest/gtest.h>

namespace llm::logging {
namespace {

constexpr char kLine[] =
    R"({"timestamp":"2025-06-26T10:30:00.123456Z","level":"ERROR","message":"bad\nthing","module":"server","request_id":"req_1","status_code":500,"type":"error"})";

TEST(ConsoleSink, ReadableLineHasTimeLevelTypeMessageAndFields) {
  std::string plain = FormatReadable(kLine, false);
  EXPECT_EQ(plain.rfind("10:30:00.123456 ERROR", 0), 0u) << plain;
  EXPECT_NE(plain.find("error  bad thing"), std::string::npos) << plain;
  EXPECT_NE(plain.find("request_id=req_1"), std::string::npos);
  EXPECT_NE(plain.find("status_code=500"), std::string::npos);
  EXPECT_EQ(plain.find('\n'), std::string::npos);
}

TEST(ConsoleSink, ColoursTheLevelOnATerminal) {
  std::string coloured = FormatReadable(kLine, true);
  EXPECT_NE(coloured.find("\x1b[31mERROR"), std::string::npos);
  EXPECT_NE(coloured.find("\x1b[0m"), std::string::npos);
}

TEST(ConsoleSink, UnparsableLineIsPrintedAsIs) {
  EXPECT_EQ(FormatReadable("not json", true), "not json");
}

}  // namespace
}  // namespace llm::logging
