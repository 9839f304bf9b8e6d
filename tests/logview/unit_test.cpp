// Unit tests of the logview library: timestamps, histogram, filters, record parsing, files.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>

#include "logview/filter.h"
#include "logview/histogram.h"
#include "logview/log_fixture.h"
#include "logview/log_set.h"
#include "logview/record.h"
#include "logview/scan.h"
#include "logview/stats.h"
#include "logview/test_util.h"
#include "logview/timestamp.h"

namespace llm::logview {
namespace {

int64_t Parse(const char* s) {
  LocalTimeConverter local;
  auto t = ParseTimestamp(s, local);
  return t ? *t : -1;
}

TEST(LogviewTimestamp, ParsesUtcOffsetsAndFractions) {
  const int64_t base = 1750933800LL * 1000000;  // 2025-06-26T10:30:00Z
  EXPECT_EQ(Parse("2025-06-26T10:30:00.123456Z"), base + 123456);
  EXPECT_EQ(Parse("2025-06-26T12:30:00.123456+02:00"), base + 123456);
  EXPECT_EQ(Parse("2025-06-26T05:00:00.5-05:30"), base + 500000);
  EXPECT_EQ(Parse("2025-06-26 10:30:00Z"), base);
  EXPECT_EQ(Parse("2025-06-26T10:30:00.123456789Z"), base + 123456);
  for (const char* bad : {"2025-06-26", "2025-06-26T10:30:00.Z", "2025-13-26T10:30:00Z", "yesterday",
                          "2025-06-26T10:30:00+2", "2025-06-26T10:30:00ZZ"})
    EXPECT_EQ(Parse(bad), -1) << bad;
}

TEST(LogviewTimestamp, ZonelessPythonStyleIsLocalTime) {
  setenv("TZ", "Europe/Berlin", 1);
  tzset();
  EXPECT_EQ(Parse("2025-06-26T12:30:00.123456"), 1750933800LL * 1000000 + 123456);  // CEST, +02:00
  EXPECT_EQ(Parse("2025-01-10T11:00:00"), Parse("2025-01-10T10:00:00Z"));         // CET, +01:00
  unsetenv("TZ");
  tzset();
}

TEST(LogviewTimestamp, FormatsAsUtcWithMicroseconds) {
  EXPECT_EQ(FormatTimestamp(1750933800LL * 1000000 + 42), "2025-06-26T10:30:00.000042Z");
  EXPECT_EQ(FormatTimestampSeconds(1750933800LL * 1000000 + 42), "2025-06-26T10:30:00Z");
}

TEST(LogviewTimestamp, TimeSpecsAreRelativeOrIso) {
  const int64_t now = 1750933800LL * 1000000;
  EXPECT_EQ(ParseTimeSpec("30m", now), now - 1800LL * 1000000);
  EXPECT_EQ(ParseTimeSpec("2h", now), now - 7200LL * 1000000);
  EXPECT_EQ(ParseTimeSpec("1d", now), now - 86400LL * 1000000);
  EXPECT_EQ(ParseTimeSpec("2025-06-26T10:30:00Z", 0), now);
  EXPECT_FALSE(ParseTimeSpec("2x", now).has_value());
  EXPECT_FALSE(ParseTimeSpec("m", now).has_value());
}

TEST(DurationHistogram, PercentilesStayWithinHalfAPercentOfTheExactValue) {
  std::mt19937 rng(7);
  std::lognormal_distribution<double> dist(3.0, 2.0);
  std::vector<double> values;
  DurationHistogram h;
  for (int i = 0; i < 20000; ++i) {
    double v = std::round(dist(rng) * 1000) / 1000;
    values.push_back(v);
    h.Add(v);
  }
  std::sort(values.begin(), values.end());
  for (double p : {0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0}) {
    const double exact = values[static_cast<size_t>(std::ceil(p * values.size())) - 1];
    EXPECT_NEAR(h.Percentile(p), exact, std::max(0.0005, exact * 0.005)) << p;
  }
  EXPECT_DOUBLE_EQ(h.max_ms(), values.back());
  EXPECT_DOUBLE_EQ(h.min_ms(), values.front());
}

TEST(DurationHistogram, MergeEqualsOneHistogramOfAllValues) {
  DurationHistogram a, b, all;
  for (int i = 0; i < 1000; ++i) {
    const double v = i * 3.7;
    (i % 2 ? a : b).Add(v);
    all.Add(v);
  }
  a.Merge(b);
  for (double p : {0.5, 0.95, 0.99}) EXPECT_EQ(a.Percentile(p), all.Percentile(p));
  EXPECT_EQ(a.count(), all.count());
  EXPECT_DOUBLE_EQ(a.sum_ms(), all.sum_ms());
}

TEST(DurationHistogram, BucketsTileTheValuesWithoutGaps) {
  for (uint64_t v : {0ull, 1ull, 127ull, 128ull, 255ull, 256ull, 1000ull, 123456789ull, 1ull << 40}) {
    const uint32_t b = DurationHistogram::BucketOf(v);
    EXPECT_LE(DurationHistogram::BucketLow(b), v);
    EXPECT_GT(DurationHistogram::BucketHigh(b), v);
    EXPECT_EQ(DurationHistogram::BucketOf(DurationHistogram::BucketHigh(b)), b + 1);
  }
}

TEST(StatusFilter, ParsesCodesAndClasses) {
  auto f = StatusFilter::Parse("404,5xx");
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->Matches(404));
  EXPECT_TRUE(f->Matches(503));
  EXPECT_FALSE(f->Matches(400));
  EXPECT_FALSE(StatusFilter::Parse("6xx").ok());
  EXPECT_FALSE(StatusFilter::Parse("40").ok());
  EXPECT_FALSE(StatusFilter::Parse("").ok());
}

TEST(RecordParser, ReadsTheSchemaAndRejectsWrongTypes) {
  RecordParser p;
  RecordView r;
  ASSERT_TRUE(p.Parse(R"({"timestamp": "2025-06-26T10:30:02.456789Z", "level": "WARNING", "message": "Outgoing response",
      "headers": {"a": [1, {"b": 2}]}, "request_id": "req_1", "endpoint": "generate_response", "status_code": 404,
      "duration_ms": 2340.12, "slow": true, "remote_addr": null, "type": "response"})", &r));
  EXPECT_EQ(r.type, RecordType::kResponse);
  EXPECT_EQ(r.level, Level::kWarning);
  EXPECT_EQ(r.status_code, 404);
  EXPECT_DOUBLE_EQ(r.duration_ms, 2340.12);
  EXPECT_TRUE(r.slow);
  EXPECT_EQ(r.endpoint, "generate_response");
  EXPECT_TRUE(r.remote_addr.empty());
  for (const char* bad : {
           "not json", "[1,2]", "{}",
           R"({"level": "INFO", "message": "m"})",
           R"({"timestamp": "2025-06-26T10:30:02Z", "level": "LOUD", "message": "m"})",
           R"({"timestamp": "2025-06-26T10:30:02Z", "level": "INFO", "message": 3})",
           R"({"timestamp": "2025-06-26T10:30:02Z", "level": "INFO", "message": "m", "status_code": "200"})",
           R"({"timestamp": "2025-06-26T10:30:02Z", "level": "INFO", "message": "m", "duration_ms": "fast"})",
           R"({"timestamp": "2025-06-26T10:30:02Z", "level": "INFO", "message": "m", "endpoint": 5})",
           R"({"timestamp": "2025-06-26T10:30:02Z", "level": "INFO", "mess)",
           // Found by the fuzzer: a malformed scalar where a string is expected used to throw.
           R"({"timestamp": "2025-06-26T10:30:02Z", "level": "INFO", "message": "m", "remote_addr": 12erat})"})
    EXPECT_FALSE(p.Parse(bad, &r)) << bad;
}

TEST(LogSet, ListsBackupsOldestFirstIncludingGzip) {
  testing::TempDir dir;
  for (const char* name : {"api.log", "api.log.1", "api.log.2.gz", "api.log.11", "api.log.bak", "errors.log.1"})
    testing::AppendToFile(dir.path() + "/" + name, "");
  auto files = ListRotatedSet(dir.path(), "api.log");
  ASSERT_TRUE(files.ok());
  std::vector<std::string> want;
  for (const char* s : {"/api.log.11", "/api.log.2.gz", "/api.log.1", "/api.log"}) want.push_back(dir.path() + s);
  EXPECT_EQ(*files, want);
  EXPECT_FALSE(ListRotatedSet(dir.path() + "/nope", "api.log").ok());
}

struct CountingAggregate {
  uint64_t bad_lines = 0, records = 0;
  std::vector<std::string> lines;
  void Add(const RecordView&, std::string_view line) { lines.emplace_back(line); }
  void Merge(CountingAggregate&& o) {
    bad_lines += o.bad_lines;
    records += o.records;
    lines.insert(lines.end(), o.lines.begin(), o.lines.end());
  }
};

TEST(ParallelScan, EveryLineIsSeenExactlyOnceWhateverTheThreadCount) {
  testing::TempDir dir;
  testing::FixtureInfo info =
      testing::WriteFixture({.dir = dir.path(), .start_us = 1782000000LL * 1000000, .requests = 700, .max_bytes = 50000,
                             .gzip_backups = 1, .bad_lines = 5, .seed = 3});
  auto sources = OpenRotatedSet(dir.path(), "api.log");
  ASSERT_TRUE(sources.ok());
  std::vector<std::string> expected;
  for (const std::string& f : info.api_files)
    for (const std::string& l : testing::ReadLines(f)) expected.push_back(l);
  for (int threads : {1, 2, 3, 7}) {
    auto agg = ParallelScan<CountingAggregate>(*sources, Filter{}, threads, [] { return CountingAggregate{}; });
    EXPECT_EQ(agg.bad_lines, 5u);
    EXPECT_EQ(agg.records + agg.bad_lines, expected.size());
    std::vector<std::string> seen = agg.lines;
    std::sort(seen.begin(), seen.end());
    std::vector<std::string> valid;
    RecordParser p;
    RecordView r;
    for (const std::string& l : expected)
      if (p.Parse(l, &r)) valid.push_back(l);
    std::sort(valid.begin(), valid.end());
    EXPECT_EQ(seen, valid) << threads;
  }
}

}  // namespace
}  // namespace llm::logview
