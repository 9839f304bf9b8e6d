#include "logview/report.h"

#include <algorithm>
#include <cmath>

#include "logview/timestamp.h"

namespace llm::logview {
namespace {

std::string HourLabel(int64_t hour) { return FormatTimestampSeconds(hour * 3600000000LL); }

Json Window(const ReportContext& ctx) {
  Json w = Json::object();
  w["since"] = ctx.since_us ? Json(FormatTimestamp(*ctx.since_us)) : Json(nullptr);
  w["until"] = ctx.until_us ? Json(FormatTimestamp(*ctx.until_us)) : Json(nullptr);
  return w;
}

Json Span(uint64_t n, int64_t first_us, int64_t last_us) {
  Json s = Json::object();
  if (n == 0) {
    s["first"] = nullptr;
    s["last"] = nullptr;
    s["seconds"] = 0;
    return s;
  }
  s["first"] = FormatTimestamp(first_us);
  s["last"] = FormatTimestamp(last_us);
  s["seconds"] = Round3(static_cast<double>(last_us - first_us) / 1e6);
  return s;
}

Json DurationJson(const EndpointStats& e, uint64_t total) {
  Json j = Json::object();
  j["count"] = e.count;
  j["share"] = total ? Round3(100.0 * static_cast<double>(e.count) / static_cast<double>(total)) : 0.0;
  j["errors"] = e.errors;
  j["error_rate"] = e.count ? Round3(100.0 * static_cast<double>(e.errors) / static_cast<double>(e.count)) : 0.0;
  const DurationHistogram& h = e.durations;
  j["avg_ms"] = h.count() ? Round3(h.sum_ms() / static_cast<double>(h.count())) : 0.0;
  j["p50_ms"] = Round3(h.Percentile(0.50));
  j["p95_ms"] = Round3(h.Percentile(0.95));
  j["p99_ms"] = Round3(h.Percentile(0.99));
  j["max_ms"] = Round3(h.max_ms());
  return j;
}

// The `n` largest entries of a counter map, by count then name.
Json TopList(const StringMap<uint64_t>& map, size_t n, const char* key) {
  std::vector<std::pair<std::string_view, uint64_t>> v(map.begin(), map.end());
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  Json out = Json::array();
  for (size_t i = 0; i < v.size() && i < n; ++i) out.push_back({{key, v[i].first}, {"requests", v[i].second}});
  return out;
}

Json ModelsJson(const StatsAggregate& agg) {
  Json out = Json::array();
  auto avg = [](double sum, uint64_t n) { return n ? Json(Round3(sum / static_cast<double>(n))) : Json(nullptr); };
  for (const auto& [name, m] : agg.models) {
    out.push_back({{"model_name", name.empty() ? "-" : name},
                   {"count", m.count},
                   {"avg_generation_time_s", avg(m.gen_time_sum, m.gen_time_n)},
                   {"avg_tokens_per_second", avg(m.tps_sum, m.tps_n)},
                   {"avg_response_length", avg(static_cast<double>(m.length_sum), m.length_n)},
                   {"total_completion_tokens", m.completion_tokens_sum},
                   {"constrained", m.constrained},
                   {"with_tool_calls", m.with_tool_calls},
                   {"tool_calls", m.tool_calls_sum},
                   {"reasoning_tokens", m.reasoning_tokens_sum}});
  }
  return out;
}

Json KeysJson(const StatsAggregate& agg) {
  Json out = Json::array();
  for (const auto& [name, k] : agg.keys) {
    out.push_back({{"api_key_name", name},
                   {"requests", k.requests},
                   {"errors", k.errors},
                   {"generations", k.generations},
                   {"prompt_tokens", k.prompt_tokens},
                   {"completion_tokens", k.completion_tokens}});
  }
  return out;
}

Json SlowJson(const StatsAggregate& agg) {
  std::vector<SlowRequest> s = agg.slowest;
  std::sort(s.begin(), s.end(), [](const SlowRequest& a, const SlowRequest& b) {
    return a.duration_ms != b.duration_ms ? a.duration_ms > b.duration_ms : a.time_us < b.time_us;
  });
  Json list = Json::array();
  for (const SlowRequest& r : s)
    list.push_back({{"timestamp", FormatTimestamp(r.time_us)},
                    {"duration_ms", Round3(r.duration_ms)},
                    {"endpoint", r.endpoint},
                    {"status_code", r.status_code},
                    {"method", r.method},
                    {"path", r.path},
                    {"request_id", r.request_id}});
  return {{"threshold_ms", agg.slow_ms()}, {"count", agg.slow_count}, {"slowest", list}};
}

}  // namespace

double Round3(double v) { return std::round(v * 1000.0) / 1000.0; }

Json StatsReportJson(const StatsAggregate& agg, const ReportContext& ctx) {
  Json j = Json::object();
  j["mode"] = "stats";
  j["files"] = ctx.files;
  j["window"] = Window(ctx);
  j["records"] = agg.matched;
  j["bad_lines"] = agg.bad_lines;
  j["time_span"] = Span(agg.matched, agg.first_us, agg.last_us);
  j["total_requests"] = agg.overall.count;
  j["request_records"] = agg.request_records;
  j["error_records"] = agg.error_records;
  j["overall"] = DurationJson(agg.overall, agg.overall.count);
  std::vector<std::pair<std::string_view, const EndpointStats*>> eps;
  for (const auto& [k, v] : agg.endpoints) eps.emplace_back(k, &v);
  std::sort(eps.begin(), eps.end(), [](const auto& a, const auto& b) {
    return a.second->count != b.second->count ? a.second->count > b.second->count : a.first < b.first;
  });
  Json endpoints = Json::array();
  for (const auto& [name, e] : eps) {
    Json row = {{"endpoint", name}};
    row.update(DurationJson(*e, agg.overall.count));
    endpoints.push_back(std::move(row));
  }
  j["endpoints"] = std::move(endpoints);
  Json status = Json::object();
  for (size_t c = 0; c < agg.status_counts.size(); ++c)
    if (agg.status_counts[c]) status[std::to_string(c)] = agg.status_counts[c];
  j["status_codes"] = std::move(status);
  j["slow_requests"] = SlowJson(agg);
  Json hours = Json::array();
  for (const auto& [h, c] : agg.hours)
    hours.push_back({{"hour", HourLabel(h)}, {"requests", c.requests}, {"errors", c.errors}});
  j["requests_per_hour"] = std::move(hours);
  j["top_clients"] = TopList(agg.clients, ctx.top_n, "remote_addr");
  j["top_user_agents"] = TopList(agg.user_agents, ctx.top_n, "user_agent");
  j["models"] = ModelsJson(agg);
  j["api_keys"] = KeysJson(agg);
  return j;
}

namespace {

Json GroupsJson(const StringMap<ErrorGroup>& groups, const char* key, bool with_message) {
  std::vector<std::pair<std::string_view, const ErrorGroup*>> v;
  for (const auto& [k, g] : groups) v.emplace_back(k, &g);
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    return a.second->count != b.second->count ? a.second->count > b.second->count : a.first < b.first;
  });
  Json out = Json::array();
  for (const auto& [name, g] : v) {
    Json row = {{key, name},
                {"count", g->count},
                {"first_seen", FormatTimestamp(g->first_us)},
                {"last_seen", FormatTimestamp(g->last_us)}};
    if (with_message) row["latest_message"] = g->latest_message;
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace

Json ErrorReportJson(const ErrorAggregate& agg, const ReportContext& ctx) {
  Json j = Json::object();
  j["mode"] = "errors";
  j["files"] = ctx.files;
  j["window"] = Window(ctx);
  j["bad_lines"] = agg.bad_lines;
  j["total_errors"] = agg.matched;
  j["time_span"] = Span(agg.matched, agg.first_us, agg.last_us);
  j["by_error_type"] = GroupsJson(agg.by_type, "error_type", true);
  j["by_endpoint"] = GroupsJson(agg.by_endpoint, "endpoint", false);
  Json hours = Json::array();
  for (const auto& [h, n] : agg.per_hour) hours.push_back({{"hour", HourLabel(h)}, {"errors", n}});
  j["errors_per_hour"] = std::move(hours);
  // Average over every hour of the span, empty hours included.
  double avg = 0;
  if (!agg.per_hour.empty()) {
    const int64_t span = agg.per_hour.rbegin()->first - agg.per_hour.begin()->first + 1;
    avg = static_cast<double>(agg.matched) / static_cast<double>(span);
  }
  j["average_errors_per_hour"] = Round3(avg);
  Json spikes = Json::array();
  for (const auto& [h, n] : agg.per_hour)
    if (static_cast<double>(n) > 3.0 * avg)
      spikes.push_back({{"hour", HourLabel(h)}, {"errors", n}, {"times_average", Round3(static_cast<double>(n) / avg)}});
  j["spikes"] = std::move(spikes);
  return j;
}

}  // namespace llm::logview
