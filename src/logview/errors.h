// The --errors-only aggregate over errors.log: counts by error_type (the specification's
// "Count Errors by Type": a record without error_type counts as "Unknown") and by endpoint,
// first/last seen, the latest message of each type, and errors per hour for spike detection.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "logview/record.h"
#include "logview/stats.h"

namespace llm::logview {

struct ErrorGroup {
  uint64_t count = 0;
  int64_t first_us = 0, last_us = 0;
  std::string latest_message;  // error_message, else message, of the latest record
  void Add(const RecordView& r);
  void Merge(ErrorGroup&& o);
};

class ErrorAggregate {
 public:
  // Folds one record (already filtered) into the aggregate.
  void Add(const RecordView& r, std::string_view raw_line);
  void Merge(ErrorAggregate&& o);

  uint64_t bad_lines = 0;  // maintained by the scanner
  uint64_t records = 0;    // valid lines, maintained by the scanner
  uint64_t matched = 0;    // records that passed the filters = errors counted
  int64_t first_us = 0, last_us = 0;
  StringMap<ErrorGroup> by_type;
  StringMap<ErrorGroup> by_endpoint;
  std::map<int64_t, uint64_t> per_hour;  // hour index (UTC seconds / 3600) -> errors
};

}  // namespace llm::logview
