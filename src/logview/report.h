// The reports of --stats and --errors-only as JSON documents: the one model that the text,
// JSON, HTML and --check outputs all render from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "logview/errors.h"
#include "logview/stats.h"

namespace llm::logview {

using Json = nlohmann::ordered_json;

struct ReportContext {
  std::vector<std::string> files;   // the files read, oldest first
  std::optional<int64_t> since_us;  // the window, when limited
  std::optional<int64_t> until_us;
  size_t top_n = 10;                // rows of the top clients / user agents lists
};

// The --stats document (see docs/log_viewer.md for every field).
Json StatsReportJson(const StatsAggregate& agg, const ReportContext& ctx);
// The --errors-only document, with error spikes (hours over 3x the average per hour).
Json ErrorReportJson(const ErrorAggregate& agg, const ReportContext& ctx);

// Rounds to 3 decimals (milliseconds to the microsecond) for stable output.
double Round3(double v);

}  // namespace llm::logview
