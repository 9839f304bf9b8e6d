// --html in headless Chromium: the page renders without a script error, offline, and its
// charts hold the report's numbers (read back from the DOM Chromium dumps).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "logview/log_fixture.h"
#include "logview/reference_stats.h"
#include "logview/test_util.h"

namespace llm::logview::testing {
namespace {
using nlohmann::json;


using Attrs = std::map<std::string, std::string>;

// Every element with the given tag in `dom`, as attribute maps.
std::vector<Attrs> Elements(const std::string& dom, const std::string& tag) {
  std::vector<Attrs> out;
  const std::regex tag_re("<" + tag + R"(\s([^>]*)>)");
  const std::regex attr_re(R"re(([\w-]+)="([^"]*)")re");
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), tag_re); it != std::sregex_iterator(); ++it) {
    Attrs a;
    const std::string body = (*it)[1];
    for (auto at = std::sregex_iterator(body.begin(), body.end(), attr_re); at != std::sregex_iterator(); ++at)
      a[(*at)[1]] = (*at)[2];
    out.push_back(std::move(a));
  }
  return out;
}

std::string DumpDom(const std::string& html_path) {
  TempDir profile;
  CommandResult r = RunCommand({"/usr/bin/timeout", "120", "/usr/bin/chromium", "--headless", "--no-sandbox",
                                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile.path(),
                                "--dump-dom", "file://" + html_path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

TEST(LogViewerHtml, ReportRendersOfflineAndChartsHoldTheReportedNumbers) {
  TempDir dir;
  FixtureInfo info = WriteFixture({.dir = dir.path() + "/logs", .start_us = kStart, .requests = 1200, .max_bytes = 100000,
                                   .gzip_backups = 1, .bad_lines = 3, .seed = 31});
  const std::string html = dir.path() + "/report.html";
  CommandResult r = RunLogViewer({"--html", html, "--errors-only", "--json", "--stats", "--log-dir", dir.path() + "/logs"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json stats = json::parse(r.out)["stats"];

  std::ifstream f(html);
  std::stringstream page;
  page << f.rdbuf();
  for (const char* external : {" src=", " href=", "<link", "@import", "url("})
    EXPECT_EQ(page.str().find(external), std::string::npos) << "no external resource: " << external;

  const std::string dom = DumpDom(html);
  const std::vector<Attrs> body = Elements(dom, "body");
  ASSERT_EQ(body.size(), 1u);
  EXPECT_EQ(body[0].count("data-script-error"), 0u) << body[0].at("data-script-error");
  ASSERT_EQ(body[0].count("data-rendered"), 1u) << "the script did not finish: " << dom.substr(0, 2000);
  EXPECT_EQ(body[0].at("data-rendered"), "ok");

  // Requests and errors per hour against the independent reference.
  RefStats ref = ComputeReference(info.api_files, std::nullopt, std::nullopt);
  std::map<std::string, std::pair<uint64_t, uint64_t>> chart;
  for (const Attrs& a : Elements(dom, "rect")) {
    if (a.count("class") == 0 || a.count("data-hour") == 0) continue;
    if (a.at("class") == "bar-requests") chart[a.at("data-hour")].first = std::stoull(a.at("data-value"));
    if (a.at("class") == "bar-errors") chart[a.at("data-hour")].second = std::stoull(a.at("data-value"));
  }
  ASSERT_EQ(chart.size(), ref.hours.size());
  for (const auto& [hour, counts] : ref.hours) EXPECT_EQ(chart[RefHourLabel(hour)], counts) << RefHourLabel(hour);

  // Latency percentiles per endpoint: the report's figures, within 1% of the exact ones.
  std::map<std::string, std::map<std::string, double>> latency;
  for (const Attrs& a : Elements(dom, "rect"))
    if (a.count("data-percentile")) latency[a.at("data-endpoint")][a.at("data-percentile")] = std::stod(a.at("data-value"));
  ASSERT_EQ(latency.size(), stats["endpoints"].size());
  for (const json& e : stats["endpoints"]) {
    const std::string name = e["endpoint"];
    for (const char* p : {"p50", "p95", "p99"}) {
      EXPECT_DOUBLE_EQ(latency[name][p], e[std::string(p) + "_ms"].get<double>()) << name << " " << p;
      const double q = p == std::string("p50") ? 0.5 : p == std::string("p95") ? 0.95 : 0.99;
      const double exact = ref.endpoints.at(name).Percentile(q);
      EXPECT_NEAR(latency[name][p], exact, std::max(0.001, exact * 0.01)) << name << " " << p;
    }
  }
  for (const Attrs& a : Elements(dom, "div")) {
    if (a.count("id") && a.at("id") == "kpi-total-requests") {
      EXPECT_EQ(std::stoull(a.at("data-value")), ref.overall.count);
    }
  }
  EXPECT_NE(dom.find("id=\"errors-by-type\""), std::string::npos);
}

}  // namespace
}  // namespace llm::logview::testing
