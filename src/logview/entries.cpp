#include "logview/entries.h"

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "logview/log_set.h"
#include "logview/record.h"

namespace llm::logview {
namespace {

// Visits the lines of `data` from the last to the first; stops when fn returns false.
template <typename Fn>
void ForEachLineBackwards(std::string_view data, Fn&& fn) {
  size_t end = data.size();
  while (end > 0) {
    const void* nl = end > 0 ? memrchr(data.data(), '\n', end) : nullptr;
    size_t start = nl ? static_cast<size_t>(static_cast<const char*>(nl) - data.data()) + 1 : 0;
    if (end > start && !fn(data.substr(start, end - start), start)) return;
    if (start == 0) return;
    end = start - 1;
  }
}

}  // namespace

Result<EntryList> TailEntries(const std::vector<std::string>& paths, const Filter& filter, size_t n) {
  EntryList out;
  RecordParser parser;
  RecordView r;
  std::vector<Entry> reversed;
  for (auto it = paths.rbegin(); it != paths.rend() && reversed.size() < n; ++it) {
    LLM_ASSIGN_OR_RETURN(LogSource src, LogSource::Open(*it));
    ForEachLineBackwards(src.data(), [&](std::string_view line, size_t offset) {
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) return true;
      if (!parser.Parse(line, src.readable() - offset, &r)) {
        ++out.bad_lines;
        return true;
      }
      if (filter.Matches(r, line)) reversed.push_back({r.time_us, std::string(line)});
      return reversed.size() < n;
    });
  }
  out.entries.assign(std::make_move_iterator(reversed.rbegin()), std::make_move_iterator(reversed.rend()));
  std::stable_sort(out.entries.begin(), out.entries.end(),
                   [](const Entry& a, const Entry& b) { return a.time_us < b.time_us; });
  return out;
}

EntryList MergeEntries(std::vector<EntryList> lists) {
  EntryList out;
  std::unordered_set<std::string> seen;
  for (EntryList& l : lists) {
    out.bad_lines += l.bad_lines;
    for (Entry& e : l.entries)
      if (seen.insert(e.line).second) out.entries.push_back(std::move(e));
  }
  std::stable_sort(out.entries.begin(), out.entries.end(),
                   [](const Entry& a, const Entry& b) { return a.time_us < b.time_us; });
  return out;
}

}  // namespace llm::logview
