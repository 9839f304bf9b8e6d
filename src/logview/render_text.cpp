#include "logview/render_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "core/json_depth.h"
#include "logview/text_style_internal.h"
#include "logview/timestamp.h"

namespace llm::logview {
namespace {

constexpr const char* kReset = "\033[0m";

const char* LevelColor(Level l) {
  switch (l) {
    case Level::kDebug: return "\033[2m";
    case Level::kInfo: return "\033[32m";
    case Level::kWarning: return "\033[33m";
    case Level::kError: return "\033[31m";
    case Level::kCritical: return "\033[1;41;97m";
  }
  return "";
}

// A heading preceded by a blank line.
std::string Heading2(std::string_view text, bool color) {
  std::string out(1, '\n');
  out += Heading(text, color);
  return out;
}

std::string Ms(double ms) {
  if (ms >= 1000) return fmt::format("{:.2f}s", ms / 1000);
  return ms >= 10 ? fmt::format("{:.1f}ms", ms) : fmt::format("{:.3f}ms", ms);
}


}  // namespace

std::string RenderEntryLine(const RecordView& r, bool color) {
  std::string ts = FormatTimestamp(r.time_us);  // 2025-06-26T10:30:00.123456Z
  std::string out = fmt::format("{} {} ", ts.substr(0, 10), ts.substr(11, 12));
  std::string level = fmt::format("{:<8}", LevelName(r.level));
  out += color ? fmt::format("{}{}{}", LevelColor(r.level), level, kReset) : level;
  fmt::format_to(std::back_inserter(out), " {:<12}", r.type_name.empty() ? "-" : r.type_name);
  if (!r.method.empty()) fmt::format_to(std::back_inserter(out), " {}", r.method);
  if (!r.endpoint.empty()) fmt::format_to(std::back_inserter(out), " {}", r.endpoint);
  else if (!r.path.empty()) fmt::format_to(std::back_inserter(out), " {}", r.path);
  if (r.status_code >= 0) fmt::format_to(std::back_inserter(out), " {}", r.status_code);
  if (r.duration_ms >= 0) fmt::format_to(std::back_inserter(out), " {}", Ms(r.duration_ms));
  if (!r.request_id.empty()) fmt::format_to(std::back_inserter(out), " [{}]", r.request_id);
  if (!r.api_key_name.empty()) fmt::format_to(std::back_inserter(out), " key={}", r.api_key_name);
  if (!r.event_type.empty()) fmt::format_to(std::back_inserter(out), " {}", r.event_type);
  if (!r.error_type.empty()) fmt::format_to(std::back_inserter(out), " {}", r.error_type);
  fmt::format_to(std::back_inserter(out), " {}", r.message);
  if (r.slow) out += color ? " \033[33m(slow)\033[0m" : " (slow)";
  return out;
}

std::string RenderEntriesText(const EntryList& list, std::string_view title, bool color) {
  std::string out = Heading(fmt::format("{} ({} entries)", title, list.entries.size()), color);
  RecordParser parser;
  RecordView r;
  for (const Entry& e : list.entries)
    if (parser.Parse(e.line, &r)) out += RenderEntryLine(r, color) + "\n";
  if (list.bad_lines) out += fmt::format("({} bad lines skipped)\n", list.bad_lines);
  return out;
}

Json EntriesJson(const EntryList& list) {
  Json arr = Json::array();
  for (const Entry& e : list.entries) {
    if (JsonNestingExceeds(e.line)) continue;  // dump() would recurse once per level
    Json rec = Json::parse(e.line, nullptr, false);
    if (!rec.is_discarded()) arr.push_back(std::move(rec));
  }
  return arr;
}

std::string RenderStatsText(const Json& j, bool color) {
  std::string out;
  auto w = std::back_inserter(out);
  out += Heading("API usage statistics", color);
  const Json& span = j["time_span"];
  fmt::format_to(w, "Time span:       {} .. {} ({:.1f} h)\n", Str(span["first"]), Str(span["last"]),
                 span["seconds"].get<double>() / 3600);
  fmt::format_to(w, "Records:         {} ({} bad lines skipped)\n", j["records"].get<uint64_t>(),
                 j["bad_lines"].get<uint64_t>());
  const Json& o = j["overall"];
  fmt::format_to(w, "Total requests:  {}  errors {} ({:.2f}%)  avg {}  p50 {}  p95 {}  p99 {}  max {}\n\n",
                 j["total_requests"].get<uint64_t>(), o["errors"].get<uint64_t>(), o["error_rate"].get<double>(),
                 Ms(o["avg_ms"]), Ms(o["p50_ms"]), Ms(o["p95_ms"]), Ms(o["p99_ms"]), Ms(o["max_ms"]));
  out += Heading("Endpoints", color);
  fmt::format_to(w, "  {:<28} {:>9} {:>7} {:>7} {:>10} {:>10} {:>10} {:>10} {:>10}\n", "endpoint", "count", "share",
                 "errors", "avg", "p50", "p95", "p99", "max");
  for (const Json& e : j["endpoints"])
    fmt::format_to(w, "  {:<28} {:>9} {:>6.1f}% {:>6.1f}% {:>10} {:>10} {:>10} {:>10} {:>10}\n",
                   e["endpoint"].get<std::string>(), e["count"].get<uint64_t>(), e["share"].get<double>(),
                   e["error_rate"].get<double>(), Ms(e["avg_ms"]), Ms(e["p50_ms"]), Ms(e["p95_ms"]),
                   Ms(e["p99_ms"]), Ms(e["max_ms"]));
  out += Heading2("Status codes", color);
  for (const auto& [code, n] : j["status_codes"].items()) fmt::format_to(w, "  {}: {}\n", code, n.get<uint64_t>());
  const Json& slow = j["slow_requests"];
  out += Heading2(fmt::format("Slow requests (> {} ms): {}", slow["threshold_ms"].get<double>(),
                                    slow["count"].get<uint64_t>()), color);
  for (const Json& s : slow["slowest"])
    fmt::format_to(w, "  {} {:>10} {} {} [{}]\n", Str(s["timestamp"]), Ms(s["duration_ms"]), Str(s["endpoint"]),
                   s["status_code"].get<int>(), Str(s["request_id"]));
  out += Heading2("Requests per hour (UTC)", color);
  uint64_t peak = 1;
  for (const Json& h : j["requests_per_hour"]) peak = std::max(peak, h["requests"].get<uint64_t>());
  for (const Json& h : j["requests_per_hour"]) {
    const uint64_t n = h["requests"].get<uint64_t>();
    const size_t bar = static_cast<size_t>((n * 50 + peak - 1) / peak);
    fmt::format_to(w, "  {} {:>8} {:>6} err  {}\n", Str(h["hour"]).substr(0, 13) + "h", n,
                   h["errors"].get<uint64_t>(), std::string(bar, '#'));
  }
  out += Heading2("Top clients", color);
  for (const Json& c : j["top_clients"]) fmt::format_to(w, "  {:<40} {:>9}\n", Str(c["remote_addr"]), c["requests"].get<uint64_t>());
  out += Heading2("Top user agents", color);
  for (const Json& c : j["top_user_agents"]) fmt::format_to(w, "  {:<60} {:>9}\n", Str(c["user_agent"]), c["requests"].get<uint64_t>());
  out += Heading2("Generation (text_generation_success events)", color);
  for (const Json& m : j["models"]) {
    auto num = [](const Json& v, const char* unit) { return v.is_null() ? std::string("-") : fmt::format("{:.2f}{}", v.get<double>(), unit); };
    fmt::format_to(w, "  {:<40} count {}  avg time {}  tokens/s {}  avg length {}\n", Str(m["model_name"]),
                   m["count"].get<uint64_t>(), num(m["avg_generation_time_s"], "s"), num(m["avg_tokens_per_second"], ""),
                   num(m["avg_response_length"], ""));
    fmt::format_to(w, "  {:<40} constrained {}  with tool calls {} ({} calls)  reasoning tokens {}\n", "",
                   m.value("constrained", uint64_t{0}), m.value("with_tool_calls", uint64_t{0}),
                   m.value("tool_calls", int64_t{0}), m.value("reasoning_tokens", int64_t{0}));
  }
  out += Heading2("Usage per API key (anonymous: no accepted key)", color);
  fmt::format_to(w, "  {:<30} {:>9} {:>9} {:>11} {:>13} {:>17}\n", "api_key_name", "requests", "errors", "generations",
                 "prompt_tokens", "completion_tokens");
  for (const Json& k : j.value("api_keys", Json::array()))
    fmt::format_to(w, "  {:<30} {:>9} {:>9} {:>11} {:>13} {:>17}\n", Str(k["api_key_name"]), k["requests"].get<uint64_t>(),
                   k["errors"].get<uint64_t>(), k["generations"].get<uint64_t>(), k["prompt_tokens"].get<int64_t>(),
                   k["completion_tokens"].get<int64_t>());
  return out;
}

std::string RenderErrorsText(const Json& j, bool color) {
  std::string out;
  auto w = std::back_inserter(out);
  out += Heading("Error summary", color);
  const Json& span = j["time_span"];
  fmt::format_to(w, "Total errors: {}   span {} .. {}   ({} bad lines skipped)\n\n", j["total_errors"].get<uint64_t>(),
                 Str(span["first"]), Str(span["last"]), j["bad_lines"].get<uint64_t>());
  out += Heading("By error type", color);
  for (const Json& g : j["by_error_type"])
    fmt::format_to(w, "  {:<28} {:>7}  first {}  last {}\n      latest: {}\n", Str(g["error_type"]),
                   g["count"].get<uint64_t>(), Str(g["first_seen"]), Str(g["last_seen"]), Str(g["latest_message"]));
  out += Heading2("By endpoint", color);
  for (const Json& g : j["by_endpoint"])
    fmt::format_to(w, "  {:<28} {:>7}  first {}  last {}\n", Str(g["endpoint"]), g["count"].get<uint64_t>(),
                   Str(g["first_seen"]), Str(g["last_seen"]));
  fmt::format_to(w, "\nAverage errors per hour: {:.2f}\n", j["average_errors_per_hour"].get<double>());
  for (const Json& s : j["spikes"]) {
    std::string line = fmt::format("ERROR SPIKE: {} had {} errors ({:.1f}x the hourly average)", Str(s["hour"]),
                                   s["errors"].get<uint64_t>(), s["times_average"].get<double>());
    out += color ? fmt::format("\033[1;31m{}{}\n", line, kReset) : line + "\n";
  }
  return out;
}

}  // namespace llm::logview
