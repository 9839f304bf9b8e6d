#include "server/constraint_fields.h"

#include <gtest/gtest.h>

#include "nlohmann/json.hpp"
#include "server/generation_request.h"

namespace llm::server {
namespace {

using nlohmann::json;

std::optional<ApiError> ParseChat(const std::string& extra, GenerationRequest* r) {
  return ParseOpenAIChat(json::parse(R"({"messages":[{"role":"user","content":"Hi"}])" + extra + "}"), r);
}

TEST(ConstraintFields, ResponseFormatTextLeavesTheOutputFree) {
  GenerationRequest r;
  ASSERT_FALSE(ParseChat(R"(,"response_format":{"type":"text"})", &r));
  EXPECT_EQ(r.grammar, nullptr);
}

TEST(ConstraintFields, JsonObjectAndJsonSchemaCompileToAGrammar) {
  GenerationRequest r;
  ASSERT_FALSE(ParseChat(R"(,"response_format":{"type":"json_object"})", &r));
  EXPECT_NE(r.grammar, nullptr);
  auto e = ParseChat(R"(,"response_format":{"type":"json_schema","json_schema":{"name":"p","strict":true,
      "schema":{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]}}})", &r);
  ASSERT_FALSE(e) << e->message;
  EXPECT_NE(r.grammar, nullptr);
}

TEST(ConstraintFields, GrammarFieldOnNativeAndOpenAIRoutes) {
  GenerationRequest r;
  ASSERT_FALSE(ParseNativeGenerate(json::parse(R"({"prompt":"x","grammar":"root ::= [0-9]+"})"), &r));
  EXPECT_NE(r.grammar, nullptr);
  ASSERT_FALSE(ParseOpenAICompletion(json::parse(R"({"prompt":"x","grammar":"root ::= \"a\""})"), &r));
  EXPECT_NE(r.grammar, nullptr);
  ASSERT_FALSE(ParseNativeChat(json::parse(R"({"messages":[{"role":"user","content":"Hi"}],"grammar":"root ::= \"a\""})"), &r));
  EXPECT_NE(r.grammar, nullptr);
}

TEST(ConstraintFields, InvalidGrammarIs400NamingTheFieldAndThePosition) {
  GenerationRequest r;
  auto e = ParseNativeGenerate(json::parse(R"({"prompt":"x","grammar":"root ::= [0-9"})"), &r);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, 400);
  EXPECT_EQ(e->param, "grammar");
  EXPECT_NE(e->message.find("line 1, column"), std::string::npos) << e->message;
  EXPECT_EQ(ParseNativeGenerate(json::parse(R"({"prompt":"x","grammar":5})"), &r)->param, "grammar");
}

TEST(ConstraintFields, UnsupportedSchemaKeywordIs400NamingIt) {
  GenerationRequest r;
  auto e = ParseChat(R"(,"response_format":{"type":"json_schema","json_schema":{"name":"p",
      "schema":{"type":"string","pattern":"^a+$"}}})", &r);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->param, "response_format");
  EXPECT_NE(e->message.find("'pattern'"), std::string::npos) << e->message;
}

TEST(ConstraintFields, MalformedResponseFormatsAreRefused) {
  GenerationRequest r;
  for (const char* extra : {R"(,"response_format":"json")", R"(,"response_format":{"type":"yaml"})",
                            R"(,"response_format":{"type":"json_schema"})",
                            R"(,"response_format":{"type":"json_schema","json_schema":{"schema":3}})",
                            R"(,"response_format":{"type":"json_schema","json_schema":{"strict":"yes","schema":{}}})"}) {
    auto e = ParseChat(extra, &r);
    ASSERT_TRUE(e) << extra;
    EXPECT_EQ(e->param, "response_format") << extra;
  }
  auto both = ParseChat(R"(,"response_format":{"type":"json_object"},"grammar":"root ::= \"a\"")", &r);
  ASSERT_TRUE(both);
  EXPECT_EQ(both->param, "grammar");
}

}  // namespace
}  // namespace llm::server
