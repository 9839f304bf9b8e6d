// --check: monitoring thresholds over a --stats report, for cron jobs and alerting.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "logview/report.h"

namespace llm::logview {

struct CheckThresholds {
  std::optional<double> max_error_rate;  // percent of responses with status >= 400
  std::optional<double> max_p95_ms;      // overall p95 duration
  std::optional<uint64_t> max_slow;      // responses slower than --slow-ms
  std::optional<uint64_t> max_auth_failures;  // security_event auth_failed records
  bool Empty() const { return !max_error_rate && !max_p95_ms && !max_slow && !max_auth_failures; }
};

// One line per broken threshold (empty when all hold), e.g.
// "error rate 12.50% > max 5.00% (25 of 200 responses)".
std::vector<std::string> BrokenThresholds(const Json& stats_report, const CheckThresholds& t);
// The same for the thresholds read from a --security report (max_auth_failures), e.g.
// "auth failures 12 > max 5 (most from 10.0.0.7: 9)".
std::vector<std::string> BrokenSecurityThresholds(const Json& security_report, const CheckThresholds& t);
// A one-line summary of what was checked, for the success case.
std::string CheckSummary(const Json& stats_report, const CheckThresholds& t);

}  // namespace llm::logview
