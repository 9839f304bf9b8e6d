// log_viewer: the log analyzer of llm-api (docs/log_viewer.md). Flag parsing and wiring only.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "logview/viewer.h"

namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop.store(true); }

}  // namespace

int main(int argc, char** argv) {
  llm::logview::ViewerOptions o;
  bool no_color = false;
  double max_error_rate = -1, max_p95 = -1;
  long long max_slow = -1, max_auth_failures = -1;
  CLI::App app{"log_viewer: view and analyse llm-api's structured logs (api.log, errors.log)"};
  app.add_option("--type", o.type, "which log: api or errors (default: both for entries)")
      ->check(CLI::IsMember({"api", "errors"}));
  app.add_option("--lines", o.lines, "entries to show per log (default 50)");
  app.add_flag("--stats", o.stats, "API usage statistics");
  app.add_flag("--errors-only", o.errors_only, "error summary only");
  app.add_option("--hours", o.hours, "only the last H hours");
  app.add_option("--log-dir", o.log_dir, "log directory (default ./logs)");
  app.add_flag("--json", o.json, "one JSON document instead of text (NDJSON with --follow)");
  app.add_flag("--follow,-f", o.follow, "live tail that survives rotation");
  app.add_option("--endpoint", o.endpoint, "only this endpoint name or path");
  app.add_option("--status", o.status, "only these statuses: 404, 5xx, 404,5xx");
  app.add_option("--level", o.level, "only records at or above this level");
  app.add_option("--request-id", o.request_id, "the whole story of one request, in order");
  app.add_option("--since", o.since, "from this time: ISO or relative (30m, 2h, 1d)");
  app.add_option("--until", o.until, "before this time: ISO or relative");
  app.add_option("--grep", o.grep, "only lines containing TEXT");
  app.add_option("--slow-ms", o.slow_ms, "slow request threshold in ms (default 5000)");
  app.add_flag("--check", o.check, "exit 1 when a threshold is broken (for cron/monitoring)");
  app.add_option("--max-error-rate", max_error_rate, "--check: max % of responses with status >= 400");
  app.add_option("--max-p95-ms", max_p95, "--check: max overall p95 duration in ms");
  app.add_option("--max-slow", max_slow, "--check: max number of slow requests");
  app.add_option("--max-auth-failures", max_auth_failures, "--check: max authentication failures (security_event auth_failed)");
  app.add_flag("--security", o.security,
               "suspicious patterns per client address and API key name: auth failures, refused requests, "
               "traversal/injection attempts, 404 scans, request bursts");
  app.add_option("--burst-threshold", o.security_options.burst_threshold,
                 "--security: a burst is more than N requests in one window (default 100)");
  app.add_option("--burst-window", o.security_options.burst_window_s,
                 "--security: burst window in seconds (default 10)");
  app.add_option("--scan-min-404", o.security_options.scan_min_paths,
                 "--security: distinct 404 paths from one client that make a scan (default 10)");
  app.add_option("--html", o.html_path, "write a self-contained HTML report to FILE");
  app.add_flag("--no-color", no_color, "never colour the output (NO_COLOR is honoured too)");
  app.add_option("--threads", o.threads, "scan threads (default: one per core)");
  app.add_option("--top", o.top, "rows of the top clients / user agents lists (default 10)");
  app.add_option("--now", o.now, "use this ISO time as now (reproducible --hours / relative times)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  o.lines_given = app.count("--lines") > 0;
  if (max_error_rate >= 0) o.thresholds.max_error_rate = max_error_rate;
  if (max_p95 >= 0) o.thresholds.max_p95_ms = max_p95;
  if (max_slow >= 0) o.thresholds.max_slow = static_cast<uint64_t>(max_slow);
  if (max_auth_failures >= 0) o.thresholds.max_auth_failures = static_cast<uint64_t>(max_auth_failures);
  const char* nc = std::getenv("NO_COLOR");
  o.color = !no_color && (nc == nullptr || nc[0] == '\0') && isatty(STDOUT_FILENO);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  return llm::logview::RunViewer(o, stdout, stderr, g_stop);
}
