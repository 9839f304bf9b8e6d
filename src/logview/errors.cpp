#include "logview/errors.h"

namespace llm::logview {
namespace {

ErrorGroup& Group(StringMap<ErrorGroup>& map, std::string_view key) {
  auto it = map.find(key);
  if (it == map.end()) it = map.emplace(std::string(key), ErrorGroup{}).first;
  return it->second;
}

}  // namespace

void ErrorGroup::Add(const RecordView& r) {
  if (count == 0 || r.time_us < first_us) first_us = r.time_us;
  if (count == 0 || r.time_us >= last_us) {
    last_us = r.time_us;
    latest_message = std::string(r.error_message.empty() ? r.message : r.error_message);
  }
  ++count;
}

void ErrorGroup::Merge(ErrorGroup&& o) {
  if (o.count == 0) return;
  if (count == 0 || o.first_us < first_us) first_us = o.first_us;
  if (count == 0 || o.last_us >= last_us) {
    last_us = o.last_us;
    latest_message = std::move(o.latest_message);
  }
  count += o.count;
}

void ErrorAggregate::Add(const RecordView& r, std::string_view) {
  if (matched == 0 || r.time_us < first_us) first_us = r.time_us;
  if (matched == 0 || r.time_us > last_us) last_us = r.time_us;
  ++matched;
  Group(by_type, r.error_type.empty() ? std::string_view("Unknown") : r.error_type).Add(r);
  Group(by_endpoint, r.endpoint.empty() ? std::string_view("-") : r.endpoint).Add(r);
  const int64_t hour = r.time_us >= 0 ? r.time_us / 3600000000LL : (r.time_us + 1) / 3600000000LL - 1;
  ++per_hour[hour];
}

void ErrorAggregate::Merge(ErrorAggregate&& o) {
  bad_lines += o.bad_lines;
  records += o.records;
  if (o.matched > 0) {
    if (matched == 0 || o.first_us < first_us) first_us = o.first_us;
    if (matched == 0 || o.last_us > last_us) last_us = o.last_us;
  }
  matched += o.matched;
  for (auto& [k, g] : o.by_type) Group(by_type, k).Merge(std::move(g));
  for (auto& [k, g] : o.by_endpoint) Group(by_endpoint, k).Merge(std::move(g));
  for (auto& [h, n] : o.per_hour) per_hour[h] += n;
}

}  // namespace llm::logview
