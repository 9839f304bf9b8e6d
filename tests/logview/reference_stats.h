// An independent, deliberately simple computation of the --stats and --errors-only figures
// (nlohmann::json, exact sorting for percentiles) that the tests compare log_viewer against.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace llm::logview::testing {

struct RefDurations {
  uint64_t count = 0, errors = 0;
  std::vector<double> ms;
  // Exact nearest-rank percentile.
  double Percentile(double p) const;
  double Avg() const;
  double Max() const;
};

struct RefModel {
  uint64_t count = 0;
  std::vector<double> gen_time, tps, length;
};

struct RefStats {
  uint64_t records = 0, bad_lines = 0, matched = 0;
  std::optional<int64_t> first_us, last_us;
  uint64_t request_records = 0, error_records = 0;
  RefDurations overall;
  std::map<std::string, RefDurations> endpoints;
  std::map<int, uint64_t> status;
  std::vector<double> slow;  // durations over the threshold
  std::map<int64_t, std::pair<uint64_t, uint64_t>> hours;  // hour index -> requests, errors
  std::map<std::string, uint64_t> clients, agents;
  std::map<std::string, RefModel> models;
  std::map<std::string, uint64_t> error_types;  // for errors.log
};

// Parses a timestamp with sscanf/timegm/mktime (no zone = local time); nullopt if malformed.
std::optional<int64_t> RefParseTime(const std::string& text);
// Parses a line as the schema says; nullopt for a bad line.
std::optional<nlohmann::json> RefParseRecord(const std::string& line);
// Computes every figure over the files (oldest first) within [since, until).
RefStats ComputeReference(const std::vector<std::string>& files, std::optional<int64_t> since,
                          std::optional<int64_t> until, double slow_ms = 5000);
// "2025-06-26T10:00:00Z" for an hour index.
std::string RefHourLabel(int64_t hour);

}  // namespace llm::logview::testing
