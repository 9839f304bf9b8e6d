// The --security aggregate: suspicious patterns in api.log, per client address and per API key
// name ("anonymous" for requests without an accepted key), each with its first and last time:
//   auth_failures     security_event reason auth_failed
//   refused_size      security_event body_too_large, or a response with status 413 (one per request)
//   refused_depth     security_event nesting_too_deep
//   refused_framing   security_event bad_framing
//   path_traversal    security_event path_traversal
//   injection         security_event injection
//   not_found         responses with status 404; a scan when the distinct paths reach
//                     scan_min_paths
//   bursts            fixed windows of burst_window_s seconds (aligned on the epoch) in which
//                     the actor sent more than burst_threshold requests (request records)
// Memory grows with actors, windows with requests and distinct 404 paths (capped per actor).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "logview/report.h"
#include "logview/stats.h"

namespace llm::logview {

struct SecurityOptions {
  uint64_t burst_threshold = 100;  // --burst-threshold: more than this many requests ...
  double burst_window_s = 10;      // --burst-window: ... in one window of this many seconds
  uint64_t scan_min_paths = 10;    // --scan-min-404: distinct 404 paths that make a scan
};

// A count with the times of its first and last occurrence.
struct Occurrence {
  uint64_t count = 0;
  int64_t first_us = 0, last_us = 0;
  void Add(int64_t time_us);
  void Merge(const Occurrence& o);
};

enum SecurityCategory : size_t {
  kAuthFailures,
  kRefusedDepth,
  kRefusedFraming,
  kPathTraversal,
  kInjection,
  kNotFound,
  kCategoryCount
};

// What one client address or one key name did.
struct ActorFindings {
  static constexpr size_t kMaxDistinctPaths = 1000;  // 404 paths remembered per actor
  std::array<Occurrence, kCategoryCount> categories;
  Occurrence size_times;                 // times of the size refusals
  std::set<std::string> size_requests;   // request ids refused for size (413 + event: one)
  uint64_t size_without_id = 0;          // size refusals without a request id
  std::set<std::string> not_found_paths; // distinct 404 paths, at most kMaxDistinctPaths
  std::map<int64_t, Occurrence> windows; // burst window index -> requests
  void Merge(const ActorFindings& o);
  uint64_t SizeRefusals() const { return size_requests.size() + size_without_id; }
};

class SecurityAggregate {
 public:
  static constexpr bool kNeedsText = true;  // the url of 404 responses
  explicit SecurityAggregate(SecurityOptions options = {}) : options_(options) {}

  // Folds one record (already filtered) into the findings of its client and its key name.
  void Add(const RecordView& r, std::string_view raw_line);
  // Adds everything of `o` (built with the same options).
  void Merge(SecurityAggregate&& o);

  uint64_t bad_lines = 0;  // maintained by the scanner
  uint64_t records = 0;    // valid lines, maintained by the scanner
  StringMap<ActorFindings> clients, keys;
  const SecurityOptions& options() const { return options_; }

 private:
  void AddTo(ActorFindings& f, const RecordView& r);
  SecurityOptions options_;
};

// The report: {"mode": "security", "files", "window", "bad_lines", "settings", "totals",
// "by_client": [...], "by_key": [...]}; an actor is listed when it has a finding.
Json SecurityReportJson(const SecurityAggregate& agg, const ReportContext& ctx);

// The report as text (sections by client address and by key name).
std::string RenderSecurityText(const Json& report, bool color);

}  // namespace llm::logview
