#include "logview/reference_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <numeric>

#include "logview/test_util.h"

namespace llm::logview::testing {
using nlohmann::json;

double RefDurations::Percentile(double p) const {
  if (ms.empty()) return 0;
  std::vector<double> v = ms;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
  rank = std::clamp<size_t>(rank, 1, v.size());
  return v[rank - 1];
}

double RefDurations::Avg() const {
  return ms.empty() ? 0 : std::accumulate(ms.begin(), ms.end(), 0.0) / static_cast<double>(ms.size());
}

double RefDurations::Max() const { return ms.empty() ? 0 : *std::max_element(ms.begin(), ms.end()); }

std::optional<int64_t> RefParseTime(const std::string& s) {
  int y, mo, d, h, mi, se, consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &consumed) != 6 || consumed != 19)
    return std::nullopt;
  std::string rest = s.substr(19);
  int64_t micros = 0;
  if (!rest.empty() && rest[0] == '.') {
    size_t n = 1;
    std::string digits;
    while (n < rest.size() && isdigit(static_cast<unsigned char>(rest[n]))) digits += rest[n++];
    if (digits.empty()) return std::nullopt;
    digits = (digits + "000000").substr(0, 6);
    micros = std::stoll(digits);
    rest = rest.substr(n);
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  int64_t secs;
  if (rest.empty()) {
    tm.tm_isdst = -1;
    secs = mktime(&tm);
  } else if (rest == "Z") {
    secs = timegm(&tm);
  } else if ((rest[0] == '+' || rest[0] == '-') && rest.size() == 6 && rest[3] == ':') {
    const int off = std::stoi(rest.substr(1, 2)) * 3600 + std::stoi(rest.substr(4, 2)) * 60;
    secs = timegm(&tm) - (rest[0] == '+' ? off : -off);
  } else {
    return std::nullopt;
  }
  return secs * 1000000 + micros;
}

std::optional<json> RefParseRecord(const std::string& line) {
  json j = json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  if (!j.contains("timestamp") || !j["timestamp"].is_string() || !RefParseTime(j["timestamp"])) return std::nullopt;
  static const std::vector<std::string> kLevels = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"};
  if (!j.contains("level") || !j["level"].is_string() ||
      std::find(kLevels.begin(), kLevels.end(), j["level"].get<std::string>()) == kLevels.end())
    return std::nullopt;
  if (!j.contains("message") || !j["message"].is_string()) return std::nullopt;
  if (j.contains("status_code") && !j["status_code"].is_null() && !j["status_code"].is_number_integer()) return std::nullopt;
  if (j.contains("duration_ms") && !j["duration_ms"].is_null() && !j["duration_ms"].is_number()) return std::nullopt;
  return j;
}

std::string RefHourLabel(int64_t hour) {
  std::time_t t = static_cast<std::time_t>(hour * 3600);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

std::string Str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

void AddRecord(RefStats& s, const json& j, int64_t t, double slow_ms) {
  ++s.matched;
  if (!s.first_us || t < *s.first_us) s.first_us = t;
  if (!s.last_us || t > *s.last_us) s.last_us = t;
  const std::string type = Str(j, "type");
  s.error_types[j.contains("error_type") && j["error_type"].is_string() ? j["error_type"].get<std::string>() : "Unknown"]++;
  if (type == "request") {
    ++s.request_records;
    if (!Str(j, "remote_addr").empty()) s.clients[Str(j, "remote_addr")]++;
    if (!Str(j, "user_agent").empty()) s.agents[Str(j, "user_agent")]++;
  } else if (type == "error" || type == "exception") {
    ++s.error_records;
  } else if (type == "custom_event" && Str(j, "event_type") == "text_generation_success") {
    RefModel& m = s.models[Str(j, "model_name").empty() ? "-" : Str(j, "model_name")];
    ++m.count;
    if (j.contains("generation_time")) m.gen_time.push_back(j["generation_time"].get<double>());
    if (j.contains("tokens_per_second")) m.tps.push_back(j["tokens_per_second"].get<double>());
    if (j.contains("response_length")) m.length.push_back(j["response_length"].get<double>());
  } else if (type == "response") {
    const int status = j.contains("status_code") && j["status_code"].is_number() ? j["status_code"].get<int>() : -1;
    const double ms = j.contains("duration_ms") && j["duration_ms"].is_number() ? j["duration_ms"].get<double>() : -1;
    const std::string ep = Str(j, "endpoint").empty() ? "-" : Str(j, "endpoint");
    for (RefDurations* d : {&s.overall, &s.endpoints[ep]}) {
      ++d->count;
      if (status >= 400) ++d->errors;
      if (ms >= 0) d->ms.push_back(ms);
    }
    if (status >= 0) s.status[status]++;
    const int64_t hour = static_cast<int64_t>(std::floor(static_cast<double>(t) / 3.6e9));
    s.hours[hour].first++;
    if (status >= 400) s.hours[hour].second++;
    if (ms > slow_ms) s.slow.push_back(ms);
  }
}

}  // namespace

RefStats ComputeReference(const std::vector<std::string>& files, std::optional<int64_t> since,
                          std::optional<int64_t> until, double slow_ms) {
  RefStats s;
  for (const std::string& f : files) {
    for (const std::string& line : ReadLines(f)) {
      auto j = RefParseRecord(line);
      if (!j) {
        ++s.bad_lines;
        continue;
      }
      ++s.records;
      const int64_t t = *RefParseTime((*j)["timestamp"]);
      if ((since && t < *since) || (until && t >= *until)) continue;
      AddRecord(s, *j, t, slow_ms);
    }
  }
  std::sort(s.slow.rbegin(), s.slow.rend());
  return s;
}

}  // namespace llm::logview::testing
