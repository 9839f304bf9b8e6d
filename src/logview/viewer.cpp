#include "logview/viewer.h"

#include <sys/stat.h>

#include <thread>

#include "logview/entries.h"
#include "logview/follow.h"
#include "logview/log_set.h"
#include "logview/render_html.h"
#include "logview/render_text.h"
#include "logview/report.h"
#include "logview/scan.h"
#include "logview/timestamp.h"

namespace llm::logview {
namespace {

struct Plan {
  Filter filter;
  ReportContext ctx;
  int threads = 1;
};

Result<Plan> MakePlan(const ViewerOptions& o) {
  Plan p;
  int64_t now = NowMicros();
  if (!o.now.empty()) {
    LocalTimeConverter local;
    auto t = ParseTimestamp(o.now, local);
    if (!t) return Status::InvalidArgument("--now: not an ISO timestamp: " + o.now);
    now = *t;
  }
  if (o.hours) {
    if (*o.hours <= 0) return Status::InvalidArgument("--hours must be positive");
    p.filter.since_us = now - static_cast<int64_t>(*o.hours * 3600e6);
  }
  if (!o.since.empty()) {
    auto t = ParseTimeSpec(o.since, now);
    if (!t) return Status::InvalidArgument("--since: expected an ISO time or 30m/2h/1d, got '" + o.since + "'");
    if (!p.filter.since_us || *t > *p.filter.since_us) p.filter.since_us = t;
  }
  if (!o.until.empty()) {
    auto t = ParseTimeSpec(o.until, now);
    if (!t) return Status::InvalidArgument("--until: expected an ISO time or 30m/2h/1d, got '" + o.until + "'");
    p.filter.until_us = t;
  }
  if (!o.status.empty()) {
    LLM_ASSIGN_OR_RETURN(p.filter.status, StatusFilter::Parse(o.status));
  }
  if (!o.level.empty()) {
    Level l;
    if (!ParseLevel(o.level, &l)) return Status::InvalidArgument("--level: unknown level '" + o.level + "'");
    p.filter.min_level = l;
  }
  if (!o.type.empty() && o.type != "api" && o.type != "errors")
    return Status::InvalidArgument("--type must be api or errors");
  p.filter.endpoint = o.endpoint;
  p.filter.request_id = o.request_id;
  p.filter.grep = o.grep;
  p.ctx.since_us = p.filter.since_us;
  p.ctx.until_us = p.filter.until_us;
  p.ctx.top_n = o.top;
  p.threads = o.threads > 0 ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  return p;
}

std::string BaseOf(const std::string& type) { return type == "errors" ? "errors.log" : "api.log"; }

void Write(std::FILE* out, const std::string& s) { std::fwrite(s.data(), 1, s.size(), out); }

Result<Json> StatsJson(const ViewerOptions& o, Plan& p) {
  LLM_ASSIGN_OR_RETURN(auto sources, OpenRotatedSet(o.log_dir, BaseOf(o.type)));
  for (const auto& s : sources) p.ctx.files.push_back(s.path());
  auto agg = ParallelScan<StatsAggregate>(sources, p.filter, p.threads, [&] { return StatsAggregate(o.slow_ms); });
  return StatsReportJson(agg, p.ctx);
}

Result<Json> SecurityJson(const ViewerOptions& o, Plan p) {
  LLM_ASSIGN_OR_RETURN(auto sources, OpenRotatedSet(o.log_dir, "api.log"));
  p.ctx.files.clear();
  for (const auto& s : sources) p.ctx.files.push_back(s.path());
  auto agg = ParallelScan<SecurityAggregate>(sources, p.filter, p.threads,
                                             [&] { return SecurityAggregate(o.security_options); });
  return SecurityReportJson(agg, p.ctx);
}

Result<Json> ErrorsJson(const ViewerOptions& o, Plan p) {
  const std::string base = o.type.empty() ? "errors.log" : BaseOf(o.type);
  if (base == "api.log" && (!p.filter.min_level || *p.filter.min_level < Level::kError)) p.filter.min_level = Level::kError;
  LLM_ASSIGN_OR_RETURN(auto sources, OpenRotatedSet(o.log_dir, base));
  p.ctx.files.clear();
  for (const auto& s : sources) p.ctx.files.push_back(s.path());
  auto agg = ParallelScan<ErrorAggregate>(sources, p.filter, p.threads, [] { return ErrorAggregate(); });
  return ErrorReportJson(agg, p.ctx);
}

int RunEntries(const ViewerOptions& o, const Plan& p, std::FILE* out, std::FILE* err) {
  std::vector<std::string> bases;
  if (o.type.empty() || o.type == "api") bases.push_back("api.log");
  if (o.type.empty() || o.type == "errors") bases.push_back("errors.log");
  const bool story = !o.request_id.empty();
  const size_t n = story && !o.lines_given ? SIZE_MAX : o.lines;
  std::vector<EntryList> lists;
  for (const std::string& base : bases) {
    auto paths = ListRotatedSet(o.log_dir, base);
    if (!paths.ok()) return std::fprintf(err, "log_viewer: %s\n", paths.status().message().c_str()), 2;
    auto list = TailEntries(*paths, p.filter, n);
    if (!list.ok()) return std::fprintf(err, "log_viewer: %s\n", list.status().message().c_str()), 2;
    lists.push_back(std::move(*list));
  }
  if (story) {  // one request's whole story: both files merged, duplicates dropped, in order
    EntryList merged = MergeEntries(std::move(lists));
    if (o.json) {
      Write(out, Json({{"mode", "request"}, {"request_id", o.request_id}, {"entries", EntriesJson(merged)},
                       {"bad_lines", merged.bad_lines}}).dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
    } else {
      Write(out, RenderEntriesText(merged, "Request " + o.request_id, o.color));
    }
    return 0;
  }
  if (o.json) {
    Json j = {{"mode", "entries"}};
    uint64_t bad = 0;
    for (size_t i = 0; i < bases.size(); ++i) {
      j[bases[i] == "api.log" ? "api" : "errors"] = EntriesJson(lists[i]);
      bad += lists[i].bad_lines;
    }
    j["bad_lines"] = bad;
    Write(out, j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
    return 0;
  }
  for (size_t i = 0; i < bases.size(); ++i) {
    if (i) Write(out, "\n");
    Write(out, RenderEntriesText(lists[i], bases[i] == "api.log" ? "Recent API log entries" : "Recent error log entries", o.color));
  }
  return 0;
}

int RunFollow(const ViewerOptions& o, const Plan& p, std::FILE* out, const std::atomic<bool>& stop) {
  FollowOptions f;
  f.dir = o.log_dir;
  f.bases = {o.type == "errors" ? "errors.log" : "api.log"};
  f.filter = p.filter;
  f.json = o.json;
  f.color = o.color;
  if (o.lines_given) {  // like tail -n N -F: the last N first
    auto paths = ListRotatedSet(o.log_dir, f.bases[0]);
    if (paths.ok()) {
      auto list = TailEntries(*paths, p.filter, o.lines);
      if (list.ok()) {
        RecordParser parser;
        RecordView r;
        for (const Entry& e : list->entries)
          if (o.json) Write(out, e.line + "\n");
          else if (parser.Parse(e.line, &r)) Write(out, RenderEntryLine(r, o.color) + "\n");
      }
    }
  }
  std::fflush(out);
  return Follow(f, out, stop).ok() ? 0 : 2;
}

int RunReports(const ViewerOptions& o, Plan& p, std::FILE* out, std::FILE* err) {
  const bool want_stats = o.stats || o.check || !o.html_path.empty();
  Json stats, errors;
  if (want_stats) {
    auto s = StatsJson(o, p);
    if (!s.ok()) return std::fprintf(err, "log_viewer: %s\n", s.status().message().c_str()), 2;
    stats = std::move(*s);
  }
  if (o.errors_only) {
    auto e = ErrorsJson(o, p);
    if (!e.ok()) return std::fprintf(err, "log_viewer: %s\n", e.status().message().c_str()), 2;
    errors = std::move(*e);
  }
  if (!o.html_path.empty()) {
    Status st = WriteHtmlReport(o.html_path, stats, errors.is_null() ? nullptr : &errors);
    if (!st.ok()) return std::fprintf(err, "log_viewer: %s\n", st.message().c_str()), 2;
    if (!o.json && !o.stats && !o.check && !o.errors_only) std::fprintf(out, "HTML report written to %s\n", o.html_path.c_str());
  }
  Json security;
  if (o.security || (o.check && o.thresholds.max_auth_failures)) {
    auto s = SecurityJson(o, p);
    if (!s.ok()) return std::fprintf(err, "log_viewer: %s\n", s.status().message().c_str()), 2;
    security = std::move(*s);
  }
  std::vector<std::string> broken;
  if (o.check) broken = BrokenThresholds(stats, o.thresholds);
  if (o.check && !security.is_null()) {
    for (std::string& b : BrokenSecurityThresholds(security, o.thresholds)) broken.push_back(std::move(b));
  }
  if (o.json) {
    Json doc;
    const int reports = int(o.stats) + int(o.errors_only) + int(o.security);
    if (reports > 1) {
      doc = Json::object();
      if (o.stats) doc["stats"] = stats;
      if (o.errors_only) doc["errors"] = errors;
      if (o.security) doc["security"] = security;
    } else if (o.stats) doc = stats;
    else if (o.errors_only) doc = errors;
    else if (o.security) doc = security;
    if (o.check) {
      Json c = {{"ok", broken.empty()}, {"broken", broken}};
      if (doc.is_null()) doc = {{"mode", "check"}, {"overall", stats["overall"]}, {"slow_requests_count", stats["slow_requests"]["count"]}};
      if (!security.is_null() && !o.security) doc["security_totals"] = security["totals"];
      doc["check"] = c;
    }
    if (!doc.is_null()) Write(out, doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
  } else {
    if (o.stats) Write(out, RenderStatsText(stats, o.color));
    if (o.errors_only) {
      if (o.stats) Write(out, "\n");
      Write(out, RenderErrorsText(errors, o.color));
    }
    if (o.security) {
      if (o.stats || o.errors_only) Write(out, "\n");
      Write(out, RenderSecurityText(security, o.color));
    }
    if (o.check) {
      for (const std::string& line : broken) std::fprintf(out, "CHECK FAILED: %s\n", line.c_str());
      if (broken.empty()) Write(out, CheckSummary(stats, o.thresholds) + "\n");
    }
  }
  return broken.empty() ? 0 : 1;
}

}  // namespace

int RunViewer(const ViewerOptions& o, std::FILE* out, std::FILE* err, const std::atomic<bool>& stop) {
  auto plan = MakePlan(o);
  if (!plan.ok()) {
    std::fprintf(err, "log_viewer: %s\n", plan.status().message().c_str());
    return 2;
  }
  struct stat st {};
  if (::stat(o.log_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    std::fprintf(err, "log_viewer: log directory not found: %s\n", o.log_dir.c_str());
    return 2;
  }
  if (o.check && o.thresholds.Empty()) {
    std::fprintf(err, "log_viewer: --check needs at least one of --max-error-rate, --max-p95-ms, --max-slow, --max-auth-failures\n");
    return 2;
  }
  if (o.follow) return RunFollow(o, *plan, out, stop);
  if (o.security_options.burst_window_s <= 0) {
    std::fprintf(err, "log_viewer: --burst-window must be positive\n");
    return 2;
  }
  if (o.stats || o.errors_only || o.security || o.check || !o.html_path.empty()) return RunReports(o, *plan, out, err);
  return RunEntries(o, *plan, out, err);
}

}  // namespace llm::logview
