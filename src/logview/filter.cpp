#include "logview/filter.h"

namespace llm::logview {

bool StatusFilter::Matches(int code) const {
  for (const auto& [lo, hi] : ranges)
    if (code >= lo && code <= hi) return true;
  return false;
}

Result<StatusFilter> StatusFilter::Parse(std::string_view text) {
  StatusFilter f;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (item.size() == 3 && item[0] >= '1' && item[0] <= '5' &&
        (item[1] == 'x' || item[1] == 'X') && (item[2] == 'x' || item[2] == 'X')) {
      int c = (item[0] - '0') * 100;
      f.ranges.emplace_back(c, c + 99);
      continue;
    }
    if (item.size() == 3 && item.find_first_not_of("0123456789") == std::string_view::npos) {
      int c = (item[0] - '0') * 100 + (item[1] - '0') * 10 + (item[2] - '0');
      f.ranges.emplace_back(c, c);
      continue;
    }
    return Status::InvalidArgument("--status: expected a code like 404 or a class like 5xx, got '" +
                                   std::string(item) + "'");
  }
  if (f.ranges.empty()) return Status::InvalidArgument("--status: empty");
  return f;
}

bool Filter::Matches(const RecordView& r, std::string_view raw_line) const {
  if (since_us && r.time_us < *since_us) return false;
  if (until_us && r.time_us >= *until_us) return false;
  if (min_level && r.level < *min_level) return false;
  if (!status.empty() && (r.status_code < 0 || !status.Matches(r.status_code))) return false;
  if (!endpoint.empty() && r.endpoint != endpoint && r.path != endpoint) return false;
  if (!request_id.empty() && r.request_id != request_id) return false;
  if (!grep.empty() && raw_line.find(grep) == std::string_view::npos) return false;
  return true;
}

bool Filter::Empty() const {
  return !since_us && !until_us && endpoint.empty() && status.empty() && !min_level &&
         request_id.empty() && grep.empty();
}

}  // namespace llm::logview
