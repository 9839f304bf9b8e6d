#include "logview/security.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "logview/timestamp.h"

namespace llm::logview {
namespace {

constexpr std::string_view kAnonymous = "anonymous";
constexpr const char* kCategoryNames[kCategoryCount] = {"auth_failures", "refused_depth", "refused_framing",
                                                        "path_traversal", "injection", "not_found"};

// The category a security_event's reason counts in; kCategoryCount when it is not one of ours.
size_t CategoryOfReason(std::string_view reason) {
  if (reason == "auth_failed") return kAuthFailures;
  if (reason == "nesting_too_deep") return kRefusedDepth;
  if (reason == "bad_framing") return kRefusedFraming;
  if (reason == "path_traversal") return kPathTraversal;
  if (reason == "injection") return kInjection;
  return kCategoryCount;
}

// The path of a logged url: "http://host/a/b?x" -> "/a/b".
std::string_view PathOfUrl(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) {
    const size_t slash = url.find('/', scheme + 3);
    url = slash == std::string_view::npos ? std::string_view("/") : url.substr(slash);
  }
  return url.substr(0, url.find('?'));
}

}  // namespace

void Occurrence::Add(int64_t time_us) {
  if (count == 0 || time_us < first_us) first_us = time_us;
  if (count == 0 || time_us > last_us) last_us = time_us;
  ++count;
}

void Occurrence::Merge(const Occurrence& o) {
  if (o.count == 0) return;
  if (count == 0 || o.first_us < first_us) first_us = o.first_us;
  if (count == 0 || o.last_us > last_us) last_us = o.last_us;
  count += o.count;
}

void ActorFindings::Merge(const ActorFindings& o) {
  for (size_t i = 0; i < kCategoryCount; ++i) categories[i].Merge(o.categories[i]);
  size_times.Merge(o.size_times);
  size_requests.insert(o.size_requests.begin(), o.size_requests.end());
  size_without_id += o.size_without_id;
  for (const std::string& p : o.not_found_paths) {
    if (not_found_paths.size() >= kMaxDistinctPaths) break;
    not_found_paths.insert(p);
  }
  for (const auto& [w, occ] : o.windows) windows[w].Merge(occ);
}

void SecurityAggregate::Add(const RecordView& r, std::string_view) {
  AddTo(Slot(clients, r.remote_addr.empty() ? std::string_view("-") : r.remote_addr), r);
  AddTo(Slot(keys, r.api_key_name.empty() ? kAnonymous : r.api_key_name), r);
}

void SecurityAggregate::AddTo(ActorFindings& f, const RecordView& r) {
  const bool size_event = r.type == RecordType::kCustomEvent && r.event_type == "security_event" &&
                          r.reason == "body_too_large";
  if (size_event || (r.type == RecordType::kResponse && r.status_code == 413)) {
    f.size_times.Add(r.time_us);
    if (r.request_id.empty()) ++f.size_without_id;
    else f.size_requests.emplace(r.request_id);
  } else if (r.type == RecordType::kCustomEvent && r.event_type == "security_event") {
    const size_t c = CategoryOfReason(r.reason);
    if (c < kCategoryCount) f.categories[c].Add(r.time_us);
  } else if (r.type == RecordType::kResponse && r.status_code == 404) {
    f.categories[kNotFound].Add(r.time_us);
    if (f.not_found_paths.size() < ActorFindings::kMaxDistinctPaths) f.not_found_paths.emplace(PathOfUrl(r.url));
  } else if (r.type == RecordType::kRequest) {
    const double window_us = options_.burst_window_s * 1e6;
    f.windows[static_cast<int64_t>(std::floor(static_cast<double>(r.time_us) / window_us))].Add(r.time_us);
  }
}

void SecurityAggregate::Merge(SecurityAggregate&& o) {
  bad_lines += o.bad_lines;
  records += o.records;
  for (auto& [k, v] : o.clients) Slot(clients, k).Merge(v);
  for (auto& [k, v] : o.keys) Slot(keys, k).Merge(v);
}

namespace {

Json OccurrenceJson(const Occurrence& o, uint64_t count) {
  return {{"count", count},
          {"first", o.count ? Json(FormatTimestamp(o.first_us)) : Json(nullptr)},
          {"last", o.count ? Json(FormatTimestamp(o.last_us)) : Json(nullptr)}};
}

Json BurstsJson(const ActorFindings& f, const SecurityOptions& opt) {
  Occurrence bursts;
  uint64_t windows = 0, max_requests = 0;
  for (const auto& [w, occ] : f.windows) {
    max_requests = std::max(max_requests, occ.count);
    if (occ.count <= opt.burst_threshold) continue;
    ++windows;
    bursts.Merge(occ);
  }
  Json j = OccurrenceJson(bursts, windows);
  j["requests_in_bursts"] = bursts.count;
  j["max_requests_in_a_window"] = max_requests;
  return j;
}

Json ScanJson(const ActorFindings& f, const SecurityOptions& opt) {
  Json j = OccurrenceJson(f.categories[kNotFound], f.categories[kNotFound].count);
  j["distinct_paths"] = f.not_found_paths.size();
  j["scan"] = f.not_found_paths.size() >= opt.scan_min_paths;
  Json sample = Json::array();
  for (const std::string& p : f.not_found_paths) {
    if (sample.size() == 5) break;
    sample.push_back(p);
  }
  j["sample_paths"] = std::move(sample);
  return j;
}

// One actor's row, and how many findings it has (0: not worth listing).
Json ActorJson(const char* key, std::string_view name, const ActorFindings& f, const SecurityOptions& opt,
               uint64_t* findings) {
  Json row = {{key, name}};
  *findings = 0;
  for (size_t c = 0; c < kCategoryCount; ++c) {
    if (c == kNotFound) continue;
    row[kCategoryNames[c]] = OccurrenceJson(f.categories[c], f.categories[c].count);
    *findings += f.categories[c].count;
  }
  row["refused_size"] = OccurrenceJson(f.size_times, f.SizeRefusals());
  *findings += f.SizeRefusals();
  row["not_found"] = ScanJson(f, opt);
  if (row["not_found"]["scan"].get<bool>()) ++*findings;
  row["bursts"] = BurstsJson(f, opt);
  *findings += row["bursts"]["count"].get<uint64_t>();
  row["findings"] = *findings;
  return row;
}

Json ActorsJson(const StringMap<ActorFindings>& actors, const char* key, const SecurityOptions& opt) {
  std::vector<std::pair<uint64_t, Json>> rows;
  for (const auto& [name, f] : actors) {
    uint64_t findings = 0;
    Json row = ActorJson(key, name, f, opt, &findings);
    if (findings > 0) rows.emplace_back(findings, std::move(row));
  }
  std::sort(rows.begin(), rows.end(), [key](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second[key] < b.second[key];
  });
  Json out = Json::array();
  for (auto& [n, row] : rows) out.push_back(std::move(row));
  return out;
}

// Sums over the clients (every record has exactly one client address).
Json TotalsJson(const StringMap<ActorFindings>& clients, const SecurityOptions& opt) {
  std::array<uint64_t, kCategoryCount> counts{};
  uint64_t size = 0, scans = 0, bursts = 0;
  for (const auto& [name, f] : clients) {
    for (size_t c = 0; c < kCategoryCount; ++c) counts[c] += f.categories[c].count;
    size += f.SizeRefusals();
    if (f.not_found_paths.size() >= opt.scan_min_paths) ++scans;
    bursts += BurstsJson(f, opt)["count"].get<uint64_t>();
  }
  Json t = Json::object();
  for (size_t c = 0; c < kCategoryCount; ++c) t[kCategoryNames[c]] = counts[c];
  t["refused_size"] = size;
  t["not_found_scans"] = scans;
  t["bursts"] = bursts;
  return t;
}

}  // namespace

Json SecurityReportJson(const SecurityAggregate& agg, const ReportContext& ctx) {
  const SecurityOptions& opt = agg.options();
  Json j = Json::object();
  j["mode"] = "security";
  j["files"] = ctx.files;
  Json window = Json::object();
  window["since"] = ctx.since_us ? Json(FormatTimestamp(*ctx.since_us)) : Json(nullptr);
  window["until"] = ctx.until_us ? Json(FormatTimestamp(*ctx.until_us)) : Json(nullptr);
  j["window"] = std::move(window);
  j["bad_lines"] = agg.bad_lines;
  j["settings"] = {{"burst_threshold", opt.burst_threshold},
                   {"burst_window_s", opt.burst_window_s},
                   {"scan_min_404_paths", opt.scan_min_paths}};
  j["totals"] = TotalsJson(agg.clients, opt);
  j["by_client"] = ActorsJson(agg.clients, "remote_addr", opt);
  j["by_key"] = ActorsJson(agg.keys, "api_key_name", opt);
  return j;
}

}  // namespace llm::logview
