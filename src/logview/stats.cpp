#include "logview/stats.h"

#include <algorithm>

namespace llm::logview {
namespace {

bool SlowerFirst(const SlowRequest& a, const SlowRequest& b) { return a.duration_ms > b.duration_ms; }

// Keeps the `keep` slowest requests in `heap` (a min-heap on duration): adds `s` when there is
// room or when it is slower than the fastest kept one.
void KeepIfSlowEnough(std::vector<SlowRequest>& heap, size_t keep, SlowRequest s) {
  if (keep == 0) return;
  if (heap.size() == keep) {
    if (s.duration_ms <= heap.front().duration_ms) return;
    std::pop_heap(heap.begin(), heap.end(), SlowerFirst);
    heap.back() = std::move(s);
  } else {
    heap.push_back(std::move(s));
  }
  std::push_heap(heap.begin(), heap.end(), SlowerFirst);
}

}  // namespace

void EndpointStats::Add(int status, double duration_ms) {
  ++count;
  if (status >= 400) ++errors;
  if (duration_ms >= 0) durations.Add(duration_ms);
}

void EndpointStats::Merge(const EndpointStats& o) {
  count += o.count;
  errors += o.errors;
  durations.Merge(o.durations);
}

void ModelStats::Merge(const ModelStats& o) {
  count += o.count;
  gen_time_n += o.gen_time_n;
  tps_n += o.tps_n;
  length_n += o.length_n;
  tokens_n += o.tokens_n;
  gen_time_sum += o.gen_time_sum;
  tps_sum += o.tps_sum;
  length_sum += o.length_sum;
  completion_tokens_sum += o.completion_tokens_sum;
  constrained += o.constrained;
  with_tool_calls += o.with_tool_calls;
  tool_calls_sum += o.tool_calls_sum;
  reasoning_tokens_sum += o.reasoning_tokens_sum;
}

void KeyUsage::Merge(const KeyUsage& o) {
  requests += o.requests;
  errors += o.errors;
  generations += o.generations;
  prompt_tokens += o.prompt_tokens;
  completion_tokens += o.completion_tokens;
}

KeyUsage& StatsAggregate::KeyOf(const RecordView& r) {
  const std::string_view name = r.api_key_name.empty() ? std::string_view("anonymous") : r.api_key_name;
  auto it = keys.find(name);
  if (it == keys.end()) it = keys.emplace(std::string(name), KeyUsage{}).first;
  return it->second;
}

void StatsAggregate::Add(const RecordView& r, std::string_view) {
  if (matched == 0 || r.time_us < first_us) first_us = r.time_us;
  if (matched == 0 || r.time_us > last_us) last_us = r.time_us;
  ++matched;
  switch (r.type) {
    case RecordType::kResponse:
      AddResponse(r);
      break;
    case RecordType::kRequest:
      ++request_records;
      if (!r.remote_addr.empty()) ++Slot(clients, r.remote_addr);
      if (!r.user_agent.empty()) ++Slot(user_agents, r.user_agent);
      break;
    case RecordType::kError:
    case RecordType::kException:
      ++error_records;
      break;
    case RecordType::kCustomEvent:
      ++event_records;
      if (r.event_type == "text_generation_success") {
        auto it = models.find(r.model_name);
        if (it == models.end()) it = models.emplace(std::string(r.model_name), ModelStats{}).first;
        ModelStats& m = it->second;
        ++m.count;
        if (r.generation_time >= 0) m.gen_time_sum += r.generation_time, ++m.gen_time_n;
        if (r.tokens_per_second >= 0) m.tps_sum += r.tokens_per_second, ++m.tps_n;
        if (r.response_length >= 0) m.length_sum += r.response_length, ++m.length_n;
        if (r.completion_tokens >= 0) m.completion_tokens_sum += r.completion_tokens, ++m.tokens_n;
        if (r.constrained) ++m.constrained;
        if (r.tool_calls > 0) ++m.with_tool_calls, m.tool_calls_sum += r.tool_calls;
        if (r.reasoning_tokens > 0) m.reasoning_tokens_sum += r.reasoning_tokens;
        KeyUsage& k = KeyOf(r);
        ++k.generations;
        if (r.prompt_tokens > 0) k.prompt_tokens += r.prompt_tokens;
        if (r.completion_tokens > 0) k.completion_tokens += r.completion_tokens;
      }
      break;
    case RecordType::kOther:
      break;
  }
}

void StatsAggregate::AddResponse(const RecordView& r) {
  overall.Add(r.status_code, r.duration_ms);
  KeyUsage& key = KeyOf(r);
  ++key.requests;
  if (r.status_code >= 400) ++key.errors;
  Slot(endpoints, r.endpoint.empty() ? std::string_view("-") : r.endpoint).Add(r.status_code, r.duration_ms);
  if (r.status_code >= 0) ++status_counts[static_cast<size_t>(r.status_code)];
  const int64_t hour = r.time_us >= 0 ? r.time_us / 3600000000LL : (r.time_us + 1) / 3600000000LL - 1;
  if (hour != cached_hour_) {
    cached_counts_ = &hours[hour];
    cached_hour_ = hour;
  }
  ++cached_counts_->requests;
  if (r.status_code >= 400) ++cached_counts_->errors;
  if (r.duration_ms > slow_ms_) AddSlow(r);
}

void StatsAggregate::AddSlow(const RecordView& r) {
  ++slow_count;
  if (keep_slowest_ == 0) return;
  if (slowest.size() == keep_slowest_ && r.duration_ms <= slowest.front().duration_ms) return;
  KeepIfSlowEnough(slowest, keep_slowest_,
                   SlowRequest{r.time_us, r.duration_ms, r.status_code, std::string(r.endpoint),
                               std::string(r.request_id), std::string(r.method),
                               std::string(r.path)});
}

void StatsAggregate::Merge(StatsAggregate&& o) {
  bad_lines += o.bad_lines;
  records += o.records;
  if (o.matched > 0) {
    if (matched == 0 || o.first_us < first_us) first_us = o.first_us;
    if (matched == 0 || o.last_us > last_us) last_us = o.last_us;
  }
  matched += o.matched;
  request_records += o.request_records;
  error_records += o.error_records;
  event_records += o.event_records;
  overall.Merge(o.overall);
  for (auto& [k, v] : o.endpoints) Slot(endpoints, k).Merge(v);
  for (size_t i = 0; i < status_counts.size(); ++i) status_counts[i] += o.status_counts[i];
  for (auto& [h, c] : o.hours) {
    HourCounts& mine = hours[h];
    mine.requests += c.requests;
    mine.errors += c.errors;
  }
  cached_hour_ = INT64_MIN;
  for (auto& [k, v] : o.clients) Slot(clients, k) += v;
  for (auto& [k, v] : o.user_agents) Slot(user_agents, k) += v;
  for (auto& [k, v] : o.models) models[k].Merge(v);
  for (auto& [k, v] : o.keys) keys[k].Merge(v);
  slow_count += o.slow_count;
  for (SlowRequest& s : o.slowest) KeepIfSlowEnough(slowest, keep_slowest_, std::move(s));
}

}  // namespace llm::logview
