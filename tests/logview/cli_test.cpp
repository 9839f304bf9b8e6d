// The log_viewer binary's modes on generated log sets: entries, rotation order, one request's
// story, colours, --check exit codes, --errors-only, and the specification's own examples.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

#include "logview/log_fixture.h"
#include "logview/reference_stats.h"
#include "logview/test_util.h"

namespace llm::logview::testing {
namespace {
using nlohmann::json;


std::vector<json> ValidRecords(const std::vector<std::string>& files) {
  std::vector<json> out;
  for (const std::string& f : files)
    for (const std::string& line : ReadLines(f))
      if (auto j = RefParseRecord(line)) out.push_back(*j);
  return out;
}

TEST(LogViewerCli, NoFlagsShowsRecentApiAndErrorEntries) {
  TempDir dir;
  FixtureInfo info = WriteFixture({.dir = dir.path(), .start_us = kStart, .requests = 300, .bad_lines = 2, .seed = 2});
  CommandResult r = RunLogViewer({"--log-dir", dir.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Recent API log entries (50 entries)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Recent error log entries"), std::string::npos);
  const std::vector<json> api = ValidRecords(info.api_files);
  const std::string last_message = api.back()["message"];
  EXPECT_NE(r.out.find(api.back()["timestamp"].get<std::string>().substr(11, 12)), std::string::npos);
  EXPECT_EQ(r.out.find("\033["), std::string::npos) << "no colour when stdout is not a terminal";
}

TEST(LogViewerCli, LinesReadsBackAcrossRotatedFilesAndKeepsTimeOrder) {
  TempDir dir;
  FixtureInfo info = WriteFixture({.dir = dir.path(), .start_us = kStart, .requests = 600, .max_bytes = 30000,
                                   .gzip_backups = 3, .bad_lines = 4, .seed = 4});
  ASSERT_GE(info.api_files.size(), 6u);
  const std::vector<json> all = ValidRecords(info.api_files);  // oldest file first = time order
  for (size_t n : {size_t{5}, size_t{150}, all.size() + 10}) {
    CommandResult r = RunLogViewer({"--type", "api", "--lines", std::to_string(n), "--json", "--log-dir", dir.path()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json got = json::parse(r.out)["api"];
    const size_t want = std::min(n, all.size());
    ASSERT_EQ(got.size(), want);
    for (size_t i = 0; i < want; ++i) EXPECT_EQ(got[i], all[all.size() - want + i]) << i;
  }
}

TEST(LogViewerCli, RotatedSetIsReadOldestFirstWithNumericBackupOrder) {
  TempDir dir;
  // api.log.10 is older than api.log.9, which a string sort would get wrong.
  for (int n : {10, 9, 2, 1, 0}) {
    std::string name = dir.path() + "/api.log" + (n ? "." + std::to_string(n) : "");
    AppendToFile(name, "{\"timestamp\": \"2026-06-21T10:00:00.0000" + std::to_string(10 + (10 - n)) +
                           "Z\", \"level\": \"INFO\", \"message\": \"file " + std::to_string(n) + "\"}\n");
  }
  CommandResult r = RunLogViewer({"--stats", "--json", "--log-dir", dir.path()});
  ASSERT_EQ(r.exit_code, 0);
  std::vector<std::string> files = json::parse(r.out)["files"];
  std::vector<std::string> want;
  for (const char* s : {".10", ".9", ".2", ".1", ""}) want.push_back(dir.path() + "/api.log" + s);
  EXPECT_EQ(files, want);
  r = RunLogViewer({"--type", "api", "--json", "--log-dir", dir.path()});
  json entries = json::parse(r.out)["api"];
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_EQ(entries[0]["message"], "file 10");
  EXPECT_EQ(entries[4]["message"], "file 0");
}

TEST(LogViewerCli, RequestIdTellsOneRequestsWholeStoryOnceAndInOrder) {
  TempDir dir;
  FixtureInfo info = WriteFixture({.dir = dir.path(), .start_us = kStart, .requests = 400, .max_bytes = 40000, .seed = 8});
  std::string id;
  for (const json& j : ValidRecords(info.error_files))
    if (j.value("type", "") == "error" && j.value("status_code", 0) >= 500) id = j["request_id"];
  ASSERT_FALSE(id.empty());
  CommandResult r = RunLogViewer({"--request-id", id, "--json", "--log-dir", dir.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json story = json::parse(r.out)["entries"];
  std::vector<std::string> types;
  for (const json& e : story) {
    EXPECT_EQ(e["request_id"], id);
    types.push_back(e["type"]);
  }
  EXPECT_EQ(types, (std::vector<std::string>{"request", "error", "response"}));
  r = RunLogViewer({"--request-id", id, "--log-dir", dir.path()});
  EXPECT_NE(r.out.find("Request " + id + " (3 entries)"), std::string::npos) << r.out;
}

TEST(LogViewerCli, ColoursOnlyOnATerminalAndNeverWithNoColor) {
  TempDir dir;
  WriteFixture({.dir = dir.path(), .start_us = kStart, .requests = 50, .seed = 1});
  const std::string cmd = BinPath("log_viewer") + " --type api --lines 5 --log-dir " + dir.path();
  CommandResult tty = RunCommand({"/usr/bin/script", "-qec", cmd, "/dev/null"});
  EXPECT_NE(tty.out.find("\033[32mINFO"), std::string::npos) << tty.out;
  CommandResult no_color_env = RunCommand({"/usr/bin/script", "-qec", cmd, "/dev/null"}, {"NO_COLOR=1"});
  EXPECT_EQ(no_color_env.out.find("\033["), std::string::npos);
  CommandResult no_color_flag = RunCommand({"/usr/bin/script", "-qec", cmd + " --no-color", "/dev/null"});
  EXPECT_EQ(no_color_flag.out.find("\033["), std::string::npos);
  EXPECT_NE(no_color_flag.out.find("INFO"), std::string::npos);
}

TEST(LogViewerCli, CheckExitsZeroWhenThresholdsHoldAndOneLinePerBrokenThreshold) {
  TempDir dir;
  FixtureInfo info = WriteFixture({.dir = dir.path(), .start_us = kStart, .requests = 800, .seed = 6});
  RefStats ref = ComputeReference(info.api_files, std::nullopt, std::nullopt);
  const double rate = 100.0 * ref.overall.errors / ref.overall.count;
  const double p95 = ref.overall.Percentile(0.95);
  const size_t slow = ref.slow.size();
  ASSERT_GT(slow, 0u);
  CommandResult ok = RunLogViewer({"--check", "--max-error-rate", std::to_string(rate + 0.5), "--max-p95-ms",
                                   std::to_string(p95 * 1.05), "--max-slow", std::to_string(slow), "--log-dir", dir.path()});
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_EQ(ok.out.rfind("OK:", 0), 0u) << ok.out;
  CommandResult bad = RunLogViewer({"--check", "--max-error-rate", std::to_string(rate - 0.5), "--max-p95-ms",
                                    std::to_string(p95 * 0.95), "--max-slow", std::to_string(slow - 1), "--log-dir", dir.path()});
  EXPECT_EQ(bad.exit_code, 1);
  std::istringstream lines(bad.out);
  std::string line;
  std::vector<std::string> got;
  while (std::getline(lines, line)) got.push_back(line);
  ASSERT_EQ(got.size(), 3u) << bad.out;
  EXPECT_NE(got[0].find("error rate"), std::string::npos);
  EXPECT_NE(got[1].find("p95"), std::string::npos);
  EXPECT_NE(got[2].find("slow requests " + std::to_string(slow)), std::string::npos);
  CommandResult one = RunLogViewer({"--check", "--max-slow", std::to_string(slow - 1), "--log-dir", dir.path()});
  EXPECT_EQ(one.exit_code, 1);
  EXPECT_EQ(std::count(one.out.begin(), one.out.end(), '\n'), 1);
  CommandResult json_check = RunLogViewer({"--check", "--json", "--max-slow", std::to_string(slow - 1), "--log-dir", dir.path()});
  EXPECT_EQ(json_check.exit_code, 1);
  EXPECT_EQ(json::parse(json_check.out)["check"]["ok"], false);
  EXPECT_EQ(RunLogViewer({"--check", "--log-dir", dir.path()}).exit_code, 2) << "no threshold given";
  EXPECT_EQ(RunLogViewer({"--stats", "--log-dir", dir.path() + "/missing"}).exit_code, 2);
}

TEST(LogViewerCli, ErrorsOnlyAgreesWithTheSpecificationsPythonSnippet) {
  TempDir dir;
  const std::string logs = dir.path() + "/logs";
  FixtureInfo info = WriteFixture({.dir = logs, .start_us = kStart, .requests = 2000, .seed = 13});
  ASSERT_EQ(info.error_files.size(), 1u);
  // The snippet exactly as in the specification's "Count Errors by Type".
  const std::string snippet =
      "import json\n\nerror_types = {}\nwith open('logs/errors.log', 'r') as f:\n    for line in f:\n"
      "        log = json.loads(line)\n        error_type = log.get('error_type', 'Unknown')\n"
      "        error_types[error_type] = error_types.get(error_type, 0) + 1\n\n"
      "for error_type, count in sorted(error_types.items(), key=lambda x: x[1], reverse=True):\n"
      "    print(f\"{error_type}: {count}\")\n";
  CommandResult py = RunCommand({"/bin/sh", "-c", "cd " + dir.path() + " && python3 -c \"$SNIPPET\""}, {"SNIPPET=" + snippet});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  std::map<std::string, uint64_t> expected;
  std::istringstream in(py.out);
  std::string line;
  while (std::getline(in, line)) {
    size_t colon = line.rfind(": ");
    expected[line.substr(0, colon)] = std::stoull(line.substr(colon + 2));
  }
  ASSERT_GE(expected.size(), 3u) << py.out;
  CommandResult r = RunLogViewer({"--errors-only", "--json", "--log-dir", logs});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, uint64_t> got;
  const json report = json::parse(r.out);
  for (const json& g : report["by_error_type"]) got[g["error_type"]] = g["count"];
  EXPECT_EQ(got, expected) << r.out.substr(0, 600);
}

TEST(LogViewerCli, SpecificationsSlowRequestGrepAgreesWithTheSlowCount) {
  TempDir dir;
  const std::string logs = dir.path() + "/logs";
  // The grep only sees 4-digit durations, so durations stay below 10 s here.
  WriteFixture({.dir = logs, .start_us = kStart, .requests = 3000, .max_duration_ms = 10000, .seed = 17});
  CommandResult grep = RunCommand({"/bin/sh", "-c", "cd " + dir.path() +
                                   " && grep '\"duration_ms\".*[5-9][0-9][0-9][0-9]' logs/api.log | wc -l"});
  ASSERT_EQ(grep.exit_code, 0);
  const uint64_t grep_count = std::stoull(grep.out);
  ASSERT_GT(grep_count, 10u);
  CommandResult r = RunLogViewer({"--stats", "--json", "--log-dir", logs});
  EXPECT_EQ(json::parse(r.out)["slow_requests"]["count"].get<uint64_t>(), grep_count);
}

TEST(LogViewerCli, ErrorSpikeHourIsPointedOut) {
  TempDir dir;
  WriteFixture({.dir = dir.path(), .start_us = kStart, .requests = 3000, .spacing_us = 10'000'000, .spike_hour = 3, .seed = 19});
  CommandResult r = RunLogViewer({"--errors-only", "--json", "--log-dir", dir.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out);
  ASSERT_EQ(j["spikes"].size(), 1u) << j["errors_per_hour"].dump();
  EXPECT_EQ(j["spikes"][0]["hour"], "2026-06-21T03:00:00Z");
  r = RunLogViewer({"--errors-only", "--log-dir", dir.path()});
  EXPECT_NE(r.out.find("ERROR SPIKE: 2026-06-21T03:00:00Z"), std::string::npos) << r.out;
}

TEST(LogViewerCli, BadLinesAreSkippedCountedAndShown) {
  TempDir dir;
  WriteFixture({.dir = dir.path(), .start_us = kStart, .requests = 100, .bad_lines = 6, .seed = 23});
  AppendToFile(dir.path() + "/api.log", "{\"timestamp\": \"2026-06-21T23:00:00Z\", \"level\": \"INFO\", \"mess");  // truncated last line
  CommandResult r = RunLogViewer({"--type", "api", "--lines", "100000", "--log-dir", dir.path()});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("(7 bad lines skipped)"), std::string::npos) << r.out.substr(r.out.size() - 300);
  r = RunLogViewer({"--stats", "--json", "--log-dir", dir.path()});
  EXPECT_EQ(json::parse(r.out)["bad_lines"], 7);
}

TEST(LogViewerCli, EntryFiltersSelectByEndpointStatusLevelAndText) {
  TempDir dir;
  FixtureInfo info = WriteFixture({.dir = dir.path(), .start_us = kStart, .requests = 500, .seed = 29});
  auto entries = [&](std::vector<std::string> args) {
    args.insert(args.end(), {"--type", "api", "--lines", "100000", "--json", "--log-dir", dir.path()});
    CommandResult r = RunLogViewer(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out)["api"];
  };
  const std::vector<json> all = ValidRecords(info.api_files);
  auto count = [&](auto pred) { return static_cast<size_t>(std::count_if(all.begin(), all.end(), pred)); };
  EXPECT_EQ(entries({"--endpoint", "list_models"}).size(),
            count([](const json& j) { return j.value("endpoint", json()).is_string() && j["endpoint"] == "list_models"; }));
  EXPECT_EQ(entries({"--status", "404"}).size(), count([](const json& j) { return j.value("status_code", 0) == 404; }));
  EXPECT_EQ(entries({"--status", "4xx,5xx"}).size(), count([](const json& j) { return j.value("status_code", 0) >= 400; }));
  EXPECT_EQ(entries({"--level", "warning"}).size(),
            count([](const json& j) { return j["level"] == "WARNING" || j["level"] == "ERROR" || j["level"] == "CRITICAL"; }));
  EXPECT_EQ(entries({"--grep", "ModelNotFoundError"}).size(),
            count([](const json& j) { return j.dump().find("ModelNotFoundError") != std::string::npos; }));
  EXPECT_EQ(RunLogViewer({"--status", "6xx", "--log-dir", dir.path()}).exit_code, 2);
}


// Hostile lines: a record whose body nests a million arrays (and one unterminated) must be
// read by every view without exhausting the stack; the deep-but-valid record stays countable.
TEST(LogViewerCli, EveryViewSurvivesLinesNestedAMillionLevelsDeep) {
  TempDir dir;
  WriteFixture({.dir = dir.path(), .start_us = kStart, .requests = 20, .bad_lines = 0, .seed = 5});
  const std::string deep(1000000, '[');
  const std::string closed = deep + std::string(1000000, ']');
  const std::string head = R"({"timestamp":"2026-06-21T23:00:00Z","level":"ERROR","message":"m","type":"request","request_id":"deep","body":)";
  AppendToFile(dir.path() + "/api.log", head + closed + "}\n" + head + deep + "\n");
  AppendToFile(dir.path() + "/errors.log", head + closed + "}\n");
  for (std::vector<std::string> args :
       {std::vector<std::string>{}, {"--json"}, {"--stats"}, {"--stats", "--json"}, {"--errors-only"},
        {"--request-id", "deep"}, {"--request-id", "deep", "--json"}, {"--grep", "deep", "--json"},
        {"--html", dir.path() + "/report.html"}}) {
    args.push_back("--log-dir");
    args.push_back(dir.path());
    CommandResult r = RunLogViewer(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << ": " << r.err;
  }
  CommandResult r = RunLogViewer({"--stats", "--json", "--log-dir", dir.path()});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_GE(json::parse(r.out)["bad_lines"].get<int>(), 1);
}

}  // namespace
}  // namespace llm::logview::testing
