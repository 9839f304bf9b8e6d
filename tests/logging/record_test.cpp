#include "logging/record.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "logging/http_records.h"

namespace llm::logging {
namespace {

TEST(RecordBuilder, WritesCommonFieldsFirstAndTypeLast) {
  RecordBuilder r(Level::kWarning, "hello", "logger");
  r.fields().Field("x", int64_t{1});
  std::string line = std::move(r).Finish("custom_event");
  nlohmann::json j = nlohmann::json::parse(line);
  EXPECT_EQ(j["level"], "WARNING");
  EXPECT_EQ(j["message"], "hello");
  EXPECT_EQ(j["module"], "logger");
  EXPECT_EQ(j["type"], "custom_event");
  EXPECT_EQ(j["x"], 1);
  EXPECT_EQ(line.rfind("{\"timestamp\":", 0), 0u);
  EXPECT_NE(line.find("\"type\":\"custom_event\"}"), std::string::npos);
}

TEST(RecordBuilder, TimestampIsUtcIsoWithMicrosecondsAndZ) {
  RecordBuilder r(Level::kInfo, "m", "x");
  nlohmann::json j = nlohmann::json::parse(std::move(r).Finish("t"));
  std::string ts = j["timestamp"];
  EXPECT_TRUE(std::regex_match(ts, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)")))
      << ts;
}

TEST(RecordBuilder, FormatsAKnownInstant) {
  using namespace std::chrono;
  SystemTime t = SystemTime(microseconds(1750933800123456LL));  // 2025-06-26T10:30:00.123456Z
  EXPECT_EQ(FormatIso8601Utc(t), "2025-06-26T10:30:00.123456Z");
  EXPECT_EQ(FormatIso8601Utc(SystemTime(microseconds(951782400000001LL))),
            "2000-02-29T00:00:00.000001Z");
}

RequestContext Ctx() {
  RequestContext c;
  c.request_id = "req_1";
  c.method = "POST";
  c.url = "http://localhost/api/v1/generate";
  c.path = "/api/v1/generate";
  c.endpoint = "generate_response";
  c.remote_addr = "127.0.0.1";
  return c;
}

TEST(HttpRecords, RedactsSecretHeadersAndBodyFields) {
  HeaderList headers = {{"Authorization", "Bearer sk-secret"},
                        {"Cookie", "session=abc"},
                        {"x-api-key", "k1"},
                        {"Proxy-Authorization", "p"},
                        {"Set-Cookie", "s"},
                        {"Accept", "*/*"}};
  std::string body = R"({"prompt":"hi","password":"p1","nested":{"access_token":"t1",
      "list":[{"client_secret":"s1"}]},"apiKey":"a1","my_api_key":"a2","Authorization":"x"})";
  HttpRequestView req;
  req.content_type = "application/json";
  req.headers = &headers;
  req.body = body;
  std::string line = BuildRequestRecord(Ctx(), req, 8192);
  for (const char* secret : {"sk-secret", "session=abc", "k1", "p1", "t1", "s1", "a1", "a2"}) {
    EXPECT_EQ(line.find(secret), std::string::npos) << secret << " in " << line;
  }
  nlohmann::json j = nlohmann::json::parse(line);
  EXPECT_EQ(j["headers"]["Authorization"], "[REDACTED]");
  EXPECT_EQ(j["headers"]["Accept"], "*/*");
  EXPECT_EQ(j["body"]["prompt"], "hi");
  EXPECT_EQ(j["body"]["nested"]["list"][0]["client_secret"], "[REDACTED]");
  EXPECT_EQ(j["type"], "request");
  EXPECT_EQ(j["endpoint"], "generate_response");
}

TEST(HttpRecords, KeepsTokenCountsReadableWhileRedactingTokenStrings) {
  HeaderList headers;
  std::string body = R"({"max_tokens":32,"prompt_tokens":5,"stream":true,"token":"t-secret",
      "refresh_token":{"value":"r-secret"}})";
  HttpRequestView req;
  req.content_type = "application/json";
  req.headers = &headers;
  req.body = body;
  nlohmann::json j = nlohmann::json::parse(BuildRequestRecord(Ctx(), req, 8192));
  EXPECT_EQ(j["body"]["max_tokens"], 32);
  EXPECT_EQ(j["body"]["prompt_tokens"], 5);
  EXPECT_EQ(j["body"]["token"], "[REDACTED]");
  EXPECT_EQ(j["body"]["refresh_token"], "[REDACTED]");
}

TEST(HttpRecords, TruncatesLongBodiesAndMarksThem) {
  std::string body = "{\"prompt\":\"" + std::string(500, 'a') + "\"}";
  HttpRequestView req;
  req.content_type = "application/json; charset=utf-8";
  req.body = body;
  nlohmann::json j = nlohmann::json::parse(BuildRequestRecord(Ctx(), req, 100));
  ASSERT_TRUE(j["body"].is_string());
  EXPECT_EQ(j["body"].get<std::string>().size(), 100u);
  EXPECT_EQ(j["body_truncated"], true);
}

TEST(HttpRecords, TruncationNeverCutsAUtf8Sequence) {
  std::string body = "\"" + std::string(9, 'a') + "\xC3\xA9\xC3\xA9\"";  // JSON string body
  HttpRequestView req;
  req.content_type = "application/json";
  req.body = body;
  nlohmann::json j = nlohmann::json::parse(BuildRequestRecord(Ctx(), req, 11));
  EXPECT_EQ(j["body"], "\"" + std::string(9, 'a'));
}

TEST(HttpRecords, SecretsStayRedactedWhenTheBodyIsTruncated) {
  std::string body = R"({"password":"hunter2","prompt":")" + std::string(300, 'b') + "\"}";
  HttpRequestView req;
  req.content_type = "application/json";
  req.body = body;
  std::string line = BuildRequestRecord(Ctx(), req, 50);
  EXPECT_EQ(line.find("hunter2"), std::string::npos);
}

TEST(HttpRecords, ResponseLevelFollowsStatusAndSlowness) {
  EXPECT_EQ(ResponseLevel(200, 1, 5000), Level::kInfo);
  EXPECT_EQ(ResponseLevel(404, 1, 5000), Level::kWarning);
  EXPECT_EQ(ResponseLevel(503, 1, 5000), Level::kError);
  EXPECT_EQ(ResponseLevel(200, 6000, 5000), Level::kWarning);
  HttpResponseView res;
  res.status_code = 200;
  res.duration_ms = 5000.5;
  res.content_type = "application/json";
  res.body = R"({"ok":true})";
  Level level;
  nlohmann::json j = nlohmann::json::parse(BuildResponseRecord(Ctx(), res, 8192, 5000, &level));
  EXPECT_EQ(level, Level::kWarning);
  EXPECT_EQ(j["slow"], true);
  EXPECT_EQ(j["level"], "WARNING");
  EXPECT_EQ(j["duration_ms"], 5000.5);
  EXPECT_EQ(j["body"]["ok"], true);
}

TEST(HttpRecords, TraceIdsAppearOnlyWhenPresent) {
  RequestContext c = Ctx();
  HttpRequestView req;
  EXPECT_FALSE(nlohmann::json::parse(BuildRequestRecord(c, req, 10)).contains("trace_id"));
  c.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  c.span_id = "00f067aa0ba902b7";
  nlohmann::json j = nlohmann::json::parse(BuildRequestRecord(c, req, 10));
  EXPECT_EQ(j["trace_id"], c.trace_id);
  EXPECT_EQ(j["span_id"], c.span_id);
}

}  // namespace
}  // namespace llm::logging

namespace llm::logging {
namespace {

TEST(HttpRecords, MultiLineOrInvalidJsonBodiesStillMakeOneLine) {
  RequestContext c;
  c.request_id = "r";
  for (std::string body : {std::string("{\n  \"a\": 1\n}"), std::string("{\"a\":\"\xff\"}"),
                           std::string("{\"a\":1} trailing"), std::string("{\"a\":[1,2,{\"b\":null}]}")}) {
    HttpRequestView req;
    req.content_type = "application/json";
    req.body = body;
    std::string line = BuildRequestRecord(c, req, 8192);
    EXPECT_EQ(line.find('\n'), std::string::npos) << line;
    nlohmann::json j = nlohmann::json::parse(line);
    EXPECT_TRUE(j.contains("body")) << line;
  }
}


TEST(HttpRecords, SummarisesABodyNestedPastTheLimitInsteadOfWalkingIt) {
  std::string body = R"({"prompt":"a","x":)" + std::string(1000000, '[') + std::string(1000000, ']') + "}";
  HttpRequestView req;
  req.content_type = "application/json";
  req.body = body;
  nlohmann::json j = nlohmann::json::parse(BuildRequestRecord(Ctx(), req, 8192));
  EXPECT_FALSE(j.contains("body"));
  EXPECT_EQ(j["body_summary"]["bytes"], body.size());
  EXPECT_THAT(j["body_summary"]["omitted"].get<std::string>(), testing::HasSubstr("128 levels"));
}

TEST(HttpRecords, KeepsABodyNestedExactlyToTheLimit) {
  std::string body = R"({"x":)" + std::string(127, '[') + std::string(127, ']') + "}";
  HttpRequestView req;
  req.content_type = "application/json";
  req.body = body;
  nlohmann::json j = nlohmann::json::parse(BuildRequestRecord(Ctx(), req, 8192));
  EXPECT_EQ(j["body"], nlohmann::json::parse(body));
}

TEST(HttpRecords, InvalidJsonNamingASecretFieldIsSummarisedNotShown) {
  HttpRequestView req;
  req.content_type = "application/json";
  req.body = R"({"api_key": "sk-live-123", broken)";
  std::string line = BuildRequestRecord(Ctx(), req, 8192);
  EXPECT_EQ(line.find("sk-live-123"), std::string::npos) << line;
  EXPECT_TRUE(nlohmann::json::parse(line).contains("body_summary"));
}

}  // namespace
}  // namespace llm::logging
