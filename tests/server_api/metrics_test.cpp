#include "server/metrics.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace llm::server {
namespace {

bool Contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

TEST(ApiMetrics, CountsRequestsByEndpointAndStatus) {
  ApiMetrics m;
  m.ObserveRequest("generate_response", 200, 0.02);
  m.ObserveRequest("generate_response", 200, 0.03);
  m.ObserveRequest("generate_response", 400, 0.001);
  std::string text = m.Render({});
  EXPECT_TRUE(Contains(text, "llm_api_http_requests_total{endpoint=\"generate_response\",status=\"200\"} 2\n"));
  EXPECT_TRUE(Contains(text, "llm_api_http_requests_total{endpoint=\"generate_response\",status=\"400\"} 1\n"));
}

TEST(ApiMetrics, CountsRequestsByKeyNameAnonymousByDefault) {
  ApiMetrics m;
  m.ObserveRequest("generate_response", 200, 0.02, "alice");
  m.ObserveRequest("list_models", 200, 0.01, "alice");
  m.ObserveRequest("unrouted", 401, 0.001);
  std::string text = m.Render({});
  EXPECT_TRUE(Contains(text, "# TYPE llm_api_requests_by_key_total counter\n"));
  EXPECT_TRUE(Contains(text, "llm_api_requests_by_key_total{api_key_name=\"alice\",status=\"200\"} 2\n")) << text;
  EXPECT_TRUE(Contains(text, "llm_api_requests_by_key_total{api_key_name=\"anonymous\",status=\"401\"} 1\n"));
  // The endpoint family is unchanged by the key label.
  EXPECT_TRUE(Contains(text, "llm_api_http_requests_total{endpoint=\"generate_response\",status=\"200\"} 1\n"));
}

TEST(ApiMetrics, DurationHistogramUsesOpenTelemetryBucketsCumulatively) {
  ApiMetrics m;
  m.ObserveRequest("health_check", 200, 0.004);  // <= 0.005
  m.ObserveRequest("health_check", 200, 0.005);  // le is inclusive
  m.ObserveRequest("health_check", 200, 0.3);    // <= 0.5
  m.ObserveRequest("health_check", 200, 42);     // only +Inf
  std::string text = m.Render({});
  const std::string p = "llm_api_http_request_duration_seconds_bucket{endpoint=\"health_check\",le=";
  EXPECT_TRUE(Contains(text, p + "\"0.005\"} 2\n"));
  EXPECT_TRUE(Contains(text, p + "\"0.25\"} 2\n"));
  EXPECT_TRUE(Contains(text, p + "\"0.5\"} 3\n"));
  EXPECT_TRUE(Contains(text, p + "\"10\"} 3\n"));
  EXPECT_TRUE(Contains(text, p + "\"+Inf\"} 4\n"));
  EXPECT_TRUE(Contains(text, "llm_api_http_request_duration_seconds_count{endpoint=\"health_check\"} 4\n"));
  EXPECT_EQ(kHttpDurationBuckets.size(), 14u);
}

TEST(ApiMetrics, TokenCountersAndLatencyHistogramsByModel) {
  ApiMetrics m;
  m.ObserveGeneration("stories260K.gguf", 5, 32, 0.002, 0.0004);
  m.ObserveGeneration("stories260K.gguf", 7, 0, 0.003, -1);  // no tokens: no time per token
  std::string text = m.Render({});
  EXPECT_TRUE(Contains(text, "llm_api_prompt_tokens_total{model=\"stories260K.gguf\"} 12\n"));
  EXPECT_TRUE(Contains(text, "llm_api_generated_tokens_total{model=\"stories260K.gguf\"} 32\n"));
  EXPECT_TRUE(Contains(text, "llm_api_time_to_first_token_seconds_count{model=\"stories260K.gguf\"} 2\n"));
  EXPECT_TRUE(Contains(text, "llm_api_time_per_output_token_seconds_count{model=\"stories260K.gguf\"} 1\n"));
}

TEST(ApiMetrics, GaugesComeFromTheScrapeTimeValues) {
  ApiMetrics m;
  std::string text = m.Render({3, 5, 1, 1234, 7});
  EXPECT_TRUE(Contains(text, "llm_api_requests_running 3\n"));
  EXPECT_TRUE(Contains(text, "llm_api_requests_queued 5\n"));
  EXPECT_TRUE(Contains(text, "llm_api_models_loaded 1\n"));
  EXPECT_TRUE(Contains(text, "llm_api_log_records_written_total 1234\n"));
  EXPECT_TRUE(Contains(text, "llm_api_log_records_dropped_total 7\n"));
}

TEST(ApiMetrics, EscapesLabelValues) {
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

// promtool (Debian package `prometheus`) lints the exposition; it must find nothing.
TEST(ApiMetrics, PassesPromtoolCheckMetrics) {
  ApiMetrics m;
  m.ObserveRequest("generate_response", 200, 0.02);
  m.ObserveRequest("openai_chat_completions", 503, 0.0001);
  m.ObserveGeneration("stories260K.gguf", 5, 32, 0.002, 0.0004);
  m.ObserveGeneration("odd \"name\".gguf", 1, 1, 0.5, 0.5);
  const std::string path = ::testing::TempDir() + "metrics_promtool.txt";
  std::ofstream(path) << m.Render({1, 2, 1, 10, 0});
  ASSERT_EQ(std::system("command -v promtool > /dev/null"), 0) << "promtool is missing (apt-get install prometheus)";
  const std::string cmd = "promtool check metrics < " + path + " > " + path + ".out 2>&1";
  int rc = std::system(cmd.c_str());
  std::ifstream out(path + ".out");
  std::string report((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  EXPECT_EQ(rc, 0) << report;
  EXPECT_EQ(report, "") << report;
}

}  // namespace
}  // namespace llm::server
