// --stats --json against an independent computation (reference_stats.cpp) on generated sets.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <ctime>
#include <fstream>

#include "logview/log_fixture.h"
#include "logview/reference_stats.h"
#include "logview/test_util.h"

namespace llm::logview::testing {
namespace {
using nlohmann::json;


double R3(double v) { return std::round(v * 1000) / 1000; }

// Histogram percentiles are within 1% of the exact nearest-rank value (docs/log_viewer.md).
void ExpectPercentile(double got, double exact, const std::string& what) {
  EXPECT_NEAR(got, exact, std::max(0.001, exact * 0.01)) << what;
}

void ExpectDurations(const json& got, const RefDurations& ref, uint64_t total, const std::string& what) {
  EXPECT_EQ(got["count"].get<uint64_t>(), ref.count) << what;
  EXPECT_EQ(got["errors"].get<uint64_t>(), ref.errors) << what;
  EXPECT_NEAR(got["share"].get<double>(), R3(100.0 * ref.count / total), 0.0011) << what;
  EXPECT_NEAR(got["error_rate"].get<double>(), ref.count ? R3(100.0 * ref.errors / ref.count) : 0, 0.0011) << what;
  EXPECT_NEAR(got["avg_ms"].get<double>(), ref.Avg(), 0.0011) << what;
  EXPECT_NEAR(got["max_ms"].get<double>(), ref.Max(), 0.0011) << what;
  ExpectPercentile(got["p50_ms"], ref.Percentile(0.50), what + " p50");
  ExpectPercentile(got["p95_ms"], ref.Percentile(0.95), what + " p95");
  ExpectPercentile(got["p99_ms"], ref.Percentile(0.99), what + " p99");
}

double Mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

void ExpectTop(const json& got, const std::map<std::string, uint64_t>& ref, const char* key) {
  std::vector<std::pair<std::string, uint64_t>> v(ref.begin(), ref.end());
  std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
  if (v.size() > 10) v.resize(10);
  ASSERT_EQ(got.size(), v.size()) << key;
  for (size_t i = 0; i < v.size(); ++i) {
    EXPECT_EQ(got[i][key].get<std::string>(), v[i].first);
    EXPECT_EQ(got[i]["requests"].get<uint64_t>(), v[i].second);
  }
}

// Every figure of the --stats document against the reference.
void ExpectStatsMatch(const json& got, const RefStats& ref) {
  EXPECT_EQ(got["bad_lines"].get<uint64_t>(), ref.bad_lines);
  EXPECT_EQ(got["records"].get<uint64_t>(), ref.matched);
  ASSERT_TRUE(ref.first_us.has_value());
  EXPECT_EQ(RefParseTime(got["time_span"]["first"]), ref.first_us);
  EXPECT_EQ(RefParseTime(got["time_span"]["last"]), ref.last_us);
  EXPECT_EQ(got["total_requests"].get<uint64_t>(), ref.overall.count);
  EXPECT_EQ(got["request_records"].get<uint64_t>(), ref.request_records);
  EXPECT_EQ(got["error_records"].get<uint64_t>(), ref.error_records);
  ExpectDurations(got["overall"], ref.overall, ref.overall.count, "overall");
  ASSERT_EQ(got["endpoints"].size(), ref.endpoints.size());
  uint64_t prev = UINT64_MAX;
  for (const json& e : got["endpoints"]) {
    const std::string name = e["endpoint"];
    ASSERT_TRUE(ref.endpoints.count(name)) << name;
    ExpectDurations(e, ref.endpoints.at(name), ref.overall.count, name);
    EXPECT_LE(e["count"].get<uint64_t>(), prev) << "endpoints sorted by count";
    prev = e["count"].get<uint64_t>();
  }
  ASSERT_EQ(got["status_codes"].size(), ref.status.size());
  for (const auto& [code, n] : ref.status) EXPECT_EQ(got["status_codes"][std::to_string(code)].get<uint64_t>(), n) << code;
  EXPECT_EQ(got["slow_requests"]["count"].get<uint64_t>(), ref.slow.size());
  const json& slowest = got["slow_requests"]["slowest"];
  ASSERT_EQ(slowest.size(), std::min<size_t>(10, ref.slow.size()));
  for (size_t i = 0; i < slowest.size(); ++i) EXPECT_NEAR(slowest[i]["duration_ms"].get<double>(), ref.slow[i], 0.0011);
  ASSERT_EQ(got["requests_per_hour"].size(), ref.hours.size());
  size_t i = 0;
  for (const auto& [hour, counts] : ref.hours) {
    const json& h = got["requests_per_hour"][i++];
    EXPECT_EQ(h["hour"].get<std::string>(), RefHourLabel(hour));
    EXPECT_EQ(h["requests"].get<uint64_t>(), counts.first);
    EXPECT_EQ(h["errors"].get<uint64_t>(), counts.second);
  }
  ExpectTop(got["top_clients"], ref.clients, "remote_addr");
  ExpectTop(got["top_user_agents"], ref.agents, "user_agent");
  ASSERT_EQ(got["models"].size(), ref.models.size());
  for (const json& m : got["models"]) {
    const RefModel& r = ref.models.at(m["model_name"].get<std::string>());
    EXPECT_EQ(m["count"].get<uint64_t>(), r.count);
    EXPECT_NEAR(m["avg_generation_time_s"].get<double>(), Mean(r.gen_time), 0.0011);
    EXPECT_NEAR(m["avg_tokens_per_second"].get<double>(), Mean(r.tps), 0.0011);
    EXPECT_NEAR(m["avg_response_length"].get<double>(), Mean(r.length), 0.0011);
  }
}

json StatsJson(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
  CommandResult r = RunLogViewer(args, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

TEST(LogViewerStats, EveryFigureMatchesAnIndependentComputationOnARotatedGzippedSet) {
  TempDir dir;
  FixtureOptions o{.dir = dir.path(), .start_us = kStart, .requests = 3000, .max_bytes = 200000,
                   .gzip_backups = 2, .bad_lines = 7, .seed = 11};
  FixtureInfo info = WriteFixture(o);
  ASSERT_GE(info.api_files.size(), 4u) << "the fixture should rotate";
  ASSERT_TRUE(info.api_files[0].ends_with(".gz"));
  json got = StatsJson({"--stats", "--json", "--log-dir", dir.path()});
  RefStats ref = ComputeReference(info.api_files, std::nullopt, std::nullopt);
  EXPECT_EQ(ref.bad_lines, 7u);
  ExpectStatsMatch(got, ref);
  EXPECT_EQ(got["files"].get<std::vector<std::string>>(), info.api_files) << "oldest first";
}

TEST(LogViewerStats, PythonStyleLocalTimestampsAreConvertedWithTheTimeZone) {
  TempDir dir;
  setenv("TZ", "America/New_York", 1);
  tzset();
  FixtureOptions o{.dir = dir.path(), .start_us = kStart, .requests = 1500, .style = TimeStyle::kPythonLocal,
                   .max_bytes = 150000, .bad_lines = 3, .seed = 5};
  FixtureInfo info = WriteFixture(o);
  RefStats ref = ComputeReference(info.api_files, std::nullopt, std::nullopt);
  json got = StatsJson({"--stats", "--json", "--log-dir", dir.path()}, {"TZ=America/New_York"});
  unsetenv("TZ");
  tzset();
  ExpectStatsMatch(got, ref);
  // The file says 2026-06-20T19:59:59.999 (New York, EDT): the span starts at the UTC instant.
  EXPECT_EQ(got["time_span"]["first"].get<std::string>(), "2026-06-20T23:59:59.999000Z");
}

TEST(LogViewerStats, MixedUtcOffsetsSortAndBucketByTheInstant) {
  TempDir dir;
  FixtureOptions o{.dir = dir.path(), .start_us = kStart, .requests = 1500, .style = TimeStyle::kMixedOffsets,
                   .max_bytes = 100000, .gzip_backups = 1, .seed = 9};
  FixtureInfo info = WriteFixture(o);
  RefStats ref = ComputeReference(info.api_files, std::nullopt, std::nullopt);
  ExpectStatsMatch(StatsJson({"--stats", "--json", "--log-dir", dir.path()}), ref);
  // Entries come out in instant order although the offsets differ line to line.
  CommandResult r = RunLogViewer({"--json", "--type", "api", "--lines", "200", "--log-dir", dir.path()});
  ASSERT_EQ(r.exit_code, 0);
  json entries = json::parse(r.out)["api"];
  ASSERT_EQ(entries.size(), 200u);
  for (size_t i = 1; i < entries.size(); ++i)
    EXPECT_LE(RefParseTime(entries[i - 1]["timestamp"]), RefParseTime(entries[i]["timestamp"]));
}

TEST(LogViewerStats, HoursWindowCountsOnlyRecordsAtOrAfterNowMinusHours) {
  TempDir dir;
  FixtureOptions o{.dir = dir.path(), .start_us = kStart, .requests = 2000, .spacing_us = 30'000'000, .seed = 3};
  FixtureInfo info = WriteFixture(o);
  const int64_t now = kStart + 12 * 3600000000LL;
  const std::string now_text = "2026-06-21T12:00:00Z";
  for (int hours : {1, 3, 6}) {
    RefStats ref = ComputeReference(info.api_files, now - hours * 3600000000LL, std::nullopt);
    json got = StatsJson({"--stats", "--json", "--hours", std::to_string(hours), "--now", now_text, "--log-dir", dir.path()});
    ExpectStatsMatch(got, ref);
  }
}

TEST(LogViewerStats, SinceIsInclusiveAndUntilExclusiveToTheMicrosecond) {
  TempDir dir;
  std::string lines;
  for (int i = 0; i < 5; ++i)
    lines += "{\"timestamp\": \"2026-06-21T10:00:0" + std::to_string(i) + ".000000Z\", \"level\": \"INFO\", \"message\": "
             "\"Outgoing response\", \"endpoint\": \"health_check\", \"status_code\": 200, \"duration_ms\": " +
             std::to_string(i + 1) + ", \"type\": \"response\"}\n";
  AppendToFile(dir.path() + "/api.log", lines);
  json got = StatsJson({"--stats", "--json", "--since", "2026-06-21T10:00:01Z", "--until", "2026-06-21T12:00:03+02:00",
                        "--log-dir", dir.path()});
  EXPECT_EQ(got["total_requests"], 2);  // 10:00:01 and 10:00:02
  EXPECT_EQ(got["overall"]["max_ms"], 3.0);
  got = StatsJson({"--stats", "--json", "--since", "30m", "--now", "2026-06-21T10:30:02Z", "--log-dir", dir.path()});
  EXPECT_EQ(got["total_requests"], 3);  // relative: from 10:00:02
  got = StatsJson({"--stats", "--json", "--hours", "0.5", "--now", "2026-06-21T10:30:02.000001Z", "--log-dir", dir.path()});
  EXPECT_EQ(got["total_requests"], 2);
}

TEST(LogViewerStats, FiltersNarrowTheStatistics) {
  TempDir dir;
  FixtureOptions o{.dir = dir.path(), .start_us = kStart, .requests = 1500, .seed = 21};
  FixtureInfo info = WriteFixture(o);
  RefStats ref = ComputeReference(info.api_files, std::nullopt, std::nullopt);
  json got = StatsJson({"--stats", "--json", "--endpoint", "generate_response", "--log-dir", dir.path()});
  EXPECT_EQ(got["total_requests"].get<uint64_t>(), ref.endpoints.at("generate_response").count);
  ASSERT_EQ(got["endpoints"].size(), 1u);
  got = StatsJson({"--stats", "--json", "--status", "5xx", "--log-dir", dir.path()});
  uint64_t five = 0;
  for (const auto& [code, n] : ref.status) if (code >= 500) five += n;
  EXPECT_EQ(got["total_requests"].get<uint64_t>(), five);
  EXPECT_EQ(got["overall"]["error_rate"].get<double>(), 100.0);
}

TEST(LogViewerStats, CountsConstrainedToolCallAndReasoningGenerationsPerModel) {
  TempDir dir;
  auto event = [](const std::string& model, const std::string& extra) {
    return R"({"timestamp":"2026-06-21T00:00:01.000000Z","level":"INFO","message":"done","type":"custom_event",)"
           R"("event_type":"text_generation_success","model_name":")" +
           model + R"(","completion_tokens":10)" + extra + "}";
  };
  std::ofstream(dir.path() + "/api.log")
      << event("a.gguf", R"(,"constrained":true)") << "\n"
      << event("a.gguf", R"(,"constrained":false,"tool_calls":2)") << "\n"
      << event("a.gguf", R"(,"tool_calls":0,"reasoning_tokens":30)") << "\n"
      << event("b.gguf", R"(,"tool_calls":1,"reasoning_tokens":5,"constrained":true)") << "\n"
      // Another event may use these names for other things: neither counted nor a bad line.
      << R"({"timestamp":"2026-06-21T00:00:02Z","level":"INFO","message":"x","type":"custom_event",)"
         R"("event_type":"audit","tool_calls":["f"],"constrained":"yes"})" << "\n";
  json got = StatsJson({"--stats", "--json", "--log-dir", dir.path()});
  EXPECT_EQ(got["bad_lines"], 0);
  ASSERT_EQ(got["models"].size(), 2u) << got["models"].dump();
  const json& a = got["models"][0];
  EXPECT_EQ(a["model_name"], "a.gguf");
  EXPECT_EQ(a["count"], 3);
  EXPECT_EQ(a["constrained"], 1);
  EXPECT_EQ(a["with_tool_calls"], 1);
  EXPECT_EQ(a["tool_calls"], 2);
  EXPECT_EQ(a["reasoning_tokens"], 30);
  const json& b = got["models"][1];
  EXPECT_EQ(b["constrained"], 1);
  EXPECT_EQ(b["with_tool_calls"], 1);
  EXPECT_EQ(b["tool_calls"], 1);
  EXPECT_EQ(b["reasoning_tokens"], 5);
  CommandResult text = RunLogViewer({"--stats", "--log-dir", dir.path()});
  EXPECT_NE(text.out.find("constrained 1  with tool calls 1 (2 calls)  reasoning tokens 30"), std::string::npos) << text.out;
}

}  // namespace
}  // namespace llm::logview::testing
