// Log entries for display: the last N records of a rotated set that pass the filters, read
// from the end of the newest file backwards (so --lines 100 touches only the file's tail).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "logview/filter.h"

namespace llm::logview {

struct Entry {
  int64_t time_us = 0;
  std::string line;  // the raw JSON line
};

struct EntryList {
  std::vector<Entry> entries;  // oldest first, sorted by time (stable for equal times)
  uint64_t bad_lines = 0;      // bad lines met in the part that was read
};

// The last `n` records of `paths` (oldest file first) passing `filter`, sorted by time.
Result<EntryList> TailEntries(const std::vector<std::string>& paths, const Filter& filter, size_t n);

// Merges lists into one, sorted by time, dropping lines that appear twice (a record written
// to both api.log and errors.log).
EntryList MergeEntries(std::vector<EntryList> lists);

}  // namespace llm::logview
